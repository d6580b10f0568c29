"""The one place that reads htmx's request headers."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest, *, target: str | None = None) -> bool:
    """True when htmx sent the request (``HX-Request``); with ``target``, only when it swaps
    the element of that id (``HX-Target``), so a partial is sent to the part that asked."""
    if not request.headers.get("HX-Request"):
        return False
    return target is None or request.headers.get("HX-Target") == target
