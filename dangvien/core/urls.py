"""``reverse`` for a URL that takes one primary key, resolved once per name: a worklist of a
province builds a link for each of its thousands of items, and each ``reverse`` walks the
resolver (about a tenth of the start page's time before this)."""

from __future__ import annotations

from django.urls import get_script_prefix, get_urlconf, reverse

_MARK = 987654321
_SPLIT: dict[tuple[str, str, object], tuple[str, str]] = {}


def pk_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``: the URL is reversed once per name (and script prefix and
    URLconf, which can differ between requests) with a mark in place of the key, then only
    the key changes."""
    key = (name, get_script_prefix(), get_urlconf())
    parts = _SPLIT.get(key)
    if parts is None:
        before, _mark, after = reverse(name, args=[_MARK]).partition(str(_MARK))
        parts = _SPLIT[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"
