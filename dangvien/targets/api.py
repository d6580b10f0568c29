"""Targets over the API: read an organisation's allocation for a year, assign a target."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from dangvien.core import bounds
from dangvien.core.api import ERROR_RESPONSES
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.access import get_organisation_for_user
from dangvien.targets import selectors, services
from dangvien.targets.access import resolve_organisation
from dangvien.targets.models import Target

router = Router(tags=["Chỉ tiêu"])


class TargetOut(Schema):
    organisation_id: int
    organisation_code: str
    year: int
    kind: str
    value: int | None
    period: str = ""


class AllocationOut(Schema):
    organisation: TargetOut
    children: list[TargetOut]
    children_sum: int
    difference: int | None
    warning: str


class TargetIn(Schema):
    organisation: str = Field(..., description="mã hoặc id tổ chức được giao")
    year: int = Field(..., ge=1930, le=2100)
    value: int = Field(..., ge=0, le=bounds.TARGET_MAX)
    kind: str = Target.Kind.ADMISSIONS
    note: str = Field("", max_length=255)
    period: str = Field(
        "", description="'' cả năm (mặc định); q1–q4 một quý, h1/h2 6 tháng (chỉ tiêu kết nạp)"
    )


def _out(org: object, year: int, kind: str, value: int | None) -> TargetOut:
    return TargetOut(
        organisation_id=org.pk,  # type: ignore[attr-defined]
        organisation_code=org.code,  # type: ignore[attr-defined]
        year=year,
        kind=kind,
        value=value,
    )


@router.get("/", response={200: AllocationOut, **ERROR_RESPONSES})
def get_allocation(
    request: HttpRequest, org: str = "", year: int | None = None, kind: str = Target.Kind.ADMISSIONS
) -> AllocationOut:
    import datetime as dt

    year = year or dt.date.today().year
    organisation = resolve_organisation(request.user, org or None, action="target.view")
    allocation = selectors.get_target_allocation(organisation=organisation, year=year, kind=kind)
    return AllocationOut(
        organisation=_out(
            organisation, year, kind, allocation.own.value if allocation.own else None
        ),
        children=[
            _out(child.organisation, year, kind, child.value) for child in allocation.children
        ],
        children_sum=allocation.children_sum,
        difference=allocation.difference,
        warning=allocation.warning,
    )


@router.put("/", response={200: TargetOut, **ERROR_RESPONSES})
def put_target(request: AuthenticatedHttpRequest, payload: TargetIn) -> TargetOut:
    organisation = get_organisation_for_user(request.user, payload.organisation)
    if not can(request.user, "target.change", organisation.get_parent() or organisation):
        raise PermissionDenied("target.change")
    target = services.set_target(
        organisation,
        year=payload.year,
        value=payload.value,
        kind=payload.kind,
        note=payload.note,
        period=payload.period,
        actor=request.user,
    )
    out = _out(organisation, target.year, target.kind, target.value)
    out.period = target.period
    return out


# --- The whole allocation of a year ------------------------------------------------------------


class AllocationRowOut(Schema):
    organisation_id: int
    organisation_code: str
    organisation_name: str
    target: int | None
    last_target: int | None
    last_result: int
    members: int
    unusual: bool
    year_target: int | None = None


class AllocationSheetOut(Schema):
    organisation_id: int
    organisation_code: str
    year: int
    period: str = ""
    label: str = ""
    own: int | None
    last_own: int | None
    total: int
    assigned: int
    rows: list[AllocationRowOut]
    warnings: list[str]
    changed: int = 0


class AllocationValueIn(Schema):
    organisation: int | str = Field(..., description="mã hoặc id của tổ chức trực thuộc")
    value: int | None = Field(..., ge=0, le=bounds.TARGET_MAX)


class AllocationIn(Schema):
    organisation: str = Field(..., description="mã hoặc id của tổ chức giao chỉ tiêu (cấp trên)")
    year: int = Field(..., ge=1930, le=2100)
    period: str = Field(
        "",
        max_length=2,
        description="kỳ: để trống = cả năm; q1, q2, q3, q4 = quý; h1, h2 = 6 tháng",
    )
    values: list[AllocationValueIn] = Field(..., max_length=5000)
    note: str = Field("", max_length=255)


def _sheet_out(sheet: selectors.AllocationSheet, changed: int = 0) -> AllocationSheetOut:
    return AllocationSheetOut(
        organisation_id=sheet.parent.pk,
        organisation_code=sheet.parent.code,
        year=sheet.year,
        period=sheet.period,
        label=sheet.label,
        own=sheet.own,
        last_own=sheet.last_own,
        total=sheet.total,
        assigned=sheet.assigned,
        rows=[
            AllocationRowOut(
                organisation_id=row.organisation.pk,
                organisation_code=row.organisation.code,
                organisation_name=row.organisation.name,
                target=row.target,
                last_target=row.last_target,
                last_result=row.last_result,
                members=row.members,
                unusual=row.unusual,
                year_target=row.year_target,
            )
            for row in sheet.rows
        ],
        warnings=sheet.warnings,
        changed=changed,
    )


@router.get("/allocation", response={200: AllocationSheetOut, **ERROR_RESPONSES})
def get_allocation_sheet(
    request: HttpRequest, org: str = "", year: int | None = None, period: str = ""
) -> AllocationSheetOut:
    """Every child of ``org`` with its target for ``period`` of ``year`` (``period`` empty:
    the year; ``q1``…``q4``: a quarter; ``h1``, ``h2``: a half-year), and the target and
    result of the same period a year earlier."""
    import datetime as dt

    services.check_period(period)
    year = year if year and 1930 <= year <= 2100 else dt.date.today().year
    parent = resolve_organisation(request.user, org or None, action="target.view")
    return _sheet_out(selectors.get_allocation_sheet(parent=parent, year=year, period=period))


@router.put("/allocation", response={200: AllocationSheetOut, **ERROR_RESPONSES})
def put_allocation(request: AuthenticatedHttpRequest, payload: AllocationIn) -> AllocationSheetOut:
    """The whole allocation in one request (all or nothing; a repeat changes nothing).
    ``value`` null: no target (refused for a child that has one)."""
    parent = get_organisation_for_user(request.user, payload.organisation)
    if not can(request.user, "target.change", parent):
        raise PermissionDenied("target.change")
    services.check_period(payload.period)
    sheet = selectors.get_allocation_sheet(parent=parent, year=payload.year, period=payload.period)
    children = {str(row.organisation.pk): row.organisation.pk for row in sheet.rows}
    children.update({row.organisation.code: row.organisation.pk for row in sheet.rows})
    values: dict[int, int | None] = {}
    for item in payload.values:
        pk = children.get(str(item.organisation))
        if pk is None:
            # out of the caller's scope: 404, as everywhere; in scope but not a child: refused
            get_organisation_for_user(request.user, str(item.organisation))
            raise DomainError(
                _("«%(code)s» không phải tổ chức trực thuộc «%(parent)s».")
                % {"code": item.organisation, "parent": parent.name},
                rule="allocation_direct_children",
                found=item.organisation,
                required=parent.name,
                field="values",
            )
        values[pk] = item.value
    changes = services.set_allocation(
        parent,
        year=payload.year,
        period=payload.period,
        values=values,
        note=payload.note,
        actor=request.user,
    )
    after = selectors.get_allocation_sheet(parent=parent, year=payload.year, period=payload.period)
    return _sheet_out(after, changed=len(changes))
