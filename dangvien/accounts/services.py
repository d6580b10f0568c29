"""Writes on users, roles and tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from dangvien.accounts.models import ApiToken, RoleAssignment, User
from dangvien.accounts.scope import forget
from dangvien.audit.services import record


@transaction.atomic
def assign_role(user: User, *, role: str, organisation: Any, actor: Any) -> RoleAssignment:
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
def create_api_token(user: User, *, name: str, actor: Any) -> tuple[ApiToken, str]:
    """Return the token row and the raw key (shown to the user once, never stored)."""
    from dangvien.api.auth import hash_token

    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw))
    record(actor=actor, action="accounts.api_token.created", target=token, data={"name": name})
    return token, raw
