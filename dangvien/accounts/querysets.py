"""accounts keeps no scoped querysets: users are not rows of the tree. A user's reach is
computed in ``accounts/scope.py`` (installed as ``core.scoping``'s policy); lockouts an
administrator may lift are read in ``accounts/selectors.py``."""
