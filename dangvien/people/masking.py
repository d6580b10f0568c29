"""How sensitive fields look when the reader may not see them in full."""

from __future__ import annotations


def mask_citizen_id(value: str | None) -> str:
    """'001204012345' → '••••••••2345'; empty stays empty."""
    if not value:
        return ""
    return "•" * (len(value) - 4) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return "•" * max(len(value) - 3, 0) + value[-3:]
