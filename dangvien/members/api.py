"""The members API under /api/v1/members/: the same services, scoping and refusals as the UI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, File, Form, Router, Schema, UploadedFile

from dangvien.core import corrections
from dangvien.core.api import ERROR_RESPONSES, Count, Date
from dangvien.core.documents import DOCX_CONTENT_TYPE
from dangvien.core.errors import DomainError
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.members import selectors, services
from dangvien.members.access import (
    get_card_for_user,
    get_membership_for_user,
    get_recognition_step_for_user,
    get_residence_link_for_user,
    get_transfer_for_user,
)
from dangvien.members.choices import (
    CardReason,
    MemberStatus,
    RecognitionStage,
    ResidenceExemption,
    TransferKind,
    TransferStatus,
)
from dangvien.members.filtersets import MemberFilterSet
from dangvien.members.models import Membership, PartyCard, RecognitionStep, Transfer
from dangvien.organisations.models import Organisation

router = Router(tags=["Đảng viên"])


class MemberOut(Schema):
    id: int
    person_id: int
    full_name: str = Field(..., alias="person.full_name")
    date_of_birth: dt.date = Field(..., alias="person.date_of_birth")
    sex: str = Field(..., alias="person.sex")
    organisation_id: int
    temporary_organisation_id: int | None
    admitted_in_id: int
    status: str
    decision_number: str
    decision_date: dt.date
    ceremony_date: dt.date | None
    probation_end: dt.date | None
    official_date: dt.date | None
    card_number: str | None


class GapOut(Schema):
    start: dt.date
    end: dt.date
    reason: str


class PartyAgeOut(Schema):
    start: dt.date
    on: dt.date
    years: int
    months: int
    days: int
    text: str
    gaps: list[GapOut]


class TimelineOut(Schema):
    date: dt.date
    label: str
    detail: str


class MemberDetailOut(MemberOut):
    party_age: PartyAgeOut
    timeline: list[TimelineOut]


class ChecklistOut(Schema):
    key: str
    label: str
    done: bool
    date: dt.date | None
    detail: str
    due: dt.date | None


class RegisterIn(Schema):
    person_id: int
    organisation_id: int
    decision_date: Date
    decision_number: str = Field("", max_length=64)
    ceremony_date: Date | None = None
    official_date: Date | None = None
    card_number: str | None = Field(None, max_length=32)


class StatusIn(Schema):
    status: MemberStatus
    date: Date
    decision_number: str = Field("", max_length=64)
    note: str = ""


class HelperIn(Schema):
    helper_id: int
    start_date: Date
    replace_reason: str = Field("", max_length=255)


class StepIn(Schema):
    stage: RecognitionStage
    date: Date
    document_number: str = Field("", max_length=64)
    votes_eligible: Count | None = Field(
        None,
        description=(
            "Tổng số: đảng viên chính thức của chi bộ (13-KNĐ, để trống thì tính theo danh"
            " sách) hoặc cấp ủy viên đảng ủy cơ sở (15-KNĐ)"
        ),
    )
    votes_for: Count | None = None
    note: str = ""


class RecognitionStepCorrectionIn(Schema):
    """The right values of a recognition step (absent keeps the recorded one), the reason."""

    reason: str = Field(..., max_length=500)
    date: Date | None = None
    document_number: str | None = Field(None, max_length=64)
    note: str | None = Field(None, max_length=1000)
    votes_eligible: Count | None = None
    votes_for: Count | None = None


class CancelIn(Schema):
    reason: str = Field(..., max_length=500)


class CardCorrectionIn(Schema):
    """The right values of the card in use (absent keeps the recorded one), the reason."""

    reason: str = Field(..., max_length=500)
    number: str | None = Field(None, max_length=32)
    decision_number: str | None = Field(None, max_length=64)
    decision_date: Date | None = None


class TransferCorrectionIn(Schema):
    """The right values of an open transfer (absent keeps the recorded one), the reason."""

    reason: str = Field(..., max_length=500)
    to_organisation: str | None = Field(None, description="Mã chi bộ nơi đến đúng")
    reason_date: Date | None = None
    started_on: Date | None = None
    letter_number: str | None = Field(None, max_length=64)


class StepOut(Schema):
    id: int
    stage: str
    round: int
    date: dt.date
    document_number: str
    votes_eligible: int | None
    votes_for: int | None
    passed: bool | None
    message: str = ""

    @staticmethod
    def resolve_message(obj: RecognitionStep) -> str:
        """A cell vote in words: the votes needed, and after a failed round what may follow."""
        if obj.stage != "cell_vote":
            return ""
        return services.describe_recognition_vote(obj)


def _given(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


class DecisionIn(Schema):
    date: Date
    decision_number: str = Field(..., max_length=64)


class RemovalIn(Schema):
    date: Date
    decision_number: str = Field("", max_length=64)
    reason: str


class CardIn(Schema):
    number: str = Field(..., max_length=32)
    reason: CardReason = CardReason.FIRST
    decision_number: str = Field("", max_length=64)
    decision_date: Date


class CardOut(Schema):
    id: int
    number: str
    reason: str
    decision_number: str
    decision_date: dt.date
    handed_over_on: dt.date | None
    replaced_on: dt.date | None


class HandOverIn(Schema):
    date: Date
    meeting: str = Field("", max_length=255)


class TransferIn(Schema):
    kind: TransferKind
    to_organisation: str = Field(..., description="Mã chi bộ nơi đến")
    reason_date: Date
    started_on: Date
    letter_number: str = Field("", max_length=64)
    note: str = ""


class TransferOut(Schema):
    id: int
    membership_id: int
    kind: str
    status: str
    from_organisation_id: int
    to_organisation_id: int
    reason_date: dt.date
    started_on: dt.date
    start_due: dt.date
    present_due: dt.date
    confirmed_on: dt.date | None
    ended_on: dt.date | None


class ConfirmIn(Schema):
    confirmed_on: Date


class EndIn(Schema):
    date: Date


class ResidenceIn(Schema):
    introduced_on: Date | None = None
    residence_organisation: str | None = Field(None, description="Mã tổ chức đảng nơi cư trú")
    residence_place: str = Field("", max_length=255)
    exemption: ResidenceExemption = ResidenceExemption.NONE
    exemption_reason: str = Field("", max_length=255)


class ResidenceOut(Schema):
    id: int
    membership_id: int
    workplace_organisation_id: int
    required_from: dt.date
    due: dt.date
    introduced_on: dt.date | None
    exemption: str


class ResidenceCountOut(Schema):
    required: int
    introduced: int
    on_time: int
    exempt: int
    pending: int
    on_time_percent: float | None


def _detail(membership: Membership) -> Membership:
    """The member with its party age (gaps shown) and its whole timeline attached."""
    age = selectors.get_party_age(membership, on=timezone.localdate())
    membership.party_age = {  # type: ignore[attr-defined]
        "start": age.start,
        "on": age.on,
        "years": age.years,
        "months": age.months,
        "days": age.days,
        "text": str(age),
        "gaps": [{"start": g.start, "end": g.end, "reason": g.reason} for g in age.gaps],
    }
    membership.timeline = [  # type: ignore[attr-defined]
        {"date": e.date, "label": e.label, "detail": e.detail}
        for e in selectors.get_timeline(membership)
    ]
    return membership


def _organisation_by_code(code: str, field: str) -> Organisation:
    found = Organisation.objects.filter(code=code).first()
    if found is None:
        raise DomainError(
            gettext("Không có tổ chức đảng nào mang mã «%(code)s».") % {"code": code},
            rule="organisation_code",
            found=code,
            field=field,
        )
    return found


# --- reads ---------------------------------------------------------------------------------------


@router.get("/", response={200: list[MemberOut], **ERROR_RESPONSES})
@paginated()
def list_members(request: HttpRequest) -> Any:
    """Filters as on the list page (``MemberFilterSet``): q, organisation (id), status,
    probationary, sex, ethnic_group (id), age_min, age_max. A bad filter is a 400."""
    return MemberFilterSet(request.GET, user=request.user, request=request).strict_qs()


@router.get("/transfers", response={200: list[TransferOut], **ERROR_RESPONSES})
@paginated(default_limit=100)
def list_transfers(request: HttpRequest, direction: str = "", status: str = "") -> Any:
    return selectors.list_transfers(user=request.user, direction=direction, status=status)


@router.get("/residence-introductions", response={200: ResidenceCountOut, **ERROR_RESPONSES})
def count_residence_introductions(
    request: HttpRequest, organisation: int, start: Date, end: Date
) -> Any:
    found = get_visible_or_404(Organisation, request.user, organisation)
    return selectors.count_residence_introductions(organisation=found, start=start, end=end)


@router.get("/{int:member_id}", response={200: MemberDetailOut, **ERROR_RESPONSES})
def get_member(request: HttpRequest, member_id: int) -> Any:
    return _detail(get_membership_for_user(request.user, member_id))


@router.get("/{int:member_id}/probation", response={200: list[ChecklistOut], **ERROR_RESPONSES})
def get_probation(request: HttpRequest, member_id: int) -> Any:
    membership = get_membership_for_user(request.user, member_id)
    return selectors.get_probation_checklist(membership)


# --- writes --------------------------------------------------------------------------------------


FORM_RESPONSE = {
    "responses": {
        "200": {
            "description": "Biểu mẫu Word (.docx)",
            "content": {DOCX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.post("/{int:member_id}/forms/{code}", response=ERROR_RESPONSES, openapi_extra=FORM_RESPONSE)
def print_form(request: AuthenticatedHttpRequest, member_id: int, code: str) -> HttpResponse:
    """One recognition form (``10-knd`` … ``15-knd``, ``qd-cnct``) as a Word file with the QR
    code of its step; audited as an export (needs ``export.run``)."""
    from dangvien.members import printing

    membership = get_membership_for_user(request.user, member_id)
    spec = printing.FORMS_BY_SLUG.get(code)
    if spec is None:
        raise Http404("form")
    content, filename = printing.export_form(
        membership, spec, actor=request.user, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RecognitionScanOut(Schema):
    id: int
    step_id: int | None
    stage: str | None
    name: str
    size: int
    content_type: str
    sha256: str
    reference: str
    uploaded_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_stage(obj: Any) -> str | None:
        return obj.step.stage if obj.step_id is not None else None

    @staticmethod
    def resolve_uploaded_by(obj: Any) -> str:
        return str(obj.uploaded_by)


@router.get("/{int:member_id}/scans", response={200: list[RecognitionScanOut], **ERROR_RESPONSES})
def list_recognition_scans(request: HttpRequest, member_id: int) -> Any:
    """The scans attached to the member's recognition steps (or the membership)."""
    return selectors.recognition_scans(get_membership_for_user(request.user, member_id))


