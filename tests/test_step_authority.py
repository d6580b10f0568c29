"""Step authority (issue 15, item 3): each pipeline step is recorded by the body that holds it.

A cell secretary records the cell's steps; the grassroots committee's verification and vote
(and the recognition's grassroots resolution) are refused with a 403 whose Vietnamese reason
names the step, the caller's role and the roles that record it, through the API, the pages and
the services alike; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine

from dangvien.admissions import services as admissions
from dangvien.admissions.choices import STAGE_ORDER, Stage
from dangvien.admissions.models import Step
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import Forbidden
from dangvien.members import services as members
from dangvien.members.choices import MemberStatus, RecognitionStage
from dangvien.members.models import RecognitionStep
from dangvien.members.tests.factories import make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
COMMITTEE_ROLES = "Quản trị hệ thống / Ban tổ chức, Ban xây dựng Đảng / Văn phòng đảng ủy cơ sở"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _dossier_at(tree: Any, admin: Any, stage: str) -> Any:
    cell = tree.branch
    opened = TODAY - dt.timedelta(days=120)
    introducers = make_officials(cell, 3)
    person = PersonFactory(organisation=cell, date_of_birth=dt.date(1998, 3, 15))
    dossier = admissions.open_dossier(person=person, organisation=cell, date=opened, actor=admin)
    certificate = make_certificate(person, cell, opened + dt.timedelta(days=5))
    return walk(
        dossier,
        to=stage,
        actor=admin,
        start=opened + dt.timedelta(days=7),
        introducers=introducers[:2],
        certificate=certificate,
    )


def _reason(stage: str) -> str:
    return (
        f"Bước «{Stage(stage).label}» do {COMMITTEE_ROLES} ghi; "
        "vai trò của bạn (Bí thư chi bộ) không được ghi bước này."
    )


def test_every_stage_has_an_authority() -> None:
    assert set(admissions.STAGE_ACTIONS) == set(STAGE_ORDER)
    assert set(members.RECOGNITION_ACTIONS) == set(RecognitionStage)
    assert {s for s, a in admissions.STAGE_ACTIONS.items() if a == "dossier.committee"} == {
        Stage.VERIFICATION,
        Stage.GRASSROOTS_VOTE,
    }


@pytest.mark.parametrize("stage", [Stage.VERIFICATION, Stage.GRASSROOTS_VOTE])
def test_cell_secretary_cannot_record_the_committees_step_through_the_api(
    stage, persona_tree, client_for
):
    admin = persona_tree.users["national_admin"]
    before_stage = STAGE_ORDER[STAGE_ORDER.index(stage) - 1]
    dossier = _dossier_at(persona_tree, admin, before_stage)
    client = client_for("branch_secretary")  # logging in is audited: before the count
    steps, events = Step.objects.count(), AuditEvent.objects.count()
    response = client.post(
        f"/api/v1/admissions/{dossier.pk}/steps",
        json.dumps(
            {
                "stage": stage,
                "date": TODAY.isoformat(),
                "document_number": "2-KNĐ",
                "votes_eligible": 9,
                "votes_for": 9,
                "votes_against": 0,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": _reason(stage),
        "errors": [],
        "rule": "step_authority",
        "found": "Bí thư chi bộ",
        "required": COMMITTEE_ROLES,
    }
    dossier.refresh_from_db()
    assert dossier.stage == before_stage
    assert (Step.objects.count(), AuditEvent.objects.count()) == (steps, events)


def test_cell_secretary_cannot_record_the_verification_on_the_page(persona_tree, client_for):
    admin = persona_tree.users["national_admin"]
    dossier = _dossier_at(persona_tree, admin, Stage.APPLICATION)
    response = client_for("branch_secretary").post(
        f"/admissions/{dossier.pk}/step/",
        {"stage": "verification", "date": "01/06/2026", "document_number": "2"},
    )
    assert response.status_code == 403
    assert _reason(Stage.VERIFICATION) in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.stage == Stage.APPLICATION


def test_the_grassroots_office_records_the_verification(persona_tree, client_for):
    admin = persona_tree.users["national_admin"]
    dossier = _dossier_at(persona_tree, admin, Stage.APPLICATION)
    response = client_for("grassroots_office").post(
        f"/api/v1/admissions/{dossier.pk}/steps",
        json.dumps({"stage": "verification", "date": TODAY.isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 201
    dossier.refresh_from_db()
    assert dossier.stage == Stage.VERIFICATION


def test_cell_secretary_records_the_cells_own_step(persona_tree):
    admin = persona_tree.users["national_admin"]
    dossier = _dossier_at(persona_tree, admin, Stage.CLASS)
    admissions.record_step(
        dossier,
        stage=Stage.APPLICATION,
        date=TODAY,
        actor=persona_tree.users["branch_secretary"],
    )
    dossier.refresh_from_db()
    assert dossier.stage == Stage.APPLICATION


def test_the_service_refuses_whoever_calls_it(persona_tree):
    admin = persona_tree.users["national_admin"]
    dossier = _dossier_at(persona_tree, admin, Stage.APPLICATION)
    with pytest.raises(Forbidden) as refused:
        admissions.record_step(
            dossier,
            stage=Stage.VERIFICATION,
            date=TODAY,
            actor=persona_tree.users["branch_secretary"],
        )
    assert refused.value.message == _reason(Stage.VERIFICATION)
    assert (refused.value.rule, refused.value.found, refused.value.required) == (
        "step_authority",
        "Bí thư chi bộ",
        COMMITTEE_ROLES,
    )


def test_cell_secretary_cannot_record_the_grassroots_resolution(persona_tree, client_for):
    probationer = make_member(
        persona_tree.branch,
        status=MemberStatus.PROBATIONARY,
        decision_date=dt.date(2025, 1, 10),
        ceremony_date=dt.date(2025, 2, 1),
        probation_end=dt.date(2026, 2, 1),
    )
    response = client_for("branch_secretary").post(
        f"/api/v1/members/{probationer.pk}/recognition/steps",
        json.dumps({"stage": "grassroots_resolution", "date": "2026-05-20"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    label = RecognitionStage.GRASSROOTS_RESOLUTION.label
    assert response.json() == {
        "detail": f"Bước «{label}» do {COMMITTEE_ROLES} ghi; "
        "vai trò của bạn (Bí thư chi bộ) không được ghi bước này.",
        "errors": [],
        "rule": "step_authority",
        "found": "Bí thư chi bộ",
        "required": COMMITTEE_ROLES,
    }
    assert not RecognitionStep.objects.exists()
