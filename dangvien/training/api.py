from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from dangvien.core.api import ERROR_RESPONSES, Date
from dangvien.core.documents import DOCX_CONTENT_TYPE
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.models import Organisation
from dangvien.training import selectors, services
from dangvien.training.access import get_class_for_user
from dangvien.training.filtersets import TrainingClassFilterSet
from dangvien.training.models import Enrolment, TrainingClass

router = Router(tags=["Lớp bồi dưỡng"])


class ClassOut(Schema):
    id: int
    kind: str
    name: str
    organiser_id: int
    start_date: dt.date
    end_date: dt.date


class ClassIn(Schema):
    kind: TrainingClass.Kind
    name: str = Field(..., min_length=1, max_length=200)
    organiser_id: int
    start_date: Date
    end_date: Date


class EnrolmentOut(Schema):
    id: int
    person_id: int
    completed: bool
    certificate_number: str
    certificate_date: dt.date | None
    certificate_expiry: dt.date | None = None


class EnrolIn(Schema):
    person_id: int


class CompleteIn(Schema):
    certificate_number: str = Field(..., max_length=64)
    certificate_date: Date


def _enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    data = EnrolmentOut.from_orm(enrolment).dict()
    data["certificate_expiry"] = selectors.certificate_expiry(enrolment)
    return data


@router.get("/classes", response={200: list[ClassOut], **ERROR_RESPONSES})
@paginated(default_limit=500)
def list_classes(request: HttpRequest, kind: str = "") -> Any:
    """Filter (``TrainingClassFilterSet``): kind."""
    return TrainingClassFilterSet(request.GET, user=request.user, request=request).strict_qs()


@router.post("/classes", response={201: ClassOut, **ERROR_RESPONSES})
def create_class(request: AuthenticatedHttpRequest, payload: ClassIn) -> tuple[int, TrainingClass]:
    organiser = get_visible_or_404(Organisation, request.user, payload.organiser_id)
    if not can(request.user, "training.change", organiser):
        raise PermissionDenied("training.change")
    return 201, services.create_class(
        kind=payload.kind.value,
        name=payload.name,
        organiser=organiser,
        start_date=payload.start_date,
        end_date=payload.end_date,
        actor=request.user,
    )


@router.get("/classes/{int:class_id}", response={200: ClassOut, **ERROR_RESPONSES})
def get_class(request: HttpRequest, class_id: int) -> TrainingClass:
    return get_class_for_user(request.user, class_id)


@router.get(
    "/classes/{int:class_id}/enrolments", response={200: list[EnrolmentOut], **ERROR_RESPONSES}
)
def list_enrolments(request: HttpRequest, class_id: int) -> list[dict[str, Any]]:
    training_class = get_class_for_user(request.user, class_id)
    return [_enrolment_out(e) for e in selectors.list_enrolments(training_class)]


