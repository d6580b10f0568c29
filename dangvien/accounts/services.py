"""Writes on users, roles and tokens."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction

from dangvien.accounts.models import ApiToken, RoleAssignment, User
from dangvien.accounts.scope import forget
from dangvien.accounts.selectors import hash_token
from dangvien.audit.services import record

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


@transaction.atomic
def assign_role(
    user: User, *, role: str, organisation: Organisation, actor: User
) -> RoleAssignment:
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    if created:
        record(
            actor=actor,
            action="accounts.role_assignment.created",
            target=assignment,
            organisation=organisation,
            data={"user": user.username, "role": role},
        )
    forget(user)
    return assignment


@transaction.atomic
def create_api_token(user: User, *, name: str, actor: User) -> tuple[ApiToken, str]:
    """Return the token row and the raw key (shown to the user once, never stored)."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw))
    record(actor=actor, action="accounts.api_token.created", target=token, data={"name": name})
    return token, raw


def home_organisation(user: User) -> Organisation | None:
    """The organisation a user's account events are filed under (for the scoped audit browser):
    the highest organisation among their role assignments."""
    assignment = (
        RoleAssignment.objects.filter(user_id=user.pk)
        .select_related("organisation")
        .order_by("organisation__depth", "pk")
        .first()
    )
    return assignment.organisation if assignment is not None else None


@transaction.atomic
def unlock_user(user: User, *, actor: User) -> int:
    """Lift a login lockout (every address) for ``user``; returns the attempt rows removed.

    Allowed to holders of ``user.unlock`` on the organisation the user's account is filed
    under; superusers may unlock anybody.
    """
    from axes.models import AccessAttempt
    from django.utils.translation import gettext as _

    from dangvien.accounts.rules import can
    from dangvien.core.errors import DomainError

    organisation = home_organisation(user)
    allowed = getattr(actor, "is_superuser", False) or (
        organisation is not None and can(actor, "user.unlock", organisation)
    )
    if not allowed:
        raise DomainError(
            _("Bạn không có quyền mở khóa tài khoản «%s».") % user.username,
            rule="user.unlock",
        )
    attempts = AccessAttempt.objects.select_for_update().filter(username__iexact=user.username)
    addresses = sorted({a.ip_address or "" for a in attempts})
    removed: int  # axes is untyped
    removed, _detail = attempts.delete()
    record(
        actor=actor,
        action="accounts.user.unlocked",
        target=user,
        organisation=organisation,
        data={"username": user.username, "addresses": addresses, "attempts_removed": removed},
    )
    return removed


@transaction.atomic
def record_lockout(*, username: str, ip_address: str) -> None:
    """Audit a lockout (called by axes' ``user_locked_out`` signal)."""
    user = User.objects.filter(username__iexact=username).first()
    record(
        actor=None,
        action="accounts.user.locked_out",
        target=user,
        organisation=home_organisation(user) if user is not None else None,
        data={"username": username, "address": ip_address},
    )


@transaction.atomic
def record_mfa_change(user: User, *, actor: User, enabled: bool) -> None:
    record(
        actor=actor,
        action="accounts.user.mfa_enabled" if enabled else "accounts.user.mfa_disabled",
        target=user,
        organisation=home_organisation(user),
        data={"username": user.username, "method": "totp"},
    )
