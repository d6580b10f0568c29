"""Accent-insensitive text keys for Vietnamese search: 'Nguyễn Văn Đạt' → 'nguyen van dat'."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics, map đ/Đ to d and collapse white space."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
