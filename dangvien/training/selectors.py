from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangvien.core.dates import add_months
from dangvien.core.typing import AnyUser
from dangvien.training import registry
from dangvien.training.models import ClassProposal, Enrolment, TrainingClass


def list_classes(*, user: AnyUser) -> QuerySet[TrainingClass]:
    """Classes visible to the user (organised in their subtrees, or open to their people),
    newest first, with their counts; the list's filter is
    ``training.filtersets.TrainingClassFilterSet``."""
    active = Q(enrolments__superseded_at__isnull=True, enrolments__removed=False)
    return (
        TrainingClass.objects.visible_to(user)
        .select_related("organiser")
        .annotate(
            participant_count=Count("enrolments", filter=active),
            completed_count=Count("enrolments", filter=active & Q(enrolments__completed=True)),
        )
        .order_by("-start_date", "pk")
    )


def list_enrolments(
    training_class: TrainingClass, *, user: AnyUser | None = None
) -> QuerySet[Enrolment]:
    """The class's roster in force; with ``user``, only the students in their scope (a cell
    sees its own people in the district's class)."""
    rows = Enrolment.objects.active().filter(training_class=training_class)
    if user is not None:
        rows = rows.visible_to(user)
    return rows.select_related("person", "person__organisation").order_by(
        "person__full_name_folded", "pk"
    )


def list_history(training_class: TrainingClass, *, user: AnyUser) -> list[Enrolment]:
    """Superseded rows (what a correction replaced), each with the row that replaced it."""
    return list(
        Enrolment.objects.filter(training_class=training_class, superseded_at__isnull=False)
        .visible_to(user)
        .select_related("person", "superseded_by")
        .order_by("-superseded_at", "-pk")
    )


def list_pending_proposals(training_class: TrainingClass, *, user: AnyUser) -> list[ClassProposal]:
    return list(
        ClassProposal.objects.filter(
            training_class=training_class, status=ClassProposal.Status.PENDING
        )
        .select_related("person", "organisation")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Candidate:
    person: Any
    enrolled: bool


def list_candidates(training_class: TrainingClass, *, cell: Any) -> list[Candidate] | None:
    """The people of ``cell`` waiting for this kind of class (an awareness class: the cell's
    outstanding list; a new-member class: its probationers without the certificate), with
    whether they are already in the class. None when no app lists candidates for the kind."""
    from dangvien.organisations.models import Organisation

    people = registry.candidates(training_class.kind, Organisation.objects.filter(pk=cell.pk))
    if people is None:
        return None
    enrolled = Enrolment.objects.active().filter(
        training_class=training_class, person=OuterRef("pk")
    )
    return [
        Candidate(person=person, enrolled=person.is_enrolled)
        for person in people.annotate(is_enrolled=Exists(enrolled)).order_by(
            "full_name_folded", "pk"
        )[:500]
    ]


def certificate_expiry(enrolment: Enrolment) -> dt.date | None:
    """When the certificate stops being valid (rule set in force on the certificate date)."""
    if not enrolment.certificate_date:
        return None
    from dangvien.rules.selectors import get_rule_set_or_earliest

    rule_set = get_rule_set_or_earliest(on=enrolment.certificate_date)
    return add_months(enrolment.certificate_date, rule_set.int_value("certificate_valid_months"))


_HORIZON_CACHE: dict[dt.date, int] = {}


def _horizon_days(today: dt.date) -> int:
    """The worklist horizon of the rule set in force today, cached per day in the process (the
    navigation badge asks on every page); a rule-set change clears it (``forget_horizon``)."""
    if today not in _HORIZON_CACHE:
        from dangvien.rules.selectors import get_rule_set_or_earliest

        _HORIZON_CACHE.clear()
        _HORIZON_CACHE[today] = get_rule_set_or_earliest(on=today).int_value(
            "worklist_horizon_days"
        )
    return _HORIZON_CACHE[today]


def forget_horizon() -> None:
    _HORIZON_CACHE.clear()


def list_centre_work(user: AnyUser, today: dt.date) -> list[Any]:
    """The training centre's worklist (``core.worklist``): classes that have ended (or end
    within the horizon) and wait for results, certificates or closing; proposals waiting to be
    accepted. Only for users who run classes (``training.change``); one query."""
    from django.utils.translation import gettext as _

    from dangvien.core.formatting import format_number
    from dangvien.core.scoping import can, can_anywhere
    from dangvien.core.urls import pk_url
    from dangvien.core.worklist import WorkItem

    if not can_anywhere(user, "training.change"):
        return []
    horizon = today + dt.timedelta(days=_horizon_days(today))
    active = Q(enrolments__superseded_at__isnull=True, enrolments__removed=False)
    pending = Q(proposals__status=ClassProposal.Status.PENDING)
    classes = (
        TrainingClass.objects.organised_by(user)
        .filter(status=TrainingClass.Status.OPEN)
        .filter(Q(end_date__lte=horizon) | pending)
        .select_related("organiser")
        .annotate(
            no_result=Count("enrolments", filter=active & Q(enrolments__result=""), distinct=True),
            to_certify=Count(
                "enrolments",
                filter=active & Q(enrolments__result="passed", enrolments__completed=False),
                distinct=True,
            ),
            waiting=Count("proposals", filter=pending, distinct=True),
        )
        .order_by("end_date", "pk")[:200]
    )
    items: list[WorkItem] = []
    for training_class in classes:
        if not can(user, "training.change", training_class.organiser):
            continue
        url = pk_url("training:class-detail", training_class.pk)
        no_result: int = getattr(training_class, "no_result", 0)
        to_certify: int = getattr(training_class, "to_certify", 0)
        waiting: int = getattr(training_class, "waiting", 0)
        if waiting:
            items.append(
                WorkItem(
                    kind="training.proposals",
                    label=_("Duyệt đề nghị cử người đi học"),
                    subject=training_class.name,
                    organisation=training_class.organiser,
                    due=min(training_class.start_date, today),
                    url=url,
                    detail=_("%(count)s người chờ duyệt") % {"count": format_number(waiting)},
                )
            )
        if training_class.end_date > horizon:
            continue
        if no_result or to_certify:
            items.append(
                WorkItem(
                    kind="training.results_due",
                    label=_("Ghi kết quả, cấp giấy chứng nhận"),
                    subject=training_class.name,
                    organisation=training_class.organiser,
                    due=training_class.end_date,
                    url=url,
                    detail=_("%(results)s chưa có kết quả, %(certificates)s chờ cấp giấy")
                    % {
                        "results": format_number(no_result),
                        "certificates": format_number(to_certify),
                    },
                )
            )
        elif training_class.end_date <= today:
            items.append(
                WorkItem(
                    kind="training.class_to_close",
                    label=_("Kết thúc lớp"),
                    subject=training_class.name,
                    organisation=training_class.organiser,
                    due=training_class.end_date,
                    url=url,
                )
            )
    return items


def get_person_training(person: Any, user: AnyUser) -> dict[str, Any] | None:
    """Person page section: the classes the person was enrolled in and their certificates (the
    rows in force; corrections are on the class page). The person is in the reader's scope; the
    classes may be organised above it (a district centre's), and are named without a link the
    reader could not open. One query."""
    enrolments = list(
        Enrolment.objects.filter(person_id=person.pk, superseded_at__isnull=True, removed=False)
        .select_related("training_class__organiser")
        .order_by("-training_class__start_date", "-pk")
    )
    return {"enrolments": enrolments} if enrolments else None
