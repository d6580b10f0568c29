"""Password validators of our own (listed in ``AUTH_PASSWORD_VALIDATORS``)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _fold(text: str) -> str:
    """Letters and digits only, lower case, without Vietnamese marks (``đ`` → ``d``), so
    «Bí Thư» and ``bi.thu`` match ``bithu``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(
        ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)
    ).lower()


class UsernameInPasswordValidator:
    """Refuse a password that contains the username (``bithu12345`` for ``bithu``), forwards
    or backwards, ignoring case, marks and punctuation. Django's
    ``UserAttributeSimilarityValidator`` compares whole strings and lets a username plus a few
    digits through."""

    def __init__(self, min_length: int = 3) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        username = _fold(str(getattr(user, "username", "") or ""))
        if len(username) < self.min_length:
            return
        folded = _fold(password)
        if username in folded or username[::-1] in folded:
            raise ValidationError(
                _(
                    "Mật khẩu không được chứa tên đăng nhập «%(username)s» (quy tắc mật khẩu: "
                    "không chứa tên đăng nhập, kể cả viết ngược)."
                )
                % {"username": user.username},
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return _("Mật khẩu không được chứa tên đăng nhập.")
