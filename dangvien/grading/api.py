"""Grading over the API (/api/v1/grading/): the same sheets, services, scoping and refusals as
the pages. A refused sheet is 400 with ``errors`` naming each refused line (``entries.<id>``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from dangvien.core.api import ERROR_RESPONSES
from dangvien.core.errors import DomainError
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.grading import selectors, services
from dangvien.grading.access import get_cell_for_user
from dangvien.grading.choices import GRADE_ORDER
from dangvien.grading.periods import period_bounds
from dangvien.grading.services import Entry
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.selectors import resolve_structure
from dangvien.targets.access import resolve_organisation

router = Router(tags=["Đánh giá, xếp loại"])


class GradeStepOut(Schema):
    step: str
    score: Decimal
    grade: str
    disciplined: bool
    recorded_by: str
    corrected: bool


class LineOut(Schema):
    id: int
    name: str
    steps: list[GradeStepOut]


class SheetOut(Schema):
    organisation_id: int
    year: int
    quarter: int
    lines: list[LineOut]


class EntryIn(Schema):
    id: int = Field(..., description="mã đảng viên (membership) hoặc mã tổ chức")
    score: str = Field(..., max_length=8, description="điểm 0–100, tối đa một chữ số thập phân")
    disciplined: bool = False


class SheetIn(Schema):
    organisation: str = Field(..., max_length=64, description="mã hoặc id của chi bộ / cấp ủy")
    year: int = Field(..., ge=1930, le=2100)
    quarter: int = Field(0, ge=0, le=4, description="0 = cả năm")
    step: str
    entries: list[EntryIn] = Field(..., max_length=5000)
    note: str = Field("", max_length=255)


class WrittenOut(Schema):
    written: int


class CountsOut(Schema):
    htxs: int
    htt: int
    ht: int
    kht: int
    total: int


class DistributionRowOut(Schema):
    organisation_id: int | None
    code: str
    name: str
    members: CountsOut
    organisations: CountsOut


class DistributionOut(Schema):
    organisation_id: int
    year: int
    quarter: int
    # the tree the counts use: a date (the tree of that day) or null (today's tree)
    structure: dt.date | None = None
    members: CountsOut
    organisations: CountsOut
    children: list[DistributionRowOut]


def _lines(rows: list[selectors.SheetRow]) -> list[LineOut]:
    return [
        LineOut(
            id=row.key,
            name=row.name,
            steps=[
                GradeStepOut(
                    step=step,
                    score=grade.score,
                    grade=grade.grade,
                    disciplined=grade.disciplined,
                    recorded_by=grade.actor_name,
                    corrected=grade.supersedes_id is not None,
                )
                for step, grade in row.steps.items()
            ],
        )
        for row in rows
    ]


@router.get("/sheet", response={200: SheetOut, **ERROR_RESPONSES})
def get_member_sheet(request: HttpRequest, org: str, year: int, quarter: int = 0) -> SheetOut:
    cell = get_cell_for_user(request.user, org)
    if quarter not in range(5):
        raise Http404("quarter")
    rows = selectors.get_member_sheet(cell, year=year, quarter=quarter)
    return SheetOut(organisation_id=cell.pk, year=year, quarter=quarter, lines=_lines(rows))


@router.post("/sheet", response={200: WrittenOut, **ERROR_RESPONSES})
def post_member_sheet(request: AuthenticatedHttpRequest, payload: SheetIn) -> WrittenOut:
    cell = get_cell_for_user(request.user, payload.organisation)
    keys = {
        m.pk for m in selectors.sheet_memberships(cell, year=payload.year, quarter=payload.quarter)
    }
    if any(entry.id not in keys for entry in payload.entries):
        raise Http404("membership")
    written = services.record_member_grades(
        cell,
        year=payload.year,
        quarter=payload.quarter,
        step=payload.step,
        entries=[Entry(e.id, e.score, e.disciplined) for e in payload.entries],
        actor=request.user,
        note=payload.note,
    )
    return WrittenOut(written=len(written))


@router.get("/organisations", response={200: SheetOut, **ERROR_RESPONSES})
def get_organisation_sheet(request: HttpRequest, org: str, year: int, quarter: int = 0) -> SheetOut:
    parent = get_organisation_for_user(request.user, org, action="grading.view")
    if quarter not in range(5):
        raise Http404("quarter")
    rows = selectors.get_organisation_sheet(parent, year=year, quarter=quarter)
    return SheetOut(organisation_id=parent.pk, year=year, quarter=quarter, lines=_lines(rows))


@router.post("/organisations", response={200: WrittenOut, **ERROR_RESPONSES})
def post_organisation_sheet(request: AuthenticatedHttpRequest, payload: SheetIn) -> WrittenOut:
    parent = get_organisation_for_user(request.user, payload.organisation, action="grading.view")
    keys = {
        o.pk
        for o in selectors.gradable_organisations(
            parent, year=payload.year, quarter=payload.quarter
        )
    }
    if any(entry.id not in keys for entry in payload.entries):
        raise Http404("organisation")
    written = services.record_organisation_grades(
        parent,
        year=payload.year,
        quarter=payload.quarter,
        step=payload.step,
        entries=[Entry(e.id, e.score, e.disciplined) for e in payload.entries],
        actor=request.user,
        note=payload.note,
    )
    return WrittenOut(written=len(written))


def _structure_day(value: str, year: int, quarter: int) -> dt.date | None:
    """The structure date asked for (None: today's tree); a bad one is refused (400)."""
    value = value.strip()
    if value == "today":
        return None
    if not value:
        end = period_bounds(year, quarter)[1]
        return end if end < dt.date.today() else None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2100:
        raise DomainError(
            _("Ngày cơ cấu tổ chức «%(value)s» không hợp lệ; cần YYYY-MM-DD hoặc «today».")
            % {"value": value[:40]},
            rule="structure",
            found=value[:40],
            required="YYYY-MM-DD | today",
            field="structure",
        )
    return day


def _counts(counts: selectors.GradeCounts | None) -> CountsOut:
    values = counts.counts if counts else dict.fromkeys(GRADE_ORDER, 0)
    return CountsOut(**{g: values.get(g, 0) for g in GRADE_ORDER}, total=sum(values.values()))


@router.get("/distribution", response={200: DistributionOut, **ERROR_RESPONSES})
def get_distribution(
    request: HttpRequest, year: int, org: str = "", quarter: int = 0, structure: str = ""
) -> DistributionOut:
    """Approved grades of members and of organisations in the subtree, per child, on a tree:
    ``structure`` = YYYY-MM-DD (the tree of that day), ``today``, or empty (the default, as the
    reports': today's tree for a period not over, the period's own tree for a closed one)."""
    organisation = resolve_organisation(request.user, org or None, action="grading.view")
    if not 1930 <= year <= 2100 or quarter not in range(5):
        raise Http404("period")
    root = resolve_structure(organisation, _structure_day(structure, year, quarter))
    data = selectors.get_grade_distribution(
        organisation, year=year, quarter=quarter, structure=root
    )
    return DistributionOut(
        organisation_id=organisation.pk,
        year=year,
        quarter=quarter,
        structure=root.on,
        members=_counts(data.members),
        organisations=_counts(data.organisations),
        children=[
            DistributionRowOut(
                organisation_id=row.organisation.pk if row.organisation else None,
                code=row.organisation.code if row.organisation else "",
                name=row.organisation.name if row.organisation else "",
                members=_counts(row.members),
                organisations=_counts(row.organisations),
            )
            for row in data.children
        ],
    )
