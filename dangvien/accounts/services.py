"""Writes on users, roles and tokens: every one in one transaction, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.choices import Role
from dangvien.accounts.models import ApiToken, RoleAssignment, SecondFactorThrottle, User
from dangvien.accounts.rules import can_grant, role_labels, roles_allowed, roles_on
from dangvien.accounts.scope import forget
from dangvien.accounts.selectors import hash_token
from dangvien.audit.services import record
from dangvien.core.errors import DomainError

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


def _refuse_grant(actor: User, role: str, organisation: Organisation) -> DomainError:
    found = role_labels(roles_on(actor, organisation)) or _("không có vai trò tại đây")
    return DomainError(
        _(
            "Không được giao vai trò «%(role)s» tại «%(organisation)s»: chỉ được giao vai trò "
            "không cao hơn vai trò của mình, trong phạm vi mình quản lý tài khoản. Vai trò của "
            "bạn tại đây: %(found)s."
        )
        % {"role": Role(role).label, "organisation": organisation.name, "found": found},
        rule="role_grant",
        found=found,
        required=_("vai trò quản lý tài khoản (%(roles)s) bao trùm vai trò «%(role)s»")
        % {"roles": role_labels(roles_allowed("user.manage")), "role": Role(role).label},
        field="role",
    )


def _require_grant(actor: User, role: str, organisation: Organisation) -> None:
    if role not in Role.values:
        raise DomainError(_("Vai trò «%s» không tồn tại.") % role, rule="role", field="role")
    if not can_grant(actor, role, organisation):
        raise _refuse_grant(actor, role, organisation)


def _require_manage(actor: User, user: User, *, self_allowed: bool = False) -> None:
    """The actor must reach the account (``UserQuerySet.visible_to``); an administrator does
    not lock, reset or end their own account here (their own pages do that)."""
    if not self_allowed and actor.pk == user.pk:
        raise DomainError(
            _("Không thể thực hiện thao tác này trên chính tài khoản của mình."),
            rule="user_self",
        )
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists():
        raise DomainError(
            _(
                "Tài khoản «%s» nằm ngoài phạm vi bạn quản lý, hoặc có vai trò cao hơn vai trò "
                "của bạn."
            )
            % user.username,
            rule="user_manage",
        )


def _grant(user: User, *, role: str, organisation: Organisation, actor: User) -> RoleAssignment:
    assignment = (
        RoleAssignment.objects.current()
        .select_for_update()
        .filter(user=user, role=role, organisation=organisation)
        .first()
    )
    if assignment is not None:
        return assignment
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, organisation=organisation, created_by=actor
            )
    except IntegrityError:  # the same grant, sent twice at once: one row
        return RoleAssignment.objects.current().get(user=user, role=role, organisation=organisation)
    assignment.newly_created = True  # type: ignore[attr-defined]  # the API answers 201
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
def assign_role(
    user: User, *, role: str, organisation: Organisation, actor: User
) -> RoleAssignment:
    """Give ``user`` ``role`` on ``organisation`` and its subtree (nothing new when they hold
    it already). The actor must manage the account and may grant only a role not above their
    own, inside their subtree (``rules.can_grant``)."""
    _require_grant(actor, role, organisation)
    if not actor.is_superuser:
        _require_manage(actor, user, self_allowed=True)
    return _grant(user, role=role, organisation=organisation, actor=actor)


@transaction.atomic
def end_role_assignment(assignment: RoleAssignment, *, actor: User, note: str) -> RoleAssignment:
    """End a role: the row stays (ended, with who, when and why) and gives nothing any more."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    user = assignment.user
    if assignment.ended_at is not None:
        raise DomainError(
            _("Vai trò này đã kết thúc lúc %s.")
            % timezone.localtime(assignment.ended_at).strftime("%H:%M %d/%m/%Y"),
            rule="role_already_ended",
        )
    if not note.strip():
        raise DomainError(_("Hãy ghi lý do kết thúc vai trò."), rule="reason", field="note")
    _require_manage(actor, user)
    _require_grant(actor, assignment.role, assignment.organisation)
    assignment.ended_at = timezone.now()
    assignment.ended_by = actor
    assignment.end_note = note.strip()
    assignment.save(update_fields=["ended_at", "ended_by", "end_note"])
    record(
        actor=actor,
        action="accounts.role_assignment.ended",
        target=assignment,
        organisation=assignment.organisation,
        data={"user": user.username, "role": assignment.role, "note": assignment.end_note},
    )
    forget(user)
    return assignment


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), rule="password", field="password1") from None


@transaction.atomic
def create_user(
    *,
    username: str,
    full_name: str,
    email: str = "",
    password: str,
    role: str,
    organisation: Organisation,
    actor: User,
) -> User:
    """A new account with its first role (an account without a role would belong to no one's
    subtree). The username is unique whatever its case."""
    _require_grant(actor, role, organisation)
    username = username.strip()
    if not username:
        raise DomainError(_("Hãy nhập tên đăng nhập."), rule="username", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("Tên đăng nhập «%s» đã có người dùng. Hãy chọn tên khác.") % username,
            rule="username_unique",
            field="username",
        )
    user = User(username=username, full_name=full_name.strip(), email=email.strip())
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same account, sent twice at once
        raise DomainError(
            _("Tên đăng nhập «%s» đã có người dùng. Hãy chọn tên khác.") % username,
            rule="username_unique",
            field="username",
        ) from None
    record(
        actor=actor,
        action="accounts.user.created",
        target=user,
        organisation=organisation,
        data={"username": user.username, "full_name": user.full_name, "role": role},
    )
    _grant(user, role=role, organisation=organisation, actor=actor)
    return user


