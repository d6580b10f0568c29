"""The 'Việc cần làm' worklist is assembled from sources that apps register.

A source is a callable ``(user, today) -> list[WorkItem]`` returning the user's in-scope items
that are overdue or due within the horizon. The worklist page and the navigation counter call
``collect``. Register in the app's ``AppConfig.ready``::

    from dangvien.core.worklist import register_source
    register_source("admissions.deadlines", list_dossier_work)

A *waiting* source (``register_waiting_source``) returns the rest: every open case in scope
whose next action is not due yet (or has no legal deadline), with the organisation that must
act. The worklist page shows them below the due items, so every open dossier and every
probationary member is on the worklist of the organisation that acts next; the navigation
counter counts only the due items (``collect``).

A waiting source may also register ``oldest``: ``(user, today, limit) -> (items, total)``, the
``limit`` items the full source would list first (oldest first, as ``collect_waiting`` sorts
them) and how many it would list in all. The worklist page shows only the oldest waiting items
and the count (``collect_waiting_oldest``); at a province's scale (thousands of open cases)
building every item to show two hundred is most of the page's time. A source without it is run
whole and cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from dangvien.core.typing import AnyUser

HORIZON_DAYS = 14


@dataclass(frozen=True)
class WorkItem:
    kind: str  # a short code, e.g. "admissions.decision_due"
    label: str  # Vietnamese, what is due: "Quyết định kết nạp"
    subject: str  # whom or what it is about: the person's name
    organisation: Any
    due: dt.date
    url: str
    detail: str = ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.due < today


WorkSource = Callable[[AnyUser, dt.date], list[WorkItem]]
_SOURCES: dict[str, WorkSource] = {}


def register_source(name: str, source: WorkSource) -> None:
    _SOURCES[name] = source


def collect(user: AnyUser, today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    for source in _SOURCES.values():
        items.extend(source(user, today))
    return sorted(items, key=lambda item: (item.due, item.subject))


_WAITING_SOURCES: dict[str, WorkSource] = {}
OldestSource = Callable[[AnyUser, dt.date, int], tuple[list[WorkItem], int]]
_OLDEST_SOURCES: dict[str, OldestSource] = {}


def register_waiting_source(
    name: str, source: WorkSource, *, oldest: OldestSource | None = None
) -> None:
    _WAITING_SOURCES[name] = source
    if oldest is not None:
        _OLDEST_SOURCES[name] = oldest
    else:
        _OLDEST_SOURCES.pop(name, None)


def _order(item: WorkItem) -> tuple[dt.date, str]:
    return (item.due, item.subject)


def collect_waiting(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Items whose next action is not due yet: oldest first (``due`` is the date the case has
    waited since, or its deadline beyond the horizon)."""
    items: list[WorkItem] = []
    for source in _WAITING_SOURCES.values():
        items.extend(source(user, today))
    return sorted(items, key=_order)


def collect_waiting_oldest(user: AnyUser, today: dt.date, limit: int) -> tuple[list[WorkItem], int]:
    """The first ``limit`` items of ``collect_waiting`` and how many it has in all, without
    building the items nobody is shown (each source's ``oldest`` when it has one)."""
    items: list[WorkItem] = []
    total = 0
    for name, source in _WAITING_SOURCES.items():
        oldest = _OLDEST_SOURCES.get(name)
        if oldest is not None:
            shown, count = oldest(user, today, limit)
        else:
            every = source(user, today)
            shown, count = sorted(every, key=_order)[:limit], len(every)
        items.extend(shown)
        total += count
    return sorted(items, key=_order)[:limit], total


def collect_for_request(request: HttpRequest, today: dt.date) -> list[WorkItem]:
    """``collect`` for the request's user, once per request: the worklist page and the
    navigation badge of the same response share one run of the sources."""
    cached: dict[dt.date, list[WorkItem]] = request.__dict__.setdefault("_worklist_items", {})
    if today not in cached:
        cached[today] = collect(request.user, today)
        cache.set(_count_key(request.user, today), len(cached[today]), COUNT_SECONDS)
    return cached[today]


# The navigation badge is fetched after the page (htmx) and kept for a minute: at a province's
# scale a run of the sources takes seconds, which no page should wait for. The worklist page
# itself is always live and refreshes the kept count.
COUNT_SECONDS = 60


def _count_key(user: Any, today: dt.date) -> str:
    return f"worklist-due-count:{user.pk}:{today.isoformat()}"


def due_count(request: HttpRequest, today: dt.date) -> int:
    """How many worklist items are due for the request's user (the badge), at most a minute
    old."""
    count = cache.get(_count_key(request.user, today))
    if count is None:
        count = len(collect_for_request(request, today))
    return int(count)
