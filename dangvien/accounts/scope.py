"""A user's reach: the paths of the organisations their roles are assigned on.

Computed once per user object (one query) and reused by every queryset's ``visible_to``.
Installed as the scope policy of ``dangvien.core.scoping`` (``AccountsConfig.ready``): the other
apps ask there.
"""

from __future__ import annotations

from typing import Any

_CACHE_ATTR = "_dangvien_assignments"


def assignments(user: Any) -> list[tuple[str, str]]:
    """(role, organisation path) pairs of the user's current assignments (ended ones give
    nothing); cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from dangvien.accounts.models import RoleAssignment

        cached = list(
            RoleAssignment.objects.current()
            .filter(user_id=user.pk)
            .values_list("role", "organisation__path")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached assignments (after a role change on the same user object)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def subtree_paths(user: Any) -> list[str]:
    """The minimal set of subtree roots the user can read; [''] (everything) for superusers."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return [""]
    paths = sorted({path for _role, path in assignments(user)})
    minimal: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in minimal):
            minimal.append(path)
    return minimal
