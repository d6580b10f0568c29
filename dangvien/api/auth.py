"""API authentication: the browser session (with CSRF) or a personal token in the header
``Authorization: Bearer <token>``."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from dangvien.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """Django's session cookie; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None
