"""The admission pipeline over JSON: the same services, checks and errors as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema

from dangvien.admissions import printing, services
from dangvien.admissions.access import (
    get_dossier_for_user,
    get_failed_vote_for_user,
    get_step_for_user,
)
from dangvien.admissions.choices import DossierStatus, Stage, StopReason
from dangvien.admissions.filtersets import DossierFilterSet
from dangvien.admissions.models import Approval, Dossier, FailedVote, StepCorrection
from dangvien.core import bounds, corrections
from dangvien.core.api import ERROR_RESPONSES, Count, Date, Months
from dangvien.core.documents import DOCX_CONTENT_TYPE
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.core.worklist import collect, collect_waiting
from dangvien.organisations.models import Organisation

router = Router(tags=["Hồ sơ kết nạp"])


class DossierOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.full_name")
    organisation_id: int
    stage: str
    status: str
    stop_reason: str
    stop_note: str
    opened_on: dt.date
    closed_on: dt.date | None
    escalated: bool
    next_deadline: dt.date | None
    next_deadline_kind: str
    extension_working_days: int | None


class DossierStepOut(Schema):
    id: int
    stage: str
    date: dt.date
    actor: str = Field(..., alias="actor.username")
    document_number: str
    votes_eligible: int | None
    votes_for: int | None
    votes_against: int | None
    received_on: dt.date | None
    note: str
    rule_set: str | None = Field(None, alias="rule_set.name")


class FailedVoteOut(Schema):
    id: int
    stage: str
    round: int
    date: dt.date
    votes_eligible: int
    votes_for: int
    votes_against: int
    message: str = ""

    @staticmethod
    def resolve_message(obj: FailedVote) -> str:
        """The result, the votes needed and what may follow, in words."""
        return services.describe_failed_vote(obj)


class DossierDetailOut(DossierOut):
    steps: list[DossierStepOut]
    failed_votes: list[FailedVoteOut]

    @staticmethod
    def resolve_steps(obj: Dossier) -> list[Any]:
        return list(obj.steps.select_related("actor", "rule_set"))

    @staticmethod
    def resolve_failed_votes(obj: Dossier) -> list[Any]:
        return list(obj.failed_votes.all())


class StepResultOut(Schema):
    passed: bool
    stage: str
    step: DossierStepOut | None = None
    failed_vote: FailedVoteOut | None = None
    dossier: DossierOut


class DossierIn(Schema):
    person_id: int
    organisation_id: int
    date: Date
    document_number: str = Field("", max_length=64)
    note: str = ""
    helper_ids: list[int] = []


class IntroducerIn(Schema):
    person_id: int
    months_together: Months | None = None
    replacement: bool = False


class DossierStepIn(Schema):
    stage: Stage
    date: Date
    document_number: str = Field("", max_length=64)
    note: str = ""
    votes_eligible: Count | None = None
    votes_for: Count | None = None
    votes_against: Count | None = None
    introducers: list[IntroducerIn] = []
    union_committee: str = Field("", max_length=200)
    received_on: Date | None = None
    helper_id: int | None = None
    enrolment_id: int | None = None


class StopIn(Schema):
    reason: StopReason
    date: Date
    note: str


class ApprovalIn(Schema):
    kind: Approval.Kind
    issuing_body: str = Field(..., max_length=200)
    document_number: str = Field(..., max_length=64)
    date: Date


class ExtensionIn(Schema):
    working_days: int = Field(..., ge=1, le=bounds.WORKING_DAYS_MAX)
    document_number: str = Field(..., max_length=64)
    date: Date


class DossierHelperIn(Schema):
    person_id: int
    date: Date


class StepCorrectionIn(Schema):
    reason: str = Field(..., max_length=500)
    date: dt.date | None = None
    document_number: str | None = Field(None, max_length=64)
    note: str | None = None
    received_on: dt.date | None = None
    votes_eligible: int | None = Field(None, ge=1, le=999)
    votes_for: int | None = Field(None, ge=0, le=999)
    votes_against: int | None = Field(None, ge=0, le=999)


class StepCancelIn(Schema):
    reason: str = Field(..., max_length=500)


class WorkItemOut(Schema):
    kind: str
    label: str
    subject: str
    organisation: str
    due: dt.date
    overdue: bool
    url: str
    waiting: bool = False
    detail: str = ""


def _person(request: HttpRequest, pk: int, field: str) -> Any:
    from dangvien.people.models import Person

    return get_visible_or_404(Person, request.user, pk, what=field)


@router.get("/", response={200: list[DossierOut], **ERROR_RESPONSES})
@paginated()
def list_dossiers(
    request: HttpRequest,
    stage: Stage | None = None,
    organisation: int | None = None,
    status: DossierStatus | None = None,
    deadline: str = "",
    q: str = "",
) -> Any:
    """Filters as on the list page (``DossierFilterSet``); an organisation out of scope is a
    404, another bad filter a 400."""
    filterset = DossierFilterSet(request.GET, user=request.user, request=request)
    return filterset.strict_qs(not_found=("organisation",))


@router.get("/worklist", response={200: list[WorkItemOut], **ERROR_RESPONSES})
def worklist(request: HttpRequest, waiting: bool = False) -> list[dict[str, Any]]:
    """The due items (overdue or within the horizon); with ``waiting=true`` also every other
    open case in scope (``waiting`` true on those), as on the worklist page."""
    today = timezone.localdate()
    items = [(item, False) for item in collect(request.user, today)]
    if waiting:
        items += [(item, True) for item in collect_waiting(request.user, today)]
    return [
        {
            "kind": item.kind,
            "label": item.label,
            "subject": item.subject,
            "organisation": str(item.organisation),
            "due": item.due,
            "overdue": not is_waiting and item.is_overdue(today),
            "url": item.url,
            "waiting": is_waiting,
            "detail": item.detail,
        }
        for item, is_waiting in items
    ]


@router.post("/", response={201: DossierOut, **ERROR_RESPONSES})
def open_dossier(request: AuthenticatedHttpRequest, payload: DossierIn) -> tuple[int, Dossier]:
    organisation = get_visible_or_404(Organisation, request.user, payload.organisation_id)
    if not can(request.user, "dossier.change", organisation):
        raise PermissionDenied("dossier.change")
    dossier = services.open_dossier(
        person=_person(request, payload.person_id, "person_id"),
        organisation=organisation,
        date=payload.date,
        document_number=payload.document_number,
        note=payload.note,
        helpers=[_person(request, pk, "helper_ids") for pk in payload.helper_ids],
        actor=request.user,
    )
    return 201, dossier


@router.get("/{int:dossier_id}", response={200: DossierDetailOut, **ERROR_RESPONSES})
def get_dossier(request: HttpRequest, dossier_id: int) -> Dossier:
    return get_dossier_for_user(request.user, dossier_id)


class FormOut(Schema):
    code: str
    title: str
    stage: str
    step_id: int | None
    reference: str


DOCX_RESPONSE = {
    "responses": {
        "200": {
            "description": "Biểu mẫu Word (.docx)",
            "content": {DOCX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/{int:dossier_id}/forms", response={200: list[FormOut], **ERROR_RESPONSES})
def list_forms(request: HttpRequest, dossier_id: int) -> list[dict[str, Any]]:
    """The KNĐ forms of the dossier that can be printed, each with its step when recorded."""
    dossier = get_dossier_for_user(request.user, dossier_id)
    steps = printing.current_steps(dossier)
    return [
        {
            "code": spec.code,
            "title": str(spec.title),
            "stage": spec.stage,
            "step_id": steps[spec.stage].pk if spec.stage in steps else None,
            "reference": printing.reference(dossier, spec, steps.get(spec.stage)),
        }
        for spec in printing.FORMS
    ]


@router.post(
    "/{int:dossier_id}/forms/{code}", response=ERROR_RESPONSES, openapi_extra=DOCX_RESPONSE
)
def print_form(request: AuthenticatedHttpRequest, dossier_id: int, code: str) -> HttpResponse:
    """One KNĐ form as a Word file (code like ``6-knd``), pre-filled, with the QR code of its
    step; audited as an export (needs ``export.run``)."""
    dossier = get_dossier_for_user(request.user, dossier_id)
    spec = printing.FORMS_BY_SLUG.get(code)
    if spec is None:
        raise Http404("form")
    content, filename = printing.export_form(
        dossier, spec, actor=request.user, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{int:dossier_id}/steps", response={201: StepResultOut, **ERROR_RESPONSES})
def record_step(
    request: AuthenticatedHttpRequest, dossier_id: int, payload: DossierStepIn
) -> tuple[int, Any]:
    dossier = get_dossier_for_user(request.user, dossier_id)
    stage = payload.stage.value
    services.check_step_authority(request.user, stage, dossier.organisation, on=payload.date)
    enrolment = None
    if payload.enrolment_id is not None:
        from dangvien.training.models import Enrolment

        # an enrolment has no scope of its own: it is reached through the dossier's person
        enrolment = get_visible_or_404(
            Enrolment.objects.certificates().filter(person=dossier.person),
            request.user,
            payload.enrolment_id,
        )
    result = services.record_step(
        dossier,
        stage=stage,
        date=payload.date,
        actor=request.user,
        document_number=payload.document_number,
        note=payload.note,
        votes_eligible=payload.votes_eligible,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        enrolment=enrolment,
        introducers=[
            {
                "person": _person(request, item.person_id, "introducers"),
                "months_together": item.months_together,
                "replacement": item.replacement,
            }
            for item in payload.introducers
        ],
        union_committee=payload.union_committee,
        received_on=payload.received_on,
        helper=_person(request, payload.helper_id, "helper_id") if payload.helper_id else None,
    )
    dossier.refresh_from_db()
    if isinstance(result, FailedVote):
        return 201, {"passed": False, "stage": stage, "failed_vote": result, "dossier": dossier}
    return 201, {"passed": True, "stage": stage, "step": result, "dossier": dossier}


@router.post(
    "/steps/{int:step_id}/correct",
    response={200: DossierStepOut, 201: DossierStepOut, **ERROR_RESPONSES},
)
def correct_step(
    request: AuthenticatedHttpRequest, step_id: int, payload: StepCorrectionIn
) -> tuple[int, Any]:
    """Correct a step in force: 201 with a replacement row (the old one is kept, superseded);
    the same request again answers 200 with that replacement."""
    step = get_step_for_user(request.user, step_id, with_history=True)
    data = payload.dict()
    if step.superseded:
        correction = StepCorrection.objects.filter(step=step).select_related("replacement").first()
        wanted = {k: v for k, v in data.items() if k not in ("reason", "note")}
        replacement = correction.replacement if correction else None
        if replacement is not None and corrections.same_values(replacement, wanted):
            return 200, replacement
    return 201, services.correct_step(step, actor=request.user, **data)


@router.post("/steps/{int:step_id}/cancel", response={200: DossierOut, **ERROR_RESPONSES})
def cancel_step(request: AuthenticatedHttpRequest, step_id: int, payload: StepCancelIn) -> Dossier:
    """Cancel the latest step of an open dossier: it goes back one stage. Sent again, it
    answers the dossier as it is."""
    step = get_step_for_user(request.user, step_id, with_history=True)
    if step.superseded and StepCorrection.objects.filter(step=step, kind="cancelled").exists():
        services.check_step_authority(request.user, step.stage, step.dossier.organisation)
        return get_dossier_for_user(request.user, step.dossier_id)
    return services.cancel_step(step, actor=request.user, reason=payload.reason)


class FailedVoteCorrectionIn(Schema):
    """The right values of a failed round (absent keeps the recorded one), and the reason.
    The cell's total is its official members on the vote's date (not sent); the committee's
    is sent as ``votes_eligible``."""

    reason: str = Field(..., max_length=1000)
    date: Date | None = None
    document_number: str | None = Field(None, max_length=64)
    note: str | None = Field(None, max_length=1000)
    votes_eligible: Count | None = None
    votes_for: Count | None = None
    votes_against: Count | None = None


@router.post(
    "/failed-votes/{int:vote_id}/correct",
    response={200: FailedVoteOut, 201: FailedVoteOut, **ERROR_RESPONSES},
)
def correct_failed_vote(
    request: AuthenticatedHttpRequest, vote_id: int, payload: FailedVoteCorrectionIn
) -> tuple[int, Any]:
    """Correct a failed round: 201 with the replacement row (the old one kept, superseded);
    the same request again answers 200 with that replacement."""
    vote = get_failed_vote_for_user(request.user, vote_id, with_history=True)
    data = payload.dict()
    if vote.superseded:
        wanted = {k: v for k, v in data.items() if k not in ("reason", "note")}
        again = corrections.replayed(vote, wanted)
        if again is not None:
            return 200, again
    return 201, services.correct_failed_vote(vote, actor=request.user, **data)


@router.post("/failed-votes/{int:vote_id}/cancel", response={200: DossierOut, **ERROR_RESPONSES})
def cancel_failed_vote(
    request: AuthenticatedHttpRequest, vote_id: int, payload: StepCancelIn
) -> Dossier:
    """Cancel the latest failed round recorded by mistake (kept, superseded); the rounds and
    the escalation follow. Sent again, it answers the dossier as it is."""
    vote = get_failed_vote_for_user(request.user, vote_id, with_history=True)
    if vote.superseded and corrections.replacement_of(vote) is None:
        services.check_step_authority(request.user, vote.stage, vote.dossier.organisation)
        return get_dossier_for_user(request.user, vote.dossier_id)
    return services.cancel_failed_vote(vote, actor=request.user, reason=payload.reason)


@router.post("/{int:dossier_id}/stop", response={200: DossierOut, **ERROR_RESPONSES})
def stop_dossier(request: AuthenticatedHttpRequest, dossier_id: int, payload: StopIn) -> Dossier:
    dossier = get_dossier_for_user(request.user, dossier_id, action="dossier.change")
    return services.stop_dossier(
        dossier,
        reason=payload.reason.value,
        date=payload.date,
        note=payload.note,
        actor=request.user,
    )


@router.post("/{int:dossier_id}/approvals", response={201: DossierOut, **ERROR_RESPONSES})
def record_approval(
    request: AuthenticatedHttpRequest, dossier_id: int, payload: ApprovalIn
) -> tuple[int, Any]:
    dossier = get_dossier_for_user(request.user, dossier_id, action="dossier.change")
    services.record_approval(
        dossier,
        kind=payload.kind.value,
        issuing_body=payload.issuing_body,
        document_number=payload.document_number,
        date=payload.date,
        actor=request.user,
    )
    dossier.refresh_from_db()
    return 201, dossier


@router.post("/{int:dossier_id}/extension", response={200: DossierOut, **ERROR_RESPONSES})
def record_extension(
    request: AuthenticatedHttpRequest, dossier_id: int, payload: ExtensionIn
) -> Dossier:
    dossier = get_dossier_for_user(request.user, dossier_id, action="dossier.decide")
    return services.record_extension(
        dossier,
        working_days=payload.working_days,
        document_number=payload.document_number,
        date=payload.date,
        actor=request.user,
    )


@router.post("/{int:dossier_id}/helpers", response={201: DossierOut, **ERROR_RESPONSES})
def assign_helper(
    request: AuthenticatedHttpRequest, dossier_id: int, payload: DossierHelperIn
) -> tuple[int, Any]:
    dossier = get_dossier_for_user(request.user, dossier_id, action="dossier.change")
    services.assign_helper(
        dossier,
        person=_person(request, payload.person_id, "person_id"),
        date=payload.date,
        actor=request.user,
    )
    dossier.refresh_from_db()
    return 201, dossier
