from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.core import counters
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership, MembershipEvent
from dangvien.people.tests.factories import PersonFactory


def make_member(
    organisation: Any,
    *,
    status: str = MemberStatus.OFFICIAL,
    decision_date: dt.date = dt.date(2010, 1, 10),
    ceremony_date: dt.date | None = None,
    probation_end: dt.date | None = None,
    official_date: dt.date | None = None,
    **person: Any,
) -> Membership:
    """A member written straight to the tables (no service): for arranging tests."""
    ceremony_date = ceremony_date or decision_date + dt.timedelta(days=20)
    if probation_end is None:
        probation_end = ceremony_date.replace(year=ceremony_date.year + 1)
    if status == MemberStatus.OFFICIAL and official_date is None:
        official_date = probation_end
    membership = Membership.objects.create(
        person=PersonFactory(organisation=organisation, **person),
        organisation=organisation,
        admitted_in=organisation,
        status=status,
        decision_date=decision_date,
        ceremony_date=ceremony_date,
        probation_end=probation_end,
        official_date=official_date,
    )
    MembershipEvent.objects.create(
        membership=membership,
        status=MemberStatus.PROBATIONARY,
        organisation=organisation,
        date=ceremony_date,
    )
    if official_date:
        MembershipEvent.objects.create(
            membership=membership,
            status=MemberStatus.OFFICIAL,
            organisation=organisation,
            date=official_date,
        )
    counters.count_new("membership", [membership.pk])  # the facts' counters, as a service does
    return membership


def make_certificate(membership: Membership, *, on: dt.date) -> Any:
    """A completed new-member class for the member (training app tables)."""
    from dangvien.training.models import Enrolment, TrainingClass

    training_class, _created = TrainingClass.objects.get_or_create(
        kind=TrainingClass.Kind.NEW_MEMBER,
        name="Lớp đảng viên mới",
        organiser=membership.organisation,
        start_date=on - dt.timedelta(days=5),
        defaults={"end_date": on},
    )
    return Enrolment.objects.create(
        training_class=training_class,
        person=membership.person,
        completed=True,
        certificate_number=f"GCN-{membership.pk}",
        certificate_date=on,
    )
