"""Corrections without rewriting history: a wrong step is corrected by a replacement row or
cancelled, with a reason, by whoever may record it (or a superior level); the old row is kept,
marked superseded; deadlines, figures and worklists follow; the dossier page shows both."""

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.admissions import services
from dangvien.admissions.choices import Stage
from dangvien.admissions.models import Dossier, Participant, Step, StepCorrection
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.core.worklist import collect, collect_waiting
from dangvien.people.tests.factories import PersonFactory

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def dossier_at(cell, admin, stage):
    person = PersonFactory(organisation=cell, date_of_birth=D(1998, 3, 15))
    dossier = services.open_dossier(
        person=person, organisation=cell, date=D(2026, 1, 5), actor=admin
    )
    return walk(
        dossier,
        to=stage,
        actor=admin,
        start=D(2026, 1, 12),
        introducers=make_officials(cell, 2),
        certificate=make_certificate(person, cell, D(2026, 1, 10)),
    )


def test_correcting_the_cell_vote_date_moves_the_decision_deadline(cell, admin):
    dossier = dossier_at(cell, admin, Stage.CELL_VOTE)
    old = Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE)
    before = dossier.next_deadline
    # the cell vote recorded on Saturday 17/01 really took place on Tuesday 20/01
    new = services.correct_step(old, actor=admin, reason="Ghi nhầm ngày họp", date=D(2026, 1, 20))
    old.refresh_from_db()
    dossier.refresh_from_db()
    assert old.superseded and not new.superseded
    assert (old.date, new.date) == (D(2026, 1, 17), D(2026, 1, 20))
    assert Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE) == new
    assert Step.history.filter(dossier=dossier, stage=Stage.CELL_VOTE).count() == 2
    assert dossier.next_deadline > before  # two working days later (Mon 19, Tue 20)
    correction = StepCorrection.objects.get(step=old)
    assert (correction.replacement, correction.kind) == (new, "corrected")
    event = AuditEvent.objects.get(action="admissions.step.corrected")
    assert event.data["reason"] == "Ghi nhầm ngày họp"
    assert event.data["changed"]["date"] == ["2026-01-17", "2026-01-20"]


def test_a_correction_keeps_the_order_of_the_steps_and_needs_a_reason(cell, admin):
    dossier = dossier_at(cell, admin, Stage.GRASSROOTS_VOTE)
    vote = Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE)
    with pytest.raises(DomainError) as caught:
        services.correct_step(vote, actor=admin, reason="Sai ngày", date=D(2026, 1, 25))
    assert caught.value.rule == "step_date_order"
    with pytest.raises(DomainError) as caught:
        services.correct_step(vote, actor=admin, reason="  ", date=D(2026, 1, 16))
    assert caught.value.rule == "correction_reason"
    # a vote that passed cannot be corrected into one that fails
    with pytest.raises(DomainError) as caught:
        services.correct_step(vote, actor=admin, reason="Sai số phiếu", votes_for=1)
    assert caught.value.rule == "cell_vote_fraction"
    assert "cần ít nhất" in caught.value.message
    assert Step.history.filter(dossier=dossier).count() == 8
    assert not StepCorrection.objects.exists()


def test_cancelling_the_latest_step_goes_back_one_stage_and_off_the_decision_list(
    cell, admin, persona_tree
):
    dossier = dossier_at(cell, admin, Stage.GRASSROOTS_VOTE)
    step = Step.objects.get(dossier=dossier, stage=Stage.GRASSROOTS_VOTE)
    # only the latest step may be cancelled
    with pytest.raises(DomainError) as caught:
        services.cancel_step(
            Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE), actor=admin, reason="Nhầm"
        )
    assert caught.value.rule == "cancel_latest_only"
    services.cancel_step(step, actor=admin, reason="Ghi nhầm: đảng ủy chưa họp")
    dossier.refresh_from_db()
    assert dossier.stage == Stage.CELL_VOTE
    # the grassroots committee (X01) is the one to act again, on the commune office's worklist
    office = persona_tree.users["grassroots_office"]
    url = reverse("admissions:dossier-detail", args=[dossier.pk])
    items = [
        i
        for i in collect(office, D(2026, 6, 30)) + collect_waiting(office, D(2026, 6, 30))
        if i.url == url
    ]
    assert [item.organisation.code for item in items] == ["X01"]
    # the grassroots vote may be recorded again
    services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 1, 25),
        actor=admin,
        votes_eligible=9,
        votes_for=9,
    )
    dossier.refresh_from_db()
    assert dossier.stage == Stage.GRASSROOTS_VOTE
    assert Step.history.filter(dossier=dossier, stage=Stage.GRASSROOTS_VOTE).count() == 2


