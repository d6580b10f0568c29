"""Demo data and ``manage.py seed_demo``. No models; nothing in production imports this app."""
