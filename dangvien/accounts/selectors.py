"""Reads about accounts: the owner of an API token, current lockouts an administrator may lift,
the accounts an administrator manages and their role history."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet

from dangvien.accounts.models import ApiToken, User
from dangvien.core.typing import AnyUser


def hash_token(raw: str) -> str:
    """What is stored of an API token: its SHA-256 (the raw key is shown once, never kept)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def get_user_for_token(raw: str) -> User | None:
    """The active user owning the API token ``raw``, or None."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    return found.user if found is not None else None


@dataclass(frozen=True)
class Lockout:
    user: User
    ip_address: str
    failures: int
    attempt_time: dt.datetime
    second_factor: bool = False  # the code step (accounts.SecondFactorThrottle), not the password


def list_lockouts(*, user: AnyUser) -> list[Lockout]:
    """Locked-out (username, address) pairs and locked second-factor steps whose account the
    reader may unlock."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    from dangvien.accounts.models import RoleAssignment, SecondFactorThrottle
    from dangvien.accounts.rules import role_allows
    from dangvien.accounts.scope import assignments

    attempts = list(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-attempt_time")
        .values("username", "ip_address", "failures_since_start", "attempt_time")
    )
    throttles = list(
        SecondFactorThrottle.objects.filter(locked_until__gt=timezone.now())
        .select_related("user")
        .order_by("-locked_until")
    )
    usernames = {a["username"].lower() for a in attempts if a["username"]}
    usernames |= {t.user.username.lower() for t in throttles}
    users = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
    if not user.is_superuser:
        roots = [path for role, path in assignments(user) if role_allows(role, "user.unlock")]
        if not roots:
            return []
        homes: dict[int, str] = {}
        rows = RoleAssignment.objects.filter(user__in=users.values()).order_by(
            "organisation__depth", "pk"
        )
        for user_id, path in rows.values_list("user_id", "organisation__path"):
            homes.setdefault(user_id, path)
        users = {
            name: u
            for name, u in users.items()
            if u.pk in homes and any(homes[u.pk].startswith(root) for root in roots)
        }
    password_locks = [
        Lockout(
            user=users[a["username"].lower()],
            ip_address=a["ip_address"] or "",
            failures=a["failures_since_start"],
            attempt_time=a["attempt_time"],
        )
        for a in attempts
        if a["username"] and a["username"].lower() in users
    ]
    code_locks = [
        Lockout(
            user=users[t.user.username.lower()],
            ip_address=t.last_address,
            failures=t.attempts,
            attempt_time=t.locked_until or t.window_started_at,
            second_factor=True,
        )
        for t in throttles
        if t.user.username.lower() in users
    ]
    return password_locks + code_locks


def list_managed_users(*, user: AnyUser, q: str = "") -> QuerySet[User]:
    """The accounts ``user`` manages (``UserQuerySet.visible_to``), by username, with their
    current role assignments (two queries for any page of them)."""
    from dangvien.accounts.models import RoleAssignment

    users = User.objects.visible_to(user)
    q = q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    current = RoleAssignment.objects.current().select_related("organisation").order_by("pk")
    listed: QuerySet[User] = users.order_by("username").prefetch_related(
        Prefetch("role_assignments", queryset=current, to_attr="current_roles")
    )
    return listed


def list_role_history(account: User) -> QuerySet[Any]:
    """Every role assignment of ``account``, current first, then ended (newest first)."""
    from dangvien.accounts.models import RoleAssignment

    return (
        RoleAssignment.objects.filter(user_id=account.pk)
        .select_related("organisation", "created_by", "ended_by")
        .order_by(F("ended_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def has_second_factor(account: User) -> bool:
    from allauth.mfa.models import Authenticator

    found: bool = Authenticator.objects.filter(user_id=account.pk).exists()
    return found
