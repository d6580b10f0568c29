"""Glue between the login libraries and the project: allauth's adapter and axes' username."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators, never by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The username a login attempt is for: allauth authenticates with ``username=``; its
    form field is called ``login``; Django's admin form uses ``username``."""
    if credentials and credentials.get("username"):
        return str(credentials["username"]).strip().lower()
    data = getattr(request, "POST", {}) or {}
    return str(data.get("login") or data.get("username") or "").strip().lower()
