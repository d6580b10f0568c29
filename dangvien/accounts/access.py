"""Access to the accounts an administrator may act on: a locked account is reachable only by a
holder of ``user.unlock`` whose reach covers it; otherwise 403 (no such role) or 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.accounts import selectors
from dangvien.accounts.models import User
from dangvien.core.scoping import can_anywhere


def get_locked_user_for_user(user: Any, user_id: int) -> User:
    """The locked account ``user_id`` among those ``user`` may unlock."""
    if not can_anywhere(user, "user.unlock"):
        raise PermissionDenied("user.unlock")
    for lockout in selectors.list_lockouts(user=user):
        if lockout.user.pk == user_id:
            return lockout.user
    raise Http404("lockout")
