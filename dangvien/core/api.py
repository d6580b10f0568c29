"""What every app's API router shares: the error shape and list paging bounds."""

from __future__ import annotations

from ninja import Schema


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []
    rule: str | None = None
    found: str | None = None
    required: str | None = None


ERROR_RESPONSES = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


MAX_OFFSET = 2**31 - 1


def page_bounds(offset: int, limit: int, *, max_limit: int = 500) -> tuple[int, int]:
    """Clamp list paging: a huge offset would overflow the database's integer (found by fuzzing)."""
    start = max(0, min(offset, MAX_OFFSET))
    return start, start + max(1, min(limit, max_limit))