@router.post(
    "/{int:member_id}/scans",
    response={200: RecognitionScanOut, 201: RecognitionScanOut, **ERROR_RESPONSES},
)
def attach_recognition_scan(
    request: AuthenticatedHttpRequest,
    member_id: int,
    # optional in the schema so that scope is checked before the file (404/403 first)
    file: UploadedFile | None = File(None),  # noqa: B008 (how django-ninja declares an upload)
    step: int | None = Form(None),
    reference: str = Form("", max_length=64),
) -> Any:
    """Attach a scanned signed copy (PDF, JPEG or PNG by content, 10 MB at most) of a printed
    recognition form to its step (``step``: a recognition step of this member; another id is
    404) or to the membership. Needs ``member.change``; 201 when kept, 200 when the same file
    was already attached (nothing written); audited ``members.scan.attached``."""
    membership = get_membership_for_user(request.user, member_id, action="member.change")
    if file is None:
        raise DomainError(
            gettext("Chưa chọn tệp bản scan (trường «file», PDF, JPEG hoặc PNG)."),
            rule="scan_missing",
            field="file",
        )
    found = None
    if step is not None:
        found = RecognitionStep.objects.filter(membership=membership, pk=step).first()
        if found is None:
            raise Http404("step")
    attachment, created = services.attach_recognition_scan(
        membership, upload=file, step=found, reference=reference, actor=request.user
    )
    return (201 if created else 200), attachment


