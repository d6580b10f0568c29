from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import QueryDict
from django.utils.translation import gettext

from dangvien.core.errors import DomainError
from dangvien.core.typing import AnyUser
from dangvien.reports.periods import Period, build_period
from dangvien.targets.access import resolve_organisation

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


def get_report_organisation(
    user: AnyUser, value: str | int | None, *, action: str = "report.view"
) -> Organisation:
    """The organisation to report on (pk or code), within the user's scope (404 otherwise)."""
    return resolve_organisation(user, value, action=action)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    from dangvien.core.formatting import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise DomainError(str(exc), rule="period_date", found=value, field=field) from exc


# The years a report may cover: from the Party's founding to far beyond any plan. A period also
# reads the same period a year earlier, so year 1 (whose previous year does not exist) and
# the like are refused here, with the field named, before any date arithmetic.
FIRST_YEAR, LAST_YEAR = 1930, 2100


def _check_year(year: int, field: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            gettext("Năm %(year)s không hợp lệ; kỳ báo cáo phải nằm trong các năm %(range)s.")
            % {"year": year, "range": f"{FIRST_YEAR}–{LAST_YEAR}"},
            rule="period_year",
            found=year,
            required=f"{FIRST_YEAR}–{LAST_YEAR}",
            field=field,
        )


def period_from_params(
    params: QueryDict | dict[str, str], *, today: dt.date | None = None
) -> Period:
    """``from``/``to`` (any range) win; else ``period`` (month, quarter, half, nine, ytd, year)
    with ``year``, ``month``, ``quarter``; default: from 1 January to the end of this month."""
    today = today or dt.date.today()
    start, end = _date(params.get("from"), "from"), _date(params.get("to"), "to")
    if start or end:
        for day, field in ((start, "from"), (end, "to")):
            if day is not None:
                _check_year(day.year, field)
        return build_period("range", year=today.year, start=start, end=end)
    kind = params.get("period") or "ytd"
    year = _int(params.get("year")) or today.year
    _check_year(year, "year")
    month = _int(params.get("month")) or (today.month if year == today.year else 12)
    return build_period(kind, year=year, month=month, quarter=_int(params.get("quarter")))


def structure_from_params(params: QueryDict | dict[str, str]) -> dt.date | str | None:
    """The tree a report is counted on: ``structure`` = a date (the tree as it was that day),
    ``today`` (today's tree), ``date`` with ``structure_date`` (the page's form) or empty
    (the default: today's tree for a period not over, the
    period's own tree for a closed one, ``selectors.DEFAULT_STRUCTURE``)."""
    value = (params.get("structure") or "").strip()
    if value == "date":  # the report page's form: the choice, then the date beside it
        value = (params.get("structure_date") or "").strip()
    if not value:
        return "default"
    if value == "today":
        return None
    day = _date(value, "structure")
    assert day is not None
    _check_year(day.year, "structure")
    return day
