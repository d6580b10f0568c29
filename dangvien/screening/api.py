"""The screening API under /api/v1/screening/: the same services, scoping and refusals as the
UI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from dangvien.core.api import ERROR_RESPONSES, Count, Date, Year
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.members.access import get_membership_for_user
from dangvien.members.models import Membership
from dangvien.screening import selectors, services
from dangvien.screening.access import get_case_for_user, get_screening_organisation
from dangvien.screening.choices import ActivityStatus, DuesStatus, RemovalForm

router = Router(tags=["Rà soát, đảng phí"])


class FlagOut(Schema):
    code: str
    label: str
    detail: str


class FlaggedOut(Schema):
    member_id: int
    full_name: str
    organisation_id: int
    flags: list[FlagOut]
    open_case_id: int | None


class CaseStepOut(Schema):
    kind: str
    date: dt.date
    votes_for: int | None
    votes_against: int | None
    present: int | None
    votes_eligible: int | None
    passed: bool
    removal_form: str
    document_number: str
    note: str


class CaseOut(Schema):
    id: int
    member_id: int = Field(..., alias="membership_id")
    organisation_id: int
    status: str
    grounds: list[dict[str, str]]
    opened_on: dt.date
    help_until: dt.date | None
    removal_form: str
    closed_on: dt.date | None


class CaseDetailOut(CaseOut):
    steps: list[CaseStepOut]

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.order_by("date", "pk"))


class VoteIn(Schema):
    date: Date
    votes_for: Count
    votes_against: Count
    present: Count
    votes_eligible: Count
    document_number: str = Field("", max_length=64)
    note: str = Field("", max_length=1000)


class RemovalProposalIn(VoteIn):
    form: RemovalForm


class ProgressIn(Schema):
    date: Date
    document_number: str = Field("", max_length=64)
    note: str = Field("", max_length=1000)


class CaseDecisionIn(Schema):
    removed: bool
    date: Date
    decision_number: str = Field("", max_length=64)
    note: str = Field("", max_length=1000)


class MonthIn(Schema):
    member_id: int
    month: Date
    dues: DuesStatus | None = None
    activity: ActivityStatus | None = None


class MonthsIn(Schema):
    entries: list[MonthIn] = Field(..., max_length=5000)


class MonthsOut(Schema):
    created: int
    changed: int
    unchanged: int


class SheetRowOut(Schema):
    member_id: int
    full_name: str
    dues: str
    activity: str
    unpaid_in_year: int
    absent_in_year: int


@router.get("/flags", response={200: list[FlaggedOut], **ERROR_RESPONSES})
def list_flags(request: HttpRequest, org: str = "", year: Year | None = None) -> Any:
    """The screening list of a subtree (``org``: id or code; default the user's own) for a year."""
    organisation = get_screening_organisation(request.user, org)
    today = timezone.localdate()
    rows = selectors.list_flagged_members(
        user=request.user, organisation=organisation, year=year or today.year, today=today
    )
    return [
        {
            "member_id": row.membership.pk,
            "full_name": row.membership.person.full_name,
            "organisation_id": row.membership.organisation_id,
            "flags": [flag.__dict__ for flag in row.flags],
            "open_case_id": row.open_case.pk if row.open_case else None,
        }
        for row in rows
    ]


@router.get("/cases", response={200: list[CaseOut], **ERROR_RESPONSES})
@paginated()
def list_cases(request: HttpRequest, org: str = "", status: str = "", structure: str = "") -> Any:
    """``structure``: the tree the cases are listed on — a date (YYYY-MM-DD, the tree as it was
    that day, as the report's figure counts them) or ``today``/empty (today's tree)."""
    from dangvien.organisations.selectors import structure_root_from_param

    organisation = get_screening_organisation(request.user, org)
    return selectors.list_cases(
        user=request.user,
        organisation=organisation,
        status=status,
        structure=structure_root_from_param(organisation, structure),
    )


@router.get("/cases/{int:case_id}", response={200: CaseDetailOut, **ERROR_RESPONSES})
def get_case(request: HttpRequest, case_id: int) -> Any:
    return get_case_for_user(request.user, case_id)


@router.post("/members/{int:member_id}/cases", response={201: CaseDetailOut, **ERROR_RESPONSES})
def open_case(request: AuthenticatedHttpRequest, member_id: int, payload: VoteIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.change")
    return 201, services.open_screening_case(membership, actor=request.user, **payload.dict())


@router.post("/cases/{int:case_id}/progress", response={200: CaseDetailOut, **ERROR_RESPONSES})
def progress(request: AuthenticatedHttpRequest, case_id: int, payload: ProgressIn) -> Any:
    case = get_case_for_user(request.user, case_id, action="member.change")
    return services.record_progress(case, actor=request.user, **payload.dict())


@router.post("/cases/{int:case_id}/proposal", response={200: CaseDetailOut, **ERROR_RESPONSES})
def proposal(request: AuthenticatedHttpRequest, case_id: int, payload: RemovalProposalIn) -> Any:
    case = get_case_for_user(request.user, case_id, action="member.change")
    data = payload.dict()
    data["form"] = payload.form.value
    return services.propose_removal(case, actor=request.user, **data)


@router.post("/cases/{int:case_id}/decision", response={200: CaseDetailOut, **ERROR_RESPONSES})
def decision(request: AuthenticatedHttpRequest, case_id: int, payload: CaseDecisionIn) -> Any:
    case = get_case_for_user(request.user, case_id, action="member.decide")
    return services.decide_screening_case(case, actor=request.user, **payload.dict())


@router.get("/months", response={200: list[SheetRowOut], **ERROR_RESPONSES})
def month_sheet(request: HttpRequest, org: str, month: dt.date) -> Any:
    """The month sheet of one cell (``month``: any day of the month)."""
    organisation = get_screening_organisation(request.user, org)
    rows = selectors.get_month_sheet(organisation=organisation, month=month.replace(day=1))
    return [
        {
            "member_id": row.membership.pk,
            "full_name": row.membership.person.full_name,
            "dues": row.dues,
            "activity": row.activity,
            "unpaid_in_year": row.unpaid_in_year,
            "absent_in_year": row.absent_in_year,
        }
        for row in rows
    ]


@router.post("/months", response={200: MonthsOut, **ERROR_RESPONSES})
def record_months(request: AuthenticatedHttpRequest, payload: MonthsIn) -> Any:
    """Record dues status and attendance: one entry per member and month (``month``: any day
    of it). Every member must be in scope (404 otherwise); nothing is written on a refusal."""
    entries = []
    for entry in payload.entries:
        membership = get_visible_or_404(
            Membership.objects.select_related("organisation", "person"),
            request.user,
            entry.member_id,
        )
        entries.append(
            services.MonthEntry(
                membership,
                entry.month.replace(day=1),
                entry.dues.value if entry.dues else "",
                entry.activity.value if entry.activity else "",
            )
        )
    return services.record_months(entries, actor=request.user, source="api")
