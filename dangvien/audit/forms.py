"""audit has no input forms: audit events are written only by services (``services.record``);
the audit browser's filters are in ``filtersets.py``."""