def _end_sessions(user: User) -> int:
    """Log the account out everywhere (database sessions); returns the sessions ended."""
    from django.contrib.sessions.models import Session

    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def reset_password(user: User, *, password: str, actor: User) -> User:
    """An administrator sets a new password (the old one is forgotten, the API tokens revoked,
    every session of the account ended)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])  # post_save: accounts.user.password_changed
    sessions = _end_sessions(user)
    _account_event(
        user,
        action="accounts.user.password_reset",
        actor=actor,
        data={"username": user.username, "sessions_ended": sessions},
    )
    return user


@transaction.atomic
def reset_second_factor(user: User, *, actor: User) -> int:
    """Remove the account's authenticator app and recovery codes and end its sessions: a role
    that requires the second factor is asked to enrol again at the next login. Returns the
    authenticators removed."""
    from allauth.mfa.models import Authenticator

    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    authenticators = Authenticator.objects.filter(user_id=user.pk)
    kinds = sorted(authenticators.values_list("type", flat=True))
    if not kinds:
        raise DomainError(
            _("Tài khoản «%s» chưa đăng ký xác thực hai lớp: không có gì để đặt lại.")
            % user.username,
            rule="mfa_reset",
        )
    removed: int
    removed, _detail = authenticators.delete()
    SecondFactorThrottle.objects.filter(user_id=user.pk).delete()
    sessions = _end_sessions(user)
    _account_event(
        user,
        action="accounts.user.mfa_reset",
        actor=actor,
        data={"username": user.username, "removed": kinds, "sessions_ended": sessions},
    )
    return removed


@transaction.atomic
def deactivate_user(user: User, *, actor: User, note: str) -> User:
    """The account can no longer log in (its sessions end, its API tokens stop working); its
    roles and history stay."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    if not user.is_active:
        raise DomainError(
            _("Tài khoản «%s» đã bị khóa từ trước.") % user.username, rule="user_inactive"
        )
    if not note.strip():
        raise DomainError(_("Hãy ghi lý do khóa tài khoản."), rule="reason", field="note")
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = _end_sessions(user)
    _account_event(
        user,
        action="accounts.user.deactivated",
        actor=actor,
        data={"username": user.username, "note": note.strip(), "sessions_ended": sessions},
    )
    return user


@transaction.atomic
def reactivate_user(user: User, *, actor: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manage(actor, user)
    if user.is_active:
        raise DomainError(_("Tài khoản «%s» đang hoạt động.") % user.username, rule="user_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    _account_event(
        user, action="accounts.user.reactivated", actor=actor, data={"username": user.username}
    )
    return user


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

    from dangvien.accounts.rules import can

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


# --- reorganisation (issue 11): scopes follow the organisations -------------------------------


def reorganisation_role_ids(
    organisation_ids: list[int], effective_date: dt.date
) -> dict[int, list[int]]:
    """The current role assignments on these organisations."""
    held: dict[int, list[int]] = {pk: [] for pk in organisation_ids}
    for pk, organisation_id in (
        RoleAssignment.objects.current()
        .filter(organisation_id__in=organisation_ids)
        .values_list("pk", "organisation_id")
    ):
        held[organisation_id].append(pk)
    return held


def _reorganisation_note(source: Organisation, event: Any, target: Organisation | None) -> str:
    decision = getattr(event, "decision_number", "") or ""
    if target is None:
        return _("Sắp xếp tổ chức (%(decision)s): «%(source)s» kết thúc") % {
            "decision": decision,
            "source": source.name,
        }
    return _("Sắp xếp tổ chức (%(decision)s): «%(source)s» → «%(target)s»") % {
        "decision": decision,
        "source": source.name,
        "target": target.name,
    }


def _end_for_reorganisation(
    assignments: list[RoleAssignment], *, actor: User, note: str
) -> list[int]:
    now = timezone.now()
    for assignment in assignments:
        assignment.ended_at = now
        assignment.ended_by = actor if getattr(actor, "pk", None) else None
        assignment.end_note = note[:500]
    RoleAssignment.objects.bulk_update(assignments, ["ended_at", "ended_by", "end_note"])
    for assignment in assignments:
        record(
            actor=actor,
            action="accounts.role_assignment.ended",
            target=assignment,
            organisation=assignment.organisation,
            data={"user": assignment.user.username, "role": assignment.role, "note": note},
        )
        forget(assignment.user)
    return [assignment.pk for assignment in assignments]


def _locked_assignments(source: Organisation, ids: Any) -> list[RoleAssignment]:
    rows = RoleAssignment.objects.current().select_for_update().filter(organisation=source)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return list(rows.select_related("user", "organisation").order_by("pk"))


@transaction.atomic
def reorganisation_move_roles(
    source: Organisation,
    target: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Any = None,
    event: Any = None,
) -> list[int]:
    """Role assignments on ``source`` move to ``target`` (its successor): each is ended with
    the reorganisation as its reason and the same role is given on ``target`` (nothing new when
    the user holds it there already), so no user keeps a scope that covers an ended node. The
    reorganisation's own authority was checked by the caller."""
    assignments = _locked_assignments(source, ids)
    ended = _end_for_reorganisation(
        assignments, actor=actor, note=_reorganisation_note(source, event, target)
    )
    for assignment in assignments:
        _grant(assignment.user, role=assignment.role, organisation=target, actor=actor)
    return ended


@transaction.atomic
def reorganisation_end_roles(
    source: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Any = None,
    event: Any = None,
) -> list[int]:
    """Role assignments on ``source`` end with it (the caller's choice, shown in the preview)."""
    assignments = _locked_assignments(source, ids)
    return _end_for_reorganisation(
        assignments, actor=actor, note=_reorganisation_note(source, event, None)
    )
