"""accounts has no filtered lists: the one list it shows (accounts locked after failed logins,
``selectors.list_lockouts``) is short and shown whole."""
