"""A cell's month for the start page: CB01 on 01/12/2026 with dossiers at several stages (one
decision overdue, one ceremony due soon) and probationers (one ready to be recognised, one
late with papers missing, one still in probation)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from dangvien.admissions import services
from dangvien.admissions.choices import Stage
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.members.choices import MemberStatus, RecognitionStage
from dangvien.members.models import RecognitionStep
from dangvien.members.tests.factories import make_certificate as make_new_member_certificate
from dangvien.members.tests.factories import make_member
from dangvien.people.tests.factories import PersonFactory

D = dt.date
TODAY = D(2026, 12, 1)  # a Tuesday, the first working day of December
BORN = D(1998, 3, 15)


def dossier_at(cell: Any, actor: Any, stage: str, *, start: dt.date, name: str) -> Any:
    person = PersonFactory(organisation=cell, date_of_birth=BORN, full_name=name)
    dossier = services.open_dossier(
        person=person, organisation=cell, date=start - dt.timedelta(days=10), actor=actor
    )
    if stage == Stage.OUTSTANDING:
        return dossier
    certificate = make_certificate(person, cell, start - dt.timedelta(days=5), number=f"N-{name}")
    return walk(
        dossier,
        to=stage,
        actor=actor,
        start=start,
        introducers=make_officials(cell, 2),
        certificate=certificate,
    )


def build_cell_month(tree: Any) -> Any:
    """Call with time frozen on ``TODAY`` (steps may not be dated in the future)."""
    cell, actor = tree.branch, tree.users["national_admin"]
    make_officials(cell, 3)
    world = SimpleNamespace(cell=cell)
    world.late_decision = dossier_at(
        cell, actor, Stage.CELL_VOTE, start=D(2026, 7, 6), name="Lò Văn Quá Hạn"
    )
    world.ceremony_soon = dossier_at(
        cell, actor, Stage.DECISION, start=D(2026, 10, 20), name="Quàng Thị Sắp Lễ"
    )
    world.at_opinions = dossier_at(
        cell, actor, Stage.OPINIONS, start=D(2026, 11, 2), name="Cà Văn Nhận Xét"
    )
    world.outstanding = dossier_at(
        cell, actor, Stage.OUTSTANDING, start=D(2026, 11, 20), name="Vì Thị Ưu Tú"
    )
    world.ready = make_member(
        cell,
        status=MemberStatus.PROBATIONARY,
        decision_date=D(2025, 10, 30),
        ceremony_date=D(2025, 11, 20),
        full_name="Lường Văn Đủ Giấy",
    )
    for stage, day in (
        (RecognitionStage.SELF_REVIEW, D(2026, 11, 21)),
        (RecognitionStage.HELPER_COMMENT, D(2026, 11, 23)),
        (RecognitionStage.OPINIONS, D(2026, 11, 24)),
    ):
        RecognitionStep.objects.create(membership=world.ready, stage=stage, date=day, actor=actor)
    make_new_member_certificate(world.ready, on=D(2026, 3, 1))
    world.late_probationer = make_member(
        cell,
        status=MemberStatus.PROBATIONARY,
        decision_date=D(2025, 9, 10),
        ceremony_date=D(2025, 10, 1),
        full_name="Tòng Thị Thiếu Giấy",
    )
    world.in_probation = make_member(
        cell,
        status=MemberStatus.PROBATIONARY,
        decision_date=D(2026, 5, 1),
        ceremony_date=D(2026, 5, 20),
        full_name="Hoàng Văn Dự Bị",
    )
    return world
