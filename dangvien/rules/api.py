from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from dangvien.core.api import ERROR_RESPONSES, Date
from dangvien.core.calendar import add_working_days, working_days_between
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.rules import selectors, services
from dangvien.rules.models import CalendarDay, RuleSet

router = Router(tags=["Bộ quy định, lịch làm việc"])


class RuleSetOut(Schema):
    id: int
    name: str
    effective_from: dt.date
    source: str
    values: dict[str, Any]


class RuleSetIn(Schema):
    name: str = Field(..., min_length=1, max_length=150)
    effective_from: Date
    source: str = Field(..., min_length=1)
    values: dict[str, Any]


class CalendarDayOut(Schema):
    id: int
    date: dt.date
    kind: str
    note: str


class CalendarDayIn(Schema):
    date: Date
    kind: CalendarDay.Kind
    note: str = Field("", max_length=255)


class WorkingDaysOut(Schema):
    start: dt.date
    days: int
    end: dt.date
    between: int


@router.get("/rule-sets", response={200: list[RuleSetOut], **ERROR_RESPONSES})
def list_rule_sets(request: HttpRequest) -> list[RuleSet]:
    return list(selectors.list_rule_sets())


@router.get("/rule-sets/in-force", response={200: RuleSetOut, **ERROR_RESPONSES})
def rule_set_in_force(request: HttpRequest, on: Date) -> RuleSet:
    return selectors.get_rule_set(on=on)


@router.post("/rule-sets", response={201: RuleSetOut, **ERROR_RESPONSES})
def create_rule_set(request: AuthenticatedHttpRequest, payload: RuleSetIn) -> tuple[int, RuleSet]:
    return 201, services.create_rule_set(actor=request.user, **payload.dict())


@router.get("/calendar", response={200: list[CalendarDayOut], **ERROR_RESPONSES})
def list_calendar(request: HttpRequest, year: int | None = None) -> list[CalendarDay]:
    if year is not None and not 1900 <= year <= 2200:
        raise DomainError(
            _("Năm %(year)s không hợp lệ.") % {"year": year},
            rule="year_range",
            found=year,
            required="1900–2200",
            field="year",
        )
    return list(selectors.list_calendar_days(year=year))


@router.post("/calendar", response={201: CalendarDayOut, **ERROR_RESPONSES})
def set_calendar_day(
    request: AuthenticatedHttpRequest, payload: CalendarDayIn
) -> tuple[int, CalendarDay]:
    if not can_anywhere(request.user, "calendar.change"):
        raise PermissionDenied("calendar.change")
    day = services.set_calendar_day(
        date=payload.date, kind=payload.kind.value, note=payload.note, actor=request.user
    )
    return 201, day


@router.get("/working-days", response={200: WorkingDaysOut, **ERROR_RESPONSES})
def working_days(request: HttpRequest, start: Date, days: int = 0) -> dict[str, Any]:
    days = max(0, min(days, 400))
    if not dt.date(1900, 1, 1) <= start <= dt.date(2200, 12, 31):
        raise DomainError(
            _("Ngày %(start)s nằm ngoài khoảng cho phép.") % {"start": format(start, "%d/%m/%Y")},
            rule="date_range",
            found=start.isoformat(),
            required="01/01/1900–31/12/2200",
            field="start",
        )
    end = add_working_days(start, days)
    return {"start": start, "days": days, "end": end, "between": working_days_between(start, end)}
