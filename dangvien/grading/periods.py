"""Grading periods: a year, or one quarter of it (366-QĐ/TW grades by term, year or quarter)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from dangvien.grading.choices import Quarter

MIN_YEAR = 1930
MAX_YEAR = 2100


def period_bounds(year: int, quarter: int = 0) -> tuple[dt.date, dt.date]:
    """First and last day of the period (``quarter`` 0 = the whole year)."""
    if quarter == 0:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (
        dt.date(year, 12, 31)
        if quarter == 4
        else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    )
    return start, end


def period_label(year: int, quarter: int = 0) -> str:
    if quarter == 0:
        return _("Năm %(year)s") % {"year": year}
    return _("%(quarter)s năm %(year)s") % {"quarter": Quarter(quarter).label, "year": year}


def parse_period(year: object, quarter: object = 0) -> tuple[int, int] | None:
    """``(year, quarter)`` from request values, or None when they are not a valid period."""
    try:
        y = int(str(year))
        q = int(str(quarter or 0))
    except ValueError:
        return None
    if not MIN_YEAR <= y <= MAX_YEAR or q not in Quarter.values:
        return None
    return y, q
