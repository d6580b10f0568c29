"""Calendar arithmetic on dates (no domain knowledge; working days live in ``core.calendar``)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, when negative); the month's last day when that
    day does not exist there (29/02/2024 + 12 months → 28/02/2025)."""
    result: dt.date = day + relativedelta(months=months)
    return result


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (the age in full months on ``end``); 0 when
    ``end`` is before ``start``."""
    if end <= start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months
