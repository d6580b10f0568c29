"""Which accounts an administrator reaches, and which role assignments are current.

Users are not rows of the tree: an account is filed under the organisations of its role
assignments (current and ended). An administrator (``user.manage``: the system administrator,
the organisation board) reaches an account when every one of its assignments lies in their
subtree and every current one is a role they may grant there (``rules.grantable_roles``):
nobody manages an account that holds more than they do, or that reaches outside their subtree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from dangvien.accounts.models import RoleAssignment, User  # noqa: F401 (in quotes)


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self) -> RoleAssignmentQuerySet:
        """Assignments not ended: the ones that give scope and actions."""
        return self.filter(ended_at__isnull=True)


def managing_q(actor: Any) -> Q | None:
    """``Q`` over ``RoleAssignment`` rows the actor covers (in a subtree where they hold
    ``user.manage``; current rows only with a role they may grant there); None when the actor
    manages nothing. Superusers cover everything (``Q()``)."""
    from dangvien.accounts.rules import grantable_roles, role_allows
    from dangvien.accounts.scope import assignments

    if not getattr(actor, "is_authenticated", False):
        return None
    if actor.is_superuser:
        return Q()
    covered: Q | None = None
    for role, path in assignments(actor):
        if not role_allows(role, "user.manage"):
            continue
        here = Q(organisation__path__startswith=path) & (
            Q(ended_at__isnull=False) | Q(role__in=sorted(grantable_roles(role)))
        )
        covered = here if covered is None else covered | here
    return covered


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, actor: Any) -> UserQuerySet:
        """The accounts ``actor`` may manage (see the module docstring)."""
        from dangvien.accounts.models import RoleAssignment

        covered = managing_q(actor)
        if covered is None:
            return self.none()
        if actor.is_superuser:
            return self.all()
        mine = RoleAssignment.objects.filter(user_id=OuterRef("pk"))
        return self.filter(is_superuser=False).filter(Exists(mine), ~Exists(mine.exclude(covered)))
