from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangvien.core.dates import add_months
from dangvien.core.typing import AnyUser
from dangvien.training.models import Enrolment, TrainingClass


def list_classes(*, user: AnyUser) -> QuerySet[TrainingClass]:
    """Classes visible to the user, newest first, with their counts; the list's filter is
    ``training.filtersets.TrainingClassFilterSet``."""
    return (
        TrainingClass.objects.visible_to(user)
        .select_related("organiser")
        .annotate(
            participant_count=Count("enrolments"),
            completed_count=Count("enrolments", filter=Q(enrolments__completed=True)),
        )
        .order_by("-start_date", "pk")
    )


def list_enrolments(training_class: TrainingClass) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(training_class=training_class)
        .select_related("person", "person__organisation")
        .order_by("person__full_name_folded", "pk")
    )


def certificate_expiry(enrolment: Enrolment) -> dt.date | None:
    """When the certificate stops being valid (rule set in force on the certificate date)."""
    if not enrolment.certificate_date:
        return None
    from dangvien.rules.selectors import get_rule_set_or_earliest

    rule_set = get_rule_set_or_earliest(on=enrolment.certificate_date)
    return add_months(enrolment.certificate_date, rule_set.int_value("certificate_valid_months"))


def get_person_training(person: Any, user: AnyUser) -> dict[str, Any] | None:
    """Person page section: the classes the person was enrolled in and their certificates.
    The person is in the reader's scope; the classes may be organised above it (a district
    centre's), and are named without a link the reader could not open. One query."""
    enrolments = list(
        Enrolment.objects.filter(person_id=person.pk)
        .select_related("training_class__organiser")
        .order_by("-training_class__start_date", "-pk")
    )
    return {"enrolments": enrolments} if enrolments else None
