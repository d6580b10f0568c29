"""accounts has no forms of its own: login, password and second-factor forms are allauth's
(customised in ``adapters.py`` and ``mfa.py``, translated in ``locale/vi``); roles are assigned
by the system administrator in the admin site through ``services.assign_role``."""
