"""rules has no per-object access: its rows are national. Changing them needs the
``rules.change`` / ``calendar.change`` action somewhere in the user's roles, checked in the services
and views through ``core.scoping.can_anywhere``."""
