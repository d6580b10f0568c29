"""All writes of the training app: classes, enrolments, certificates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.training import registry
from dangvien.training.models import Enrolment, TrainingClass

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.organisations.models import Organisation
    from dangvien.people.models import Person


def _require(actor: User, organisation: Organisation) -> None:
    if not can(actor, "training.change", organisation):
        raise PermissionDenied("training.change")


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


@transaction.atomic
def create_class(
    *,
    kind: str,
    name: str,
    organiser: Organisation,
    start_date: dt.date,
    end_date: dt.date,
    actor: User,
) -> TrainingClass:
    _require(actor, organiser)
    if kind not in TrainingClass.Kind.values:
        raise DomainError(
            _("Loại lớp «%(kind)s» không hợp lệ.") % {"kind": kind}, rule="class_kind", field="kind"
        )
    if not name.strip():
        raise DomainError(_("Phải nhập tên lớp."), rule="class_name", field="name")
    if end_date < start_date:
        raise DomainError(
            _("Ngày bế giảng (%(end_date)s) trước ngày khai giảng (%(start_date)s).")
            % {"end_date": _fmt(end_date), "start_date": _fmt(start_date)},
            rule="class_dates",
            found=_fmt(end_date),
            required=_("từ %(start_date)s") % {"start_date": _fmt(start_date)},
            field="end_date",
        )
    duplicate = DomainError(
        _("%(organiser)s đã có lớp «%(name)s» khai giảng ngày %(start_date)s.")
        % {"organiser": organiser, "name": name.strip(), "start_date": _fmt(start_date)},
        rule="unique_training_class",
        found=name.strip(),
        required=_("tên lớp hoặc ngày khai giảng khác"),
        field="name",
    )
    same = TrainingClass.objects.filter(
        organiser=organiser, kind=kind, name=name.strip(), start_date=start_date
    )
    if same.exists():
        raise duplicate
    try:
        with transaction.atomic():
            training_class = TrainingClass.objects.create(
                kind=kind,
                name=name.strip(),
                organiser=organiser,
                start_date=start_date,
                end_date=end_date,
            )
    except IntegrityError as exc:  # the same class created at the same moment
        raise duplicate from exc
    record(
        actor=actor,
        action="training.training_class.created",
        target=training_class,
        organisation=organiser,
        data={"kind": kind, "start_date": start_date, "end_date": end_date},
    )
    return training_class


@transaction.atomic
def enrol_person(training_class: TrainingClass, *, person: Person, actor: User) -> Enrolment:
    _require(actor, training_class.organiser)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(training_class=training_class, person=person)
    except IntegrityError as exc:
        raise DomainError(
            _("%(person)s đã có trong danh sách học viên của lớp.") % {"person": person},
            rule="unique_enrolment",
            field="person",
        ) from exc
    record(
        actor=actor,
        action="training.enrolment.created",
        target=enrolment,
        organisation=training_class.organiser,
        data={"person": person},
    )
    return enrolment


@transaction.atomic
def complete_enrolment(
    enrolment: Enrolment,
    *,
    certificate_number: str,
    certificate_date: dt.date,
    actor: User,
) -> Enrolment:
    """Issue the certificate. Finishing an awareness class makes an outstanding person a
    sympathiser: their open dossier moves to the class stage (when the actor may record it)."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class__organiser", "person")
        .get(pk=enrolment.pk)
    )
    training_class = enrolment.training_class
    _require(actor, training_class.organiser)
    if enrolment.completed:
        raise DomainError(
            _("%(person)s đã được cấp giấy chứng nhận số %(certificate_number)s.")
            % {"person": enrolment.person, "certificate_number": enrolment.certificate_number},
            rule="certificate_once",
            field="certificate_number",
        )
    if not certificate_number.strip():
        raise DomainError(
            _("Phải nhập số giấy chứng nhận."),
            rule="certificate_number",
            field="certificate_number",
        )
    if certificate_date < training_class.end_date:
        raise DomainError(
            _("Ngày cấp giấy chứng nhận (%(certificate_date)s) trước ngày bế giảng (%(end_date)s).")
            % {
                "certificate_date": _fmt(certificate_date),
                "end_date": _fmt(training_class.end_date),
            },
            rule="certificate_date",
            found=_fmt(certificate_date),
            required=_("từ %(end_date)s") % {"end_date": _fmt(training_class.end_date)},
            field="certificate_date",
        )
    enrolment.completed = True
    enrolment.certificate_number = certificate_number.strip()
    enrolment.certificate_date = certificate_date
    enrolment.save(update_fields=["completed", "certificate_number", "certificate_date"])
    record(
        actor=actor,
        action="training.enrolment.completed",
        target=enrolment,
        organisation=training_class.organiser,
        data={"certificate_number": certificate_number, "certificate_date": certificate_date},
    )
    if training_class.kind == TrainingClass.Kind.AWARENESS:
        registry.awareness_certificate_issued(enrolment, actor=actor)
    return enrolment
