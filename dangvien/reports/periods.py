"""Reporting periods: month, quarter, 6/9 months, up to the end of month N, year, any range.

A period is two dates (both inclusive). Its label is derived from the dates, the way the
committees write it ("Đến hết tháng 11/2016", "Quý III/2016", "6 tháng đầu năm 2016").
The same period last year shifts both ends by one year (29/02 becomes 28/02).

A period that has not ended is reported *to date* (``as_of``): it is measured from its start to
today, keeps the name of the whole period ("Năm 2026 (từ 01/01 đến 30/11/2026)"), and is
compared with the same days a year earlier. A period that has not begun is refused.
The share of a period gone is days elapsed (both ends inclusive) ÷ days in the whole period:
30/11/2026 is day 334 of 365, 91,5% of 2026.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext

from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_date

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PERIOD_KINDS = ("month", "quarter", "half", "nine", "ytd", "year", "range")


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _short(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}"


# The part of a year a target may be set for (targets.Target.Period), from its first and
# last month.
PARTS = {(1, 3): "q1", (4, 6): "q2", (7, 9): "q3", (10, 12): "q4", (1, 6): "h1", (7, 12): "h2"}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    # When the period is reported to date: the end of the whole named period (after ``end``).
    named_end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(
                gettext(
                    "Kỳ báo cáo không hợp lệ: ngày kết thúc %(end)s trước ngày bắt đầu %(start)s."
                )
                % {"end": format_date(self.end), "start": format_date(self.start)},
                rule="period_order",
                found=format_date(self.end),
                required=f"≥ {format_date(self.start)}",
                field="to",
            )

    @property
    def to_date(self) -> bool:
        """Whether the period had not ended: figures run from its start to ``end`` (today)."""
        return self.named_end is not None

    @property
    def named(self) -> Period:
        """The whole named period (itself unless reported to date)."""
        return Period(self.start, self.named_end) if self.named_end else self

    def as_of(self, today: dt.date) -> Period:
        """The period as it can be reported on ``today``: itself when it has ended, to date
        (start → today, keeping its name) when it is running, refused when it has not begun."""
        if self.named_end is not None:
            return self.named.as_of(today)
        if self.start > today:
            raise DomainError(
                gettext(
                    "Kỳ báo cáo %(label)s chưa bắt đầu (bắt đầu từ %(start)s, hôm nay là "
                    "%(today)s): chưa có số liệu để báo cáo."
                )
                % {
                    "label": self.label,
                    "start": format_date(self.start),
                    "today": format_date(today),
                },
                rule="period_future",
                found=format_date(self.start),
                required=f"≤ {format_date(today)}",
                field="from",
            )
        if self.end > today:
            return Period(self.start, today, named_end=self.end)
        return self

    @property
    def span(self) -> str:
        """The days actually measured: 'từ 01/01 đến 30/11/2026'."""
        start = _short(self.start) if self.start.year == self.end.year else format_date(self.start)
        return gettext("từ %(start)s đến %(end)s") % {
            "start": start,
            "end": format_date(self.end),
        }

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def share_gone(self) -> float:
        """Share of the whole named period gone at ``end`` (1 when it has ended)."""
        return self.days / self.named.days

    @property
    def part(self) -> str:
        """'q1'…'q4', 'h1', 'h2' when the named period is exactly that part of a year, else ''
        (the key of a part-year target)."""
        whole = self.named
        if whole.start.year != whole.end.year or whole.start.day != 1 or not whole._is_month_end():
            return ""
        return PARTS.get((whole.start.month, whole.end.month), "")

    @property
    def from_new_year(self) -> bool:
        """Whether the period counts from 1 January (so it is the year to date at its end)."""
        return self.start == dt.date(self.end.year, 1, 1)

    def previous_year(self) -> Period:
        """The same period last year: both ends shifted by one year (for a period reported to
        date, the same days a year earlier)."""
        start = _shift_year(self.start, -1)
        end = _shift_year(self.end, -1)
        if self.end == _month_end(self.end.year, self.end.month):
            end = _month_end(end.year, end.month)  # end of February stays end of February
        return Period(start, end)

    def year_to_date(self) -> Period:
        """From 1 January of the end's year to the end (for pacing against the yearly target)."""
        return Period(dt.date(self.end.year, 1, 1), self.end)

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def share_of_year(self) -> float:
        """How much of the end's year has gone by at the period's end (0–1)."""
        first = dt.date(self.end.year, 1, 1)
        days = 366 if calendar.isleap(self.end.year) else 365
        return ((self.end - first).days + 1) / days

    def _is_month_end(self) -> bool:
        return self.end == _month_end(self.end.year, self.end.month)

    @property
    def label(self) -> str:
        """'Tháng 11/2016', 'Quý III/2016', '6 tháng đầu năm 2016', 'Đến hết tháng 11/2016',
        'Năm 2016', or 'Từ 01/03/2016 đến 15/07/2016'; to date: 'Năm 2026 (từ 01/01 đến
        30/11/2026)'."""
        if self.named_end is not None:
            return gettext("%(label)s (%(span)s)") % {
                "label": self.named.label,
                "span": self.span,
            }
        s, e = self.start, self.end
        if s.day == 1 and self._is_month_end():
            if s.year == e.year and s.month == e.month:
                return gettext("Tháng %(month)s/%(year)s") % {"month": e.month, "year": e.year}
            if s.year == e.year and s.month == 1:
                if e.month == 12:
                    return gettext("Năm %(year)s") % {"year": e.year}
                if e.month in (6, 9):
                    return gettext("%(month)s tháng đầu năm %(year)s") % {
                        "month": e.month,
                        "year": e.year,
                    }
                if e.month == 3:
                    return gettext("Quý I/%(year)s") % {"year": e.year}
                return gettext("Đến hết tháng %(month)s/%(year)s") % {
                    "month": e.month,
                    "year": e.year,
                }
            if s.year == e.year and s.month == 7 and e.month == 12:
                return gettext("6 tháng cuối năm %(year)s") % {"year": e.year}
            if s.year == e.year and s.month in (4, 7, 10) and e.month == s.month + 2:
                return gettext("Quý %(value)s/%(year)s") % {
                    "value": ROMAN[(s.month - 1) // 3 + 1],
                    "year": e.year,
                }
        return gettext("Từ %(s)s đến %(e)s") % {"s": format_date(s), "e": format_date(e)}

    @property
    def lead(self) -> str:
        """How a summary sentence opens: 'Đến hết tháng 11/2016', 'Trong quý III/2016'…;
        to date: 'Năm 2026, từ 01/01 đến 30/11/2026'."""
        if self.named_end is not None:
            return gettext("%(label)s, %(span)s") % {
                "label": self.named.label,
                "span": self.span,
            }
        label = self.label
        if label.startswith((gettext("Tháng"), gettext("Quý"), gettext("Năm"))):
            return "Trong " + label[0].lower() + label[1:]
        return label

    def as_params(self) -> dict[str, str]:
        """The whole named period (a link reports it to date again on the day it is opened)."""
        return {"from": self.start.isoformat(), "to": self.named.end.isoformat()}


def build_period(
    kind: str,
    *,
    year: int,
    month: int | None = None,
    quarter: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Period:
    """A period from its kind: month (year, month), quarter (year, quarter), half, nine,
    ytd (up to the end of month N), year, range (start, end)."""
    if kind == "range":
        if start is None or end is None:
            raise DomainError(
                gettext("Cần nhập cả ngày bắt đầu và ngày kết thúc."),
                rule="period_range",
                field="from",
            )
        return Period(start, end)
    if kind == "year":
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if kind == "half":
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30))
    if kind == "nine":
        return Period(dt.date(year, 1, 1), dt.date(year, 9, 30))
    if kind == "quarter":
        q = quarter or 1
        if not 1 <= q <= 4:
            raise DomainError(
                gettext("Quý %(q)s không hợp lệ; cần từ 1 đến 4.") % {"q": q},
                rule="period_quarter",
                found=q,
                required="1–4",
                field="quarter",
            )
        return Period(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    if kind in ("month", "ytd"):
        m = month or 12
        if not 1 <= m <= 12:
            raise DomainError(
                gettext("Tháng %(m)s không hợp lệ; cần từ 1 đến 12.") % {"m": m},
                rule="period_month",
                found=m,
                required="1–12",
                field="month",
            )
        first = dt.date(year, m, 1) if kind == "month" else dt.date(year, 1, 1)
        return Period(first, _month_end(year, m))
    raise DomainError(
        gettext("Loại kỳ báo cáo «%(kind)s» không hợp lệ.") % {"kind": kind},
        rule="period_kind",
        found=kind,
        required=", ".join(PERIOD_KINDS),
        field="period",
    )
