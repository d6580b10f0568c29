"""Shared foundations with no models and no domain knowledge (not a domain app)."""
