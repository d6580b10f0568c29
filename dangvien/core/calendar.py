"""The Vietnamese working-day calendar.

A working day is a weekday that is not a public holiday (the ``holidays`` package, country VN:
New Year, lunar Tết, Hùng Kings day, 30/4, 1/5, National Day and the substituted days it knows),
corrected by the administrators' calendar (``rules.CalendarDay``: an extra day off, or a weekend
day swapped into a working day). core has no models: the app that stores the corrections
(``rules``) registers the function that reads them (``register_overrides``, in its
``AppConfig.ready``); with none registered, only the public holidays count.

Counting convention (how the regulations count "within N working days of X"): day X itself is
not counted; ``add_working_days(X, N)`` is the N-th working day after X, the last day on which the
act is still on time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

import holidays

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
_ONE = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


OverridesSource = Callable[[dt.date, dt.date], dict[dt.date, str]]
_OVERRIDES: list[OverridesSource] = []


def register_overrides(source: OverridesSource) -> None:
    """Install the reader of administrator corrections: ``(start, end) -> {date: kind}``."""
    _OVERRIDES[:] = [source]


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return _OVERRIDES[0](start, end) if _OVERRIDES else {}


def _is_working(day: dt.date, overrides: dict[dt.date, str]) -> bool:
    kind = overrides.get(day)
    if kind == DAY_OFF:
        return False
    if kind == WORKING_DAY:
        return True
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _overrides(day, day))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (n ≥ 0; n = 0 returns ``start``). One query."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    # n working days never span more than ~2n + 30 calendar days (weekends plus a long Tết).
    window_end = start + dt.timedelta(days=2 * n + 40)
    overrides = _overrides(start, window_end)
    day, counted = start, 0
    while counted < n:
        day += _ONE
        if day > window_end:
            overrides.update(_overrides(day, day + dt.timedelta(days=2 * n + 40)))
            window_end = day + dt.timedelta(days=2 * n + 40)
        if _is_working(day, overrides):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start), so that
    ``working_days_between(d, add_working_days(d, n)) == n``."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    day, counted = start, 0
    while day < end:
        day += _ONE
        if _is_working(day, overrides):
            counted += 1
    return counted


def working_days_since(starts: Iterable[dt.date], end: dt.date) -> dict[dt.date, int]:
    """``working_days_between(start, end)`` for every start, with one query (for a list of
    overdue items: "quá hạn N ngày làm việc")."""
    ordered = sorted(set(starts))
    if not ordered or end <= ordered[0]:
        return dict.fromkeys(ordered, 0)
    overrides = _overrides(ordered[0], end)
    return {
        start: sum(
            1
            for offset in range(1, (end - start).days + 1)
            if _is_working(start + dt.timedelta(days=offset), overrides)
        )
        for start in ordered
    }
