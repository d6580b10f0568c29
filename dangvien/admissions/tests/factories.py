"""Test helpers for the pipeline: official members in a cell, a certificate, a dossier walked
to any stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.admissions import services
from dangvien.admissions.choices import STAGE_ORDER, Stage
from dangvien.core import counters
from dangvien.members.models import Membership
from dangvien.people.tests.factories import PersonFactory
from dangvien.training.models import Enrolment, TrainingClass

D = dt.date
LONG_AGO = D(2015, 1, 1)


def make_official(cell: Any, *, official_date: dt.date = LONG_AGO, **person: Any) -> Any:
    member = PersonFactory(organisation=cell, **person)
    membership = Membership.objects.create(
        person=member,
        organisation=cell,
        admitted_in=cell,
        status="official",
        decision_date=official_date - dt.timedelta(days=400),
        ceremony_date=official_date - dt.timedelta(days=366),
        official_date=official_date,
    )
    counters.count_new("membership", [membership.pk])  # the facts' counters, as a service does
    return member


def make_officials(cell: Any, count: int) -> list[Any]:
    return [make_official(cell) for _ in range(count)]


def make_certificate(person: Any, organiser: Any, day: dt.date, number: str = "GCN-1") -> Any:
    # one class per organiser, name and opening day (unique_training_class): certificates of
    # the same day are of the same class
    training_class, _created = TrainingClass.objects.get_or_create(
        kind=TrainingClass.Kind.AWARENESS,
        name=f"Lớp nhận thức {day:%m/%Y}",
        organiser=organiser,
        start_date=day - dt.timedelta(days=5),
        defaults={"end_date": day},
    )
    return Enrolment.objects.create(
        training_class=training_class,
        person=person,
        completed=True,
        certificate_number=number,
        certificate_date=day,
    )


STEP_DEFAULTS: dict[str, dict[str, Any]] = {
    Stage.APPLICATION: {"document_number": "1-KNĐ"},
    Stage.VERIFICATION: {"document_number": "2-KNĐ"},
    Stage.OPINIONS: {"document_number": "5-KNĐ"},
    Stage.GRASSROOTS_VOTE: {
        # a bare figure: the form completes it with the committee's kind ("12-NQ/ĐU")
        "document_number": "12",
        "votes_eligible": 9,
        "votes_for": 9,
        "votes_against": 0,
    },
    Stage.DECISION: {"document_number": "QĐ 12-QĐ/ĐU"},
}


def walk(
    dossier: Any,
    *,
    to: str,
    actor: Any,
    start: dt.date,
    introducers: list[Any] | None = None,
    certificate: Any = None,
) -> Any:
    """Record every step after the dossier's current one up to ``to``, one day apart."""
    day = start
    while dossier.stage != to:
        stage = STAGE_ORDER[STAGE_ORDER.index(Stage(dossier.stage)) + 1]
        kwargs = dict(STEP_DEFAULTS.get(stage, {}))
        if stage == Stage.CLASS:
            kwargs["enrolment"] = certificate
        if stage == Stage.INTRODUCTION:
            kwargs["introducers"] = [
                {"person": person, "months_together": 12} for person in introducers or []
            ]
        if stage == Stage.CELL_VOTE:
            from dangvien.admissions.services import count_official_members

            eligible = count_official_members(dossier.organisation, day)
            kwargs.update(votes_for=eligible, votes_against=0, document_number="05-NQ/CB")
        services.record_step(dossier, stage=stage, date=day, actor=actor, **kwargs)
        dossier.refresh_from_db()
        day += dt.timedelta(days=1)
    return dossier
