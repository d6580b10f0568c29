"""Access to the accounts an administrator may act on: a locked account is reachable only by a
holder of ``user.unlock`` whose reach covers it, a managed account (and its role assignments)
only by a holder of ``user.manage`` who reaches it; otherwise 403 (no such role) or 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.accounts import selectors
from dangvien.accounts.models import RoleAssignment, User
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scoping import can_anywhere


def get_locked_user_for_user(user: Any, user_id: int) -> User:
    """The locked account ``user_id`` among those ``user`` may unlock."""
    if not can_anywhere(user, "user.unlock"):
        raise PermissionDenied("user.unlock")
    for lockout in selectors.list_lockouts(user=user):
        if lockout.user.pk == user_id:
            return lockout.user
    raise Http404("lockout")


def get_managed_user_for_user(user: Any, user_id: Any) -> User:
    """An account ``user`` manages (``user.manage``): 403 without the action anywhere, 404 for
    an account outside their reach (``UserQuerySet.visible_to``)."""
    if not can_anywhere(user, "user.manage"):
        raise PermissionDenied("user.manage")
    return get_visible_or_404(User, user, user_id)


def get_managed_assignment_for_user(user: Any, assignment_id: Any) -> RoleAssignment:
    """A role assignment of an account ``user`` manages (403 / 404 as above)."""
    if not can_anywhere(user, "user.manage"):
        raise PermissionDenied("user.manage")
    return get_visible_or_404(
        RoleAssignment.objects.filter(user__in=User.objects.visible_to(user)).select_related(
            "user", "organisation"
        ),
        user,
        assignment_id,
    )