PRINT_RESPONSE = {
    "responses": {
        "200": {
            "description": "Danh sách Word (.docx)",
            "content": {DOCX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.post(
    "/classes/{int:class_id}/print/{kind}", response=ERROR_RESPONSES, openapi_extra=PRINT_RESPONSE
)
def print_class(request: AuthenticatedHttpRequest, class_id: int, kind: str) -> HttpResponse:
    """The class roster (``roster``) or certificate list (``certificates``) as a Word file,
    with the QR code of the class page; audited as an export (needs ``export.run``)."""
    from dangvien.training import printing

    training_class = get_class_for_user(request.user, class_id)
    content, filename = printing.export_list(
        request.user, training_class, kind, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/classes/{int:class_id}/enrolments", response={201: EnrolmentOut, **ERROR_RESPONSES})
def enrol(request: AuthenticatedHttpRequest, class_id: int, payload: EnrolIn) -> tuple[int, Any]:
    from dangvien.people.models import Person

    training_class = get_class_for_user(request.user, class_id, action="training.change")
    person = get_visible_or_404(Person, request.user, payload.person_id)
    enrolment = services.enrol_person(training_class, person=person, actor=request.user)
    return 201, _enrolment_out(enrolment)


@router.post(
    "/classes/{int:class_id}/enrolments/{int:enrolment_id}/complete",
    response={200: EnrolmentOut, **ERROR_RESPONSES},
)
def complete(
    request: AuthenticatedHttpRequest, class_id: int, enrolment_id: int, payload: CompleteIn
) -> dict[str, Any]:
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    enrolment = get_visible_or_404(
        Enrolment.objects.filter(training_class=training_class), request.user, enrolment_id
    )
    enrolment = services.complete_enrolment(
        enrolment,
        certificate_number=payload.certificate_number,
        certificate_date=payload.certificate_date,
        actor=request.user,
    )
    return _enrolment_out(enrolment)


class BulkEnrolIn(Schema):
    person_ids: list[int] = Field(..., min_length=1, max_length=500)


class ResultsIn(Schema):
    enrolment_ids: list[int] = Field(..., min_length=1, max_length=500)
    attended: bool | None = None
    result: Enrolment.Result | None = None


class CertificatesIn(Schema):
    enrolment_ids: list[int] = Field(..., min_length=1, max_length=500)
    first_number: str = Field(..., max_length=12)
    prefix: str = Field("", max_length=40)
    certificate_date: dt.date


class CorrectCertificateIn(CompleteIn):
    reason: str = Field(..., max_length=1000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class ClassCorrectIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    start_date: dt.date
    end_date: dt.date
    reason: str = Field(..., max_length=1000)


class ClassProposalIn(Schema):
    person_id: int
    note: str = Field("", max_length=255)


class ClassProposalOut(Schema):
    id: int
    person_id: int
    status: str
    note: str


class ProposalDecisionIn(Schema):
    accept: bool


def _roster_ids(
    request: AuthenticatedHttpRequest, training_class: TrainingClass, ids: list[int]
) -> list[int]:
    """Each id an enrolment of the class the caller may see (404 otherwise, like any id)."""
    rows = Enrolment.objects.filter(training_class=training_class)
    return [get_visible_or_404(rows, request.user, pk).pk for pk in dict.fromkeys(ids)]


def _class_enrolment(request: AuthenticatedHttpRequest, class_id: int, enrolment_id: int) -> Any:
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    return get_visible_or_404(
        Enrolment.objects.filter(training_class=training_class), request.user, enrolment_id
    )


@router.post(
    "/classes/{int:class_id}/enrolments/bulk",
    response={200: list[EnrolmentOut], 201: list[EnrolmentOut], **ERROR_RESPONSES},
)
def enrol_many(
    request: AuthenticatedHttpRequest, class_id: int, payload: BulkEnrolIn
) -> tuple[int, list[dict[str, Any]]]:
    """Enrol several people at once (all or nothing; those already in the class skipped).

    201 with the new rows when someone was enrolled; 200 with the rows already in force when
    everyone was (a repeated request changes nothing and says so)."""
    from dangvien.people.models import Person

    training_class = get_class_for_user(request.user, class_id, action="training.change")
    people = [
        get_visible_or_404(Person, request.user, pk) for pk in dict.fromkeys(payload.person_ids)
    ]
    rows = services.enrol_people(training_class, people=people, actor=request.user)
    if rows:
        return 201, [_enrolment_out(e) for e in rows]
    existing = selectors.list_enrolments(training_class).filter(person__in=people)
    return 200, [_enrolment_out(e) for e in existing]


@router.post(
    "/classes/{int:class_id}/results", response={200: list[EnrolmentOut], **ERROR_RESPONSES}
)
def record_results(
    request: AuthenticatedHttpRequest, class_id: int, payload: ResultsIn
) -> list[dict[str, Any]]:
    """Attendance and/or result for the students given."""
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    rows = services.record_results(
        training_class,
        enrolment_ids=_roster_ids(request, training_class, payload.enrolment_ids),
        attended=payload.attended,
        result=payload.result.value if payload.result is not None else None,
        actor=request.user,
    )
    return [_enrolment_out(e) for e in rows]


@router.post(
    "/classes/{int:class_id}/certificates", response={200: list[EnrolmentOut], **ERROR_RESPONSES}
)
def issue_certificates(
    request: AuthenticatedHttpRequest, class_id: int, payload: CertificatesIn
) -> list[dict[str, Any]]:
    """Certificates in bulk, numbered from ``first_number`` after ``prefix`` (all or nothing)."""
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    rows = services.issue_certificates(
        training_class,
        enrolment_ids=_roster_ids(request, training_class, payload.enrolment_ids),
        first_number=payload.first_number,
        prefix=payload.prefix,
        certificate_date=payload.certificate_date,
        actor=request.user,
    )
    return [_enrolment_out(e) for e in rows]


@router.post(
    "/classes/{int:class_id}/enrolments/{int:enrolment_id}/correct",
    response={200: EnrolmentOut, **ERROR_RESPONSES},
)
def correct_certificate(
    request: AuthenticatedHttpRequest,
    class_id: int,
    enrolment_id: int,
    payload: CorrectCertificateIn,
) -> dict[str, Any]:
    """A new row with the right number and date supersedes the certificate (kept)."""
    enrolment = _class_enrolment(request, class_id, enrolment_id)
    return _enrolment_out(
        services.correct_certificate(
            enrolment,
            certificate_number=payload.certificate_number,
            certificate_date=payload.certificate_date,
            reason=payload.reason,
            actor=request.user,
        )
    )


@router.post(
    "/classes/{int:class_id}/enrolments/{int:enrolment_id}/revoke",
    response={200: EnrolmentOut, **ERROR_RESPONSES},
)
def revoke_certificate(
    request: AuthenticatedHttpRequest, class_id: int, enrolment_id: int, payload: ReasonIn
) -> dict[str, Any]:
    enrolment = _class_enrolment(request, class_id, enrolment_id)
    return _enrolment_out(
        services.revoke_certificate(enrolment, reason=payload.reason, actor=request.user)
    )


@router.post(
    "/classes/{int:class_id}/enrolments/{int:enrolment_id}/remove",
    response={200: EnrolmentOut, **ERROR_RESPONSES},
)
def remove_enrolment(
    request: AuthenticatedHttpRequest, class_id: int, enrolment_id: int, payload: ReasonIn
) -> dict[str, Any]:
    enrolment = _class_enrolment(request, class_id, enrolment_id)
    return _enrolment_out(
        services.remove_enrolment(enrolment, reason=payload.reason, actor=request.user)
    )


@router.post("/classes/{int:class_id}/correct", response={200: ClassOut, **ERROR_RESPONSES})
def correct_class(
    request: AuthenticatedHttpRequest, class_id: int, payload: ClassCorrectIn
) -> TrainingClass:
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    return services.correct_class(
        training_class,
        name=payload.name,
        start_date=payload.start_date,
        end_date=payload.end_date,
        reason=payload.reason,
        actor=request.user,
    )


@router.post("/classes/{int:class_id}/cancel", response={200: ClassOut, **ERROR_RESPONSES})
def cancel_class(
    request: AuthenticatedHttpRequest, class_id: int, payload: ReasonIn
) -> TrainingClass:
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    return services.cancel_class(training_class, reason=payload.reason, actor=request.user)


@router.post("/classes/{int:class_id}/close", response={200: ClassOut, **ERROR_RESPONSES})
def close_class(request: AuthenticatedHttpRequest, class_id: int) -> TrainingClass:
    training_class = get_class_for_user(request.user, class_id, action="training.change")
    return services.close_class(training_class, actor=request.user)


@router.post(
    "/classes/{int:class_id}/proposals", response={201: ClassProposalOut, **ERROR_RESPONSES}
)
def propose(
    request: AuthenticatedHttpRequest, class_id: int, payload: ClassProposalIn
) -> tuple[int, Any]:
    """A cell or grassroots office proposes one of its people for a class open to them."""
    from dangvien.people.models import Person

    training_class = get_class_for_user(request.user, class_id)
    person = get_visible_or_404(Person, request.user, payload.person_id)
    if not can(request.user, "training.propose", person.organisation):
        raise PermissionDenied("training.propose")
    return 201, services.propose_person(
        training_class, person=person, note=payload.note, actor=request.user
    )


@router.post(
    "/classes/{int:class_id}/proposals/{int:proposal_id}/decision",
    response={200: ClassProposalOut, **ERROR_RESPONSES},
)
def decide(
    request: AuthenticatedHttpRequest, class_id: int, proposal_id: int, payload: ProposalDecisionIn
) -> Any:
    """The organiser accepts (enrols) or declines a proposal."""
    from dangvien.training.access import get_proposal_for_user

    training_class = get_class_for_user(request.user, class_id, action="training.change")
    proposal = get_proposal_for_user(request.user, training_class, proposal_id)
    return services.decide_proposal(proposal, accept=payload.accept, actor=request.user)