@router.post("/register", response={201: MemberOut, **ERROR_RESPONSES})
def register_member(request: AuthenticatedHttpRequest, payload: RegisterIn) -> Any:
    from dangvien.people.models import Person

    organisation = get_visible_or_404(Organisation, request.user, payload.organisation_id)
    person = get_visible_or_404(Person, request.user, payload.person_id)
    if not can(request.user, "member.change", organisation):
        raise PermissionDenied("member.change")
    data = payload.dict(exclude={"organisation_id", "person_id"})
    membership = services.register_existing_member(
        person=person, organisation=organisation, actor=request.user, **data
    )
    return 201, membership


@router.post("/{int:member_id}/status", response={200: MemberOut, **ERROR_RESPONSES})
def change_status(request: AuthenticatedHttpRequest, member_id: int, payload: StatusIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.decide")
    data = payload.dict()
    data["status"] = payload.status.value
    return services.change_status(membership, actor=request.user, **data)


@router.post("/{int:member_id}/helper", response={201: dict, **ERROR_RESPONSES})
def assign_helper(request: AuthenticatedHttpRequest, member_id: int, payload: HelperIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.change")
    # the helper is another member the user must be able to see (out of scope: 404, and
    # nothing about that member is revealed); the service checks the rest (official, same cell)
    helper = get_visible_or_404(Membership, request.user, payload.helper_id)
    assignment = services.assign_helper(
        membership,
        helper=helper,
        start_date=payload.start_date,
        replace_reason=payload.replace_reason,
        actor=request.user,
    )
    return 201, {"id": assignment.pk, "helper_id": helper.pk, "start_date": assignment.start_date}


@router.post("/{int:member_id}/recognition/steps", response={201: StepOut, **ERROR_RESPONSES})
def record_step(request: AuthenticatedHttpRequest, member_id: int, payload: StepIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.change")
    data = payload.dict()
    data["stage"] = payload.stage.value
    step: RecognitionStep = services.record_recognition_step(membership, actor=request.user, **data)
    return 201, step


@router.post(
    "/recognition-steps/{int:step_id}/correct",
    response={200: StepOut, 201: StepOut, **ERROR_RESPONSES},
)
def correct_recognition_step(
    request: AuthenticatedHttpRequest, step_id: int, payload: RecognitionStepCorrectionIn
) -> Any:
    """Correct a recognition step: 201 with the replacement (the old row kept, superseded);
    the same request again answers 200 with that replacement."""
    step = get_recognition_step_for_user(request.user, step_id, with_history=True)
    data = _given(payload.dict())
    if step.superseded:
        wanted = {k: v for k, v in data.items() if k not in ("reason", "note")}
        again = corrections.replayed(step, wanted)
        if again is not None:
            return 200, again
    return 201, services.correct_recognition_step(step, actor=request.user, **data)


@router.post(
    "/recognition-steps/{int:step_id}/cancel", response={200: MemberOut, **ERROR_RESPONSES}
)
def cancel_recognition_step(
    request: AuthenticatedHttpRequest, step_id: int, payload: CancelIn
) -> Any:
    """Cancel a recognition step recorded by mistake (kept, superseded, with the reason).
    Sent again, it answers the member as it is."""
    step = get_recognition_step_for_user(request.user, step_id, with_history=True)
    if step.superseded and corrections.replacement_of(step) is None:
        return get_membership_for_user(request.user, step.membership_id, action="member.change")
    return services.cancel_recognition_step(step, actor=request.user, reason=payload.reason)


@router.post("/{int:member_id}/recognition/decision", response={200: MemberOut, **ERROR_RESPONSES})
def recognise(request: AuthenticatedHttpRequest, member_id: int, payload: DecisionIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.decide")
    return services.recognise_official(membership, actor=request.user, **payload.dict())


@router.post("/{int:member_id}/removal", response={200: MemberOut, **ERROR_RESPONSES})
def remove(request: AuthenticatedHttpRequest, member_id: int, payload: RemovalIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.decide")
    return services.remove_probationary(membership, actor=request.user, **payload.dict())


@router.post("/{int:member_id}/cards", response={201: CardOut, **ERROR_RESPONSES})
def issue_card(request: AuthenticatedHttpRequest, member_id: int, payload: CardIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.decide")
    data = payload.dict()
    data["reason"] = payload.reason.value
    card: PartyCard = services.issue_card(membership, actor=request.user, **data)
    return 201, card


@router.post("/cards/{int:card_id}/hand-over", response={200: CardOut, **ERROR_RESPONSES})
def hand_over_card(request: AuthenticatedHttpRequest, card_id: int, payload: HandOverIn) -> Any:
    card = get_card_for_user(request.user, card_id, action="member.change")
    return services.hand_over_card(card, actor=request.user, **payload.dict())


@router.post(
    "/cards/{int:card_id}/correct", response={200: CardOut, 201: CardOut, **ERROR_RESPONSES}
)
def correct_card(request: AuthenticatedHttpRequest, card_id: int, payload: CardCorrectionIn) -> Any:
    """Correct the card in use recorded wrong: 201 with the replacement row (the old one
    kept, superseded); the same request again answers 200 with that replacement."""
    card = get_card_for_user(request.user, card_id, action="member.decide")
    data = _given(payload.dict())
    if card.superseded:
        again = corrections.replayed(card, {k: v for k, v in data.items() if k != "reason"})
        if again is not None:
            return 200, again
    return 201, services.correct_card(card, actor=request.user, **data)


@router.post("/cards/{int:card_id}/cancel", response={200: MemberOut, **ERROR_RESPONSES})
def cancel_card(request: AuthenticatedHttpRequest, card_id: int, payload: CancelIn) -> Any:
    """Cancel the card in use recorded by mistake; the card it replaced is in use again.
    Sent again, it answers the member as it is."""
    card = get_card_for_user(request.user, card_id, action="member.decide")
    if card.superseded and corrections.replacement_of(card) is None:
        return card.membership
    return services.cancel_card(card, actor=request.user, reason=payload.reason)


@router.post("/{int:member_id}/transfers", response={201: TransferOut, **ERROR_RESPONSES})
def start_transfer(request: AuthenticatedHttpRequest, member_id: int, payload: TransferIn) -> Any:
    membership = get_membership_for_user(request.user, member_id, action="member.change")
    data = payload.dict()
    data["kind"] = payload.kind.value
    data["to_organisation"] = _organisation_by_code(payload.to_organisation, "to_organisation")
    transfer: Transfer = services.start_transfer(membership, actor=request.user, **data)
    return 201, transfer


@router.post("/transfers/{int:transfer_id}/confirm", response={200: TransferOut, **ERROR_RESPONSES})
def confirm_transfer(
    request: AuthenticatedHttpRequest, transfer_id: int, payload: ConfirmIn
) -> Any:
    transfer = get_transfer_for_user(request.user, transfer_id, action="member.receive")
    return services.confirm_transfer(transfer, actor=request.user, **payload.dict())


@router.post("/transfers/{int:transfer_id}/cancel", response={200: TransferOut, **ERROR_RESPONSES})
def cancel_transfer(request: AuthenticatedHttpRequest, transfer_id: int) -> Any:
    transfer = get_transfer_for_user(request.user, transfer_id, action="member.change")
    return services.cancel_transfer(transfer, actor=request.user)


@router.post(
    "/transfers/{int:transfer_id}/correct",
    response={200: TransferOut, 201: TransferOut, **ERROR_RESPONSES},
)
def correct_transfer(
    request: AuthenticatedHttpRequest, transfer_id: int, payload: TransferCorrectionIn
) -> Any:
    """Correct an open transfer recorded wrong: 201 with the replacement (its deadlines
    recomputed; the old one kept, status corrected); the same request again answers 200."""
    transfer = get_transfer_for_user(request.user, transfer_id, action="member.change")
    data = _given(payload.dict())
    code = data.pop("to_organisation", None)
    if code:
        data["to_organisation"] = _organisation_by_code(code, "to_organisation")
    if transfer.status == TransferStatus.CORRECTED:
        again = corrections.replayed(transfer, {k: v for k, v in data.items() if k != "reason"})
        if again is not None:
            return 200, again
    return 201, services.correct_transfer(transfer, actor=request.user, **data)


@router.post("/transfers/{int:transfer_id}/end", response={200: TransferOut, **ERROR_RESPONSES})
def end_transfer(request: AuthenticatedHttpRequest, transfer_id: int, payload: EndIn) -> Any:
    transfer = get_transfer_for_user(request.user, transfer_id, action="member.change")
    return services.end_temporary_transfer(transfer, actor=request.user, **payload.dict())


@router.post("/residence/{int:link_id}", response={200: ResidenceOut, **ERROR_RESPONSES})
def record_residence(request: AuthenticatedHttpRequest, link_id: int, payload: ResidenceIn) -> Any:
    link = get_residence_link_for_user(request.user, link_id)
    data = payload.dict()
    data["exemption"] = payload.exemption.value
    code = data.pop("residence_organisation")
    data["residence_organisation"] = (
        _organisation_by_code(code, "residence_organisation") if code else None
    )
    return services.record_residence_introduction(link, actor=request.user, **data)
