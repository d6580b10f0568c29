"""The badges API under /api/v1/badges/: the same services, scoping and refusals as the UI."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema

from dangvien.badges import selectors, services
from dangvien.badges.access import get_badge_organisation, get_proposal_for_user
from dangvien.core.api import ERROR_RESPONSES, Date
from dangvien.core.errors import DomainError
from dangvien.core.pagination import paginated
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.members.access import get_membership_for_user

router = Router(tags=["Huy hiệu Đảng"])


class DueOut(Schema):
    member_id: int
    full_name: str
    organisation_id: int
    decision_date: dt.date
    milestone: int
    party_age_years: int
    party_age_months: int
    new: bool
    proposal_id: int | None


class BadgeProposalOut(Schema):
    id: int
    member_id: int = Field(..., alias="membership_id")
    organisation_id: int
    milestone: int
    award_date: dt.date
    party_age_years: int
    party_age_months: int
    early: bool
    early_reason: str
    status: str


class AwardOut(Schema):
    id: int
    member_id: int = Field(..., alias="membership_id")
    organisation_id: int
    milestone: int
    award_date: dt.date
    badge_number: str
    decision_number: str
    decision_date: dt.date
    early: bool


class BadgeProposalIn(Schema):
    milestone: Annotated[int, Field(ge=1, le=200)]
    award_date: Date
    early_reason: str = Field("", max_length=255)


class AwardIn(Schema):
    badge_number: str = Field(..., max_length=32)
    decision_number: str = Field(..., max_length=64)
    decision_date: Date


def _award_day(value: dt.date | None) -> dt.date:
    if value is None:
        return selectors.next_award_date(timezone.localdate())
    if value not in selectors.award_dates(value.year):
        days = selectors.award_dates(value.year)
        raise DomainError(
            gettext("Ngày %(day)s không phải là đợt trao huy hiệu.") % {"day": f"{value:%d/%m/%Y}"},
            rule="badge_award_days",
            found=f"{value:%d/%m/%Y}",
            required=", ".join(f"{d:%d/%m/%Y}" for d in days),
            field="award_date",
        )
    return value


@router.get("/due", response={200: list[DueOut], **ERROR_RESPONSES})
def list_due(request: HttpRequest, org: str = "", award_date: dt.date | None = None) -> Any:
    """Members reaching a milestone by the award day (default: the next one)."""
    organisation = get_badge_organisation(request.user, org)
    rows = selectors.list_badges_due(
        user=request.user, organisation=organisation, award_date=_award_day(award_date)
    )
    return [
        {
            "member_id": row.membership.pk,
            "full_name": row.membership.person.full_name,
            "organisation_id": row.membership.organisation_id,
            "decision_date": row.membership.decision_date,
            "milestone": row.milestone,
            "party_age_years": row.party_age.years,
            "party_age_months": row.party_age.months,
            "new": row.new,
            "proposal_id": row.proposal.pk if row.proposal else None,
        }
        for row in rows
    ]


@router.get("/proposals", response={200: list[BadgeProposalOut], **ERROR_RESPONSES})
@paginated(default_limit=100)
def list_proposals(request: HttpRequest, org: str = "", award_date: dt.date | None = None) -> Any:
    organisation = get_badge_organisation(request.user, org)
    return selectors.list_proposals(
        user=request.user, organisation=organisation, award_date=_award_day(award_date)
    )


@router.post(
    "/members/{int:member_id}/proposals", response={201: BadgeProposalOut, **ERROR_RESPONSES}
)
def propose(request: AuthenticatedHttpRequest, member_id: int, payload: BadgeProposalIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.change")
    return 201, services.propose_badge(membership, actor=request.user, **payload.dict())


@router.post("/proposals/{int:proposal_id}/award", response={201: AwardOut, **ERROR_RESPONSES})
def award(request: AuthenticatedHttpRequest, proposal_id: int, payload: AwardIn) -> Any:
    proposal = get_proposal_for_user(request.user, proposal_id, action="member.decide")
    return 201, services.award_badge(
        proposal.membership,
        milestone=proposal.milestone,
        award_date=proposal.award_date,
        actor=request.user,
        **payload.dict(),
    )


@router.get("/awards", response={200: list[AwardOut], **ERROR_RESPONSES})
@paginated(default_limit=100)
def list_awards(
    request: HttpRequest,
    org: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    milestone: int | None = None,
    structure: str = "",
) -> Any:
    """The badge register of a subtree, optionally for a period and a milestone; ``structure``:
    the tree it is listed on — a date (YYYY-MM-DD) or ``today``/empty (today's tree)."""
    from dangvien.organisations.selectors import structure_root_from_param

    organisation = get_badge_organisation(request.user, org)
    return selectors.list_awards(
        user=request.user,
        organisation=organisation,
        start=start,
        end=end,
        milestone=milestone,
        structure=structure_root_from_param(organisation, structure),
    )
