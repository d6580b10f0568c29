"""The JSON API: mounts every app's router; no models of its own (not a domain app)."""
