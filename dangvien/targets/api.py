"""Targets over the API: read an organisation's allocation for a year, assign a target."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from dangvien.core import bounds
from dangvien.core.api import ERROR_RESPONSES
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
