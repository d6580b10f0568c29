"""API list paging: ninja's ``@paginate`` with one LimitOffset paginator for every list.

Lists stay plain JSON arrays (no envelope, the API's contract since v1). Out-of-range values
are clamped, never refused and never passed to the database as they are: a huge offset would
overflow the database's integer (a 500, found by fuzzing), a negative one is the start.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import create_model

MAX_OFFSET = 2**31 - 1  # far beyond any list; fits every backend's integer
MAX_LIMIT = 500

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def clamp(*, offset: int, limit: int, max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """The (start, stop) slice for ``offset``/``limit`` within the bounds above."""
    start = max(0, min(offset, MAX_OFFSET))
    return start, start + max(1, min(limit, max_limit))


class ClampedLimitOffset(LimitOffsetPagination):
    """``?limit=&offset=`` (default limit per list, at most 500), the page as a plain list."""

    # No envelope: the list keeps its own response schema.
    Output = None  # type: ignore[assignment]

    def __init__(self, *, default_limit: int = 50, max_limit: int = MAX_LIMIT, **kwargs: Any):
        super().__init__(max_limit=max_limit, **kwargs)
        self.Input = create_model(
            f"LimitOffset{default_limit}",
            __base__=Schema,  # type: ignore[arg-type]
            limit=(int, Field(default_limit, description=f"1–{max_limit}")),
            offset=(int, Field(0, description=f"0–{MAX_OFFSET}")),
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        start, stop = clamp(
            offset=pagination.offset, limit=pagination.limit, max_limit=self.max_limit
        )
        return list(queryset[start:stop])


def paginated(*, default_limit: int = 50) -> Callable[[ViewFunc], ViewFunc]:
    """``ninja.pagination.paginate(ClampedLimitOffset)`` for an API list. The view's string
    annotations (``from __future__ import annotations``) are resolved in its own module
    first: ninja reads them through the wrapper, whose module does not know the view's types."""

    def decorate(func: ViewFunc) -> ViewFunc:
        func.__annotations__ = typing.get_type_hints(func)
        return cast(ViewFunc, paginate(ClampedLimitOffset, default_limit=default_limit)(func))

    return decorate
