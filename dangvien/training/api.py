from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from dangvien.core.api import ERROR_RESPONSES, Date
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
