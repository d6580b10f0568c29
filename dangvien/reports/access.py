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


def period_from_params(
    params: QueryDict | dict[str, str], *, today: dt.date | None = None
) -> Period:
    """``from``/``to`` (any range) win; else ``period`` (month, quarter, half, nine, ytd, year)
    with ``year``, ``month``, ``quarter``; default: from 1 January to the end of this month."""
    today = today or dt.date.today()
    start, end = _date(params.get("from"), "from"), _date(params.get("to"), "to")
    if start or end:
        return build_period("range", year=today.year, start=start, end=end)
    kind = params.get("period") or "ytd"
    year = _int(params.get("year")) or today.year
    if not 1930 <= year <= 2100:
        raise DomainError(
            gettext("Năm %(year)s không hợp lệ.") % {"year": year},
            rule="period_year",
            found=year,
            required="1930–2100",
            field="year",
        )
    month = _int(params.get("month")) or (today.month if year == today.year else 12)
    return build_period(kind, year=year, month=month, quarter=_int(params.get("quarter")))