def test_cancelling_the_introduction_withdraws_its_introducers(cell, admin):
    dossier = dossier_at(cell, admin, Stage.INTRODUCTION)
    step = Step.objects.get(dossier=dossier, stage=Stage.INTRODUCTION)
    services.cancel_step(step, actor=admin, reason="Người giới thiệu ghi nhầm")
    introducers = Participant.objects.filter(dossier=dossier, role="introducer")
    assert introducers.count() == 2
    assert all(p.withdrawn for p in introducers)
    # the same introducers may be named again
    services.record_step(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 1, 20),
        actor=admin,
        introducers=[{"person": p.person, "months_together": 24} for p in introducers],
    )
    assert Participant.objects.filter(dossier=dossier, withdrawn=False).count() == 2


def test_the_first_step_is_not_cancelled_and_a_cell_secretary_cannot_correct_a_committee_step(
    cell, admin, branch_secretary
):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    first = Step.objects.get(dossier=dossier, stage=Stage.OUTSTANDING)
    with pytest.raises(DomainError):
        services.cancel_step(first, actor=admin, reason="Nhầm")
    verification = Step.objects.get(dossier=dossier, stage=Stage.VERIFICATION)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cancel_step(verification, actor=branch_secretary, reason="Nhầm")
    assert not StepCorrection.objects.exists()


def test_the_dossier_page_shows_the_old_value_struck_through_with_the_reason(
    cell, admin, client_for
):
    dossier = dossier_at(cell, admin, Stage.OPINIONS)
    step = Step.objects.get(dossier=dossier, stage=Stage.OPINIONS)
    client = client_for("national_admin")
    response = client.post(
        reverse("admissions:step-correct", args=[step.pk]),
        {"reason": "Sai số văn bản", "document_number": "5-KNĐ/2026"},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã sửa bước" in html
    assert f'id="step-{step.pk}"' in html
    assert "superseded-step" in html
    assert "Sai số văn bản" in html
    assert "5-KNĐ/2026" in html
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.OPINIONS


def test_the_same_introducer_twice_is_named(cell, admin):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    official = make_officials(cell, 1)[0]
    with pytest.raises(DomainError) as caught:
        services.record_step(
            dossier,
            stage=Stage.INTRODUCTION,
            date=D(2026, 1, 20),
            actor=admin,
            introducers=[{"person": official, "months_together": 24}] * 2,
        )
    assert "được nhập hai lần làm người giới thiệu" in caught.value.message
    assert str(official) in caught.value.message
    assert "đã nhập 2 người" not in caught.value.message


def test_a_failed_cell_vote_states_the_votes_needed_and_the_form_shows_the_count(
    cell, admin, client_for
):
    dossier = dossier_at(cell, admin, Stage.OPINIONS)
    make_officials(cell, 16)  # 2 introducers + 16 = 18 official members
    page = client_for("national_admin").get(reverse("admissions:dossier-detail", args=[dossier.pk]))
    html = page.content.decode()
    assert 'id="vote-info"' in html
    assert "Chi bộ có 18 đảng viên chính thức ngày 30/06/2026" in html
    assert "cần ít nhất 12/18 phiếu tán thành, bằng 2/3 số đảng viên chính thức" in html
    vote = services.record_step(
        dossier, stage=Stage.CELL_VOTE, date=D(2026, 1, 25), actor=admin, votes_for=11
    )
    text = services.describe_failed_vote(vote)
    assert "11/18" in text
    assert "cần ít nhất 12/18 phiếu tán thành, bằng 2/3 số đảng viên chính thức" in text
    assert "còn 2 lần" in text
