"""Writes on users, roles and tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import ApiToken, RoleAssignment, SecondFactorThrottle, User
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
    SecondFactorThrottle.objects.filter(user_id=user.pk).delete()
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


# --- Authentication events: login, logout, failed password, password change, second factor ---


def _account_event(
    user: User | None, *, action: str, actor: User | None, data: dict[str, Any]
) -> None:
    record(
        actor=actor,
        action=action,
        target=user,
        organisation=home_organisation(user) if user is not None else None,
        data=data,
    )


@transaction.atomic
def record_login(user: User, *, address: str) -> None:
    """Audit a completed login (after the second factor when the account has one)."""
    _account_event(
        user,
        action="accounts.user.logged_in",
        actor=user,
        data={"username": user.username, "address": address},
    )


@transaction.atomic
def record_logout(user: User, *, address: str) -> None:
    _account_event(
        user,
        action="accounts.user.logged_out",
        actor=user,
        data={"username": user.username, "address": address},
    )


@transaction.atomic
def record_login_failure(*, username: str, address: str) -> None:
    """Audit a refused password (wrong password, unknown username or locked-out pair)."""
    user = User.objects.filter(username__iexact=username).first() if username else None
    _account_event(
        user,
        action="accounts.user.login_failed",
        actor=None,
        data={"username": username, "address": address},
    )


@transaction.atomic
def record_password_change(user: User, *, actor: User | None) -> int:
    """A password was changed (by its owner, an administrator or a command): every API token
    of the account is revoked with it, and the change is audited. Returns the tokens revoked."""
    tokens = ApiToken.objects.select_for_update().filter(user_id=user.pk)
    names = sorted(tokens.values_list("name", flat=True))
    revoked, _detail = tokens.delete()
    _account_event(
        user,
        action="accounts.user.password_changed",
        actor=actor,
        data={"username": user.username, "api_tokens_revoked": names},
    )
    return revoked


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MFA_LOCKOUT_MINUTES)


@transaction.atomic
def start_second_factor_attempt(user: User, *, address: str) -> dt.datetime | None:
    """Count one second-factor attempt *before* the code is checked; return the end of the
    lock when the account's second factor is locked (the code must then not be checked).

    Attempts are counted up front so parallel guesses cannot overrun the limit; a right code
    clears the count (``clear_second_factor_attempts``), a wrong one is audited
    (``record_second_factor_failure``). A refused attempt during a lock is audited too.
    """
    now = timezone.now()
    throttle, _created = SecondFactorThrottle.objects.select_for_update().get_or_create(
        user=user, defaults={"window_started_at": now}
    )
    if throttle.locked_until is not None and now < throttle.locked_until:
        throttle.last_address = address
        throttle.save(update_fields=["last_address"])
        _record_code_lock(user, throttle, address)
        return throttle.locked_until
    if throttle.locked_until is not None or now >= throttle.window_started_at + _window():
        throttle.attempts = 0
        throttle.window_started_at = now
        throttle.locked_until = None
    if throttle.attempts >= settings.MFA_FAILURE_LIMIT:  # the limit is taken by parallel tries
        throttle.locked_until = now + _window()
        throttle.save()
        return throttle.locked_until
    throttle.attempts += 1
    throttle.last_address = address
    throttle.save()
    return None


def _record_code_lock(user: User, throttle: SecondFactorThrottle, address: str) -> None:
    """Audit the code step locked (or a try refused while it is)."""
    _account_event(
        user,
        action="accounts.user.mfa_locked_out",
        actor=None,
        data={
            "username": user.username,
            "address": address,
            "attempts": throttle.attempts,
            "locked_until": throttle.locked_until,
        },
    )


@transaction.atomic
def record_second_factor_failure(user: User, *, address: str) -> dt.datetime | None:
    """Audit a wrong second-factor code; lock the step when the limit is reached (audited
    too). Returns the end of the lock, if any."""
    now = timezone.now()
    throttle = SecondFactorThrottle.objects.select_for_update().get(user_id=user.pk)
    limit = settings.MFA_FAILURE_LIMIT
    _account_event(
        user,
        action="accounts.user.mfa_failed",
        actor=None,
        data={
            "username": user.username,
            "address": address,
            "attempts": throttle.attempts,
            "limit": limit,
        },
    )
    if throttle.attempts < limit:
        return None
    throttle.locked_until = now + _window()
    throttle.save(update_fields=["locked_until"])
    _record_code_lock(user, throttle, address)
    return throttle.locked_until


@transaction.atomic
def clear_second_factor_attempts(user: User) -> None:
    """A right code: the count starts again from zero."""
    SecondFactorThrottle.objects.filter(user_id=user.pk).delete()
