"""The Vietnamese working-day calendar.

A working day is a weekday that is not a public holiday (the ``holidays`` package, country VN:
New Year, lunar Tết, Hùng Kings day, 30/4, 1/5, National Day, Vietnam Culture Day from 2026),
with the government's announced swaps applied both ways: the weekday given off is a day off and
the Saturday worked in exchange (ngày làm bù) is a working day. The swaps come from ``SWAPS``
below (each with its document) and from the package's "substituted" entries, turned back into
their pairs. The administrators' calendar (``rules.CalendarDay``: an extra day off, or a weekend
day swapped into a working day) overrides all of it. core has no models: the app that stores
the corrections (``rules``) registers the function that reads them (``register_overrides``, in
its ``AppConfig.ready``); with none registered, the public holidays and the swaps count.

Counting convention (how the regulations count "within N working days of X"): day X itself is
not counted; ``add_working_days(X, N)`` is the N-th working day after X, the last day on which the
act is still on time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

import holidays
from django.utils.translation import gettext
from holidays.countries.vietnam import VietnamStaticHolidays

DAY_OFF = "day_off"
# The years the calendar pages and the date bounds of forms accept (the party archive starts
# before 1930 for members' dates of birth; nothing is planned past 2100).
CALENDAR_YEARS = (1900, 2100)
WORKING_DAY = "working_day"
_ONE = dt.timedelta(days=1)


class Swap(NamedTuple):
    """A working day the government gives off (``day_off``) in exchange for a weekend day that
    is worked instead (``make_up``), for the civil service and party bodies."""

    day_off: dt.date
    make_up: dt.date
    source: str


# The announced swaps, each from its document. The ``holidays`` package knows one swap a year at
# most (2026: only the National Day one); these are merged with what it knows.
SWAPS: tuple[Swap, ...] = (
    Swap(dt.date(2024, 4, 29), dt.date(2024, 5, 4), "2450/VPCP-KGVX ngày 12/4/2024"),
    Swap(dt.date(2025, 5, 2), dt.date(2025, 4, 26), "6150/TB-BLĐTBXH năm 2024"),
    Swap(dt.date(2026, 1, 2), dt.date(2026, 1, 10), "12729/VPCP-KGVX ngày 25/12/2025"),
    Swap(dt.date(2026, 8, 31), dt.date(2026, 8, 22), "Quốc khánh 2026 (gói holidays)"),
)


def _package_swaps() -> list[Swap]:
    """The package's "substituted" days off with the weekend days they were taken from:
    ``{year: (month, day, from_month, from_day[, from_year]) | ((…), (…))}``."""
    swaps = []
    table = getattr(VietnamStaticHolidays, "special_public_holidays", {})
    for year, entries in table.items():
        for entry in entries if isinstance(entries[0], tuple) else (entries,):
            month, day, from_month, from_day, *from_year = entry
            swaps.append(
                Swap(
                    dt.date(year, month, day),
                    dt.date(from_year[0] if from_year else year, from_month, from_day),
                    "holidays",
                )
            )
    return swaps


@lru_cache(maxsize=1)
def all_swaps() -> dict[dt.date, Swap]:
    """Every known swap, by both of its dates (the listed ones win over the package's)."""
    by_day: dict[dt.date, Swap] = {}
    for swap in (*_package_swaps(), *SWAPS):
        by_day[swap.day_off] = by_day[swap.make_up] = swap
    return by_day


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[dt.date, str]:
    """The days off of ``year`` with their Vietnamese names: the public holidays and the weekdays
    given off in a swap (never a make-up day, even where the package lists one)."""
    days = dict(holidays.country_holidays("VN", years=year, language="vi"))
    for swap in set(all_swaps().values()):
        days.pop(swap.make_up, None)
        if swap.day_off.year == year:
            days[swap.day_off] = gettext("Nghỉ hoán đổi, làm bù ngày %(date)s") % {
                "date": swap.make_up.strftime("%d/%m/%Y")
            }
    return days


def make_up_days(year: int) -> dict[dt.date, dt.date]:
    """The weekend days of ``year`` that are worked, each with the day off it pays for."""
    return {s.make_up: s.day_off for s in set(all_swaps().values()) if s.make_up.year == year}


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(public_holidays(year))


@lru_cache(maxsize=64)
def _make_up_days(year: int) -> frozenset[dt.date]:
    return frozenset(make_up_days(year))


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
    if day in _make_up_days(day.year):
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
