"""A failed round of a vote recorded wrong is corrected by a new row for the same round, or
cancelled, with a reason; the old row stays (history); rounds and escalation follow; the API
answers a repeated request with the row already made (issue 14, item 2)."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dangvien.admissions import services
from dangvien.admissions.choices import Stage
from dangvien.admissions.models import Dossier, FailedVote
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.people.tests.factories import PersonFactory

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def voted(cell, admin):
    person = PersonFactory(organisation=cell, date_of_birth=D(1998, 3, 15))
    dossier = services.open_dossier(
        person=person, organisation=cell, date=D(2026, 1, 5), actor=admin
    )
    return walk(
        dossier,
        to=Stage.CELL_VOTE,
        actor=admin,
        start=D(2026, 1, 12),
        introducers=make_officials(cell, 2),
        certificate=make_certificate(person, cell, D(2026, 1, 10)),
    )


def fail(dossier, admin, day, votes_for=2):
    return services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=day,
        votes_eligible=9,
        votes_for=votes_for,
        votes_against=9 - votes_for,
        document_number="8-KNĐ",
        actor=admin,
    )


def test_a_failed_round_is_corrected_by_a_new_row_for_the_same_round(cell, admin):
    dossier = voted(cell, admin)
    vote = fail(dossier, admin, D(2026, 2, 2))
    new = services.correct_failed_vote(
        vote, actor=admin, reason="Ghi nhầm số phiếu", votes_for=5, votes_against=4
    )
    vote.refresh_from_db()
    assert vote.superseded and vote.votes_for == 2
    assert vote.superseded_reason == "Ghi nhầm số phiếu"
    assert (new.round, new.votes_for, new.corrects) == (1, 5, vote)
    assert list(FailedVote.objects.filter(dossier=dossier)) == [new]
    assert FailedVote.history.filter(dossier=dossier).count() == 2
    event = AuditEvent.objects.get(action="admissions.vote.corrected")
    assert event.data["changed"]["votes_for"] == ["2", "5"]
    # a corrected vote that in fact passed is not turned into a passed step here
    with pytest.raises(DomainError, match="hủy lần biểu quyết"):
        services.correct_failed_vote(new, actor=admin, reason="Nhầm", votes_for=7, votes_against=2)
    # the committee's total keeps within the rule set's bound
    with pytest.raises(DomainError) as caught:
        services.correct_failed_vote(new, actor=admin, reason="Nhầm", votes_eligible=99999)
    assert caught.value.rule == "committee_max_members"
    with pytest.raises(DomainError) as caught:
        services.correct_failed_vote(new, actor=admin, reason="  ")
    assert caught.value.rule == "correction_reason"


def test_cancelling_the_escalating_round_lifts_the_escalation(cell, admin):
    dossier = voted(cell, admin)
    rounds = [fail(dossier, admin, D(2026, 2, day)) for day in (2, 9, 16)]
    dossier.refresh_from_db()
    assert dossier.escalated
    with pytest.raises(DomainError) as caught:
        services.cancel_failed_vote(rounds[0], actor=admin, reason="Nhầm")
    assert caught.value.rule == "cancel_latest_only"
    services.cancel_failed_vote(rounds[2], actor=admin, reason="Không họp lần ba")
    dossier.refresh_from_db()
    assert not dossier.escalated
    assert FailedVote.objects.filter(dossier=dossier).count() == 2
    # the next round is the third again; the cancelled one stays in the history
    again = fail(dossier, admin, D(2026, 2, 23))
    assert again.round == 3
    assert FailedVote.history.filter(dossier=dossier, round=3).count() == 2


def test_a_cell_secretary_may_not_correct_the_committees_vote(cell, admin, persona_tree):
    dossier = voted(cell, admin)
    vote = fail(dossier, admin, D(2026, 2, 2))
    with pytest.raises(PermissionDenied):
        services.correct_failed_vote(
            vote, actor=persona_tree.users["branch_secretary"], reason="Nhầm", votes_for=3
        )


def test_the_api_answers_a_repeated_correction_with_the_row_already_made(cell, admin, client_for):
    dossier = voted(cell, admin)
    vote = fail(dossier, admin, D(2026, 2, 2))
    client = client_for("national_admin")
    url = f"/api/v1/admissions/failed-votes/{vote.pk}/correct"
    body = json.dumps({"reason": "Ghi nhầm số phiếu", "votes_for": 3, "votes_against": 6})
    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert FailedVote.history.filter(dossier=dossier).count() == 2
    cancel = f"/api/v1/admissions/failed-votes/{first.json()['id']}/cancel"
    answers = [
        client.post(cancel, json.dumps({"reason": "Nhầm"}), content_type="application/json")
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert FailedVote.objects.filter(dossier=dossier).count() == 0


def test_the_dossier_page_shows_the_corrected_round_struck_through(cell, admin, client_for):
    dossier = voted(cell, admin)
    vote = fail(dossier, admin, D(2026, 2, 2))
    client = client_for("national_admin")
    answer = client.post(
        reverse("admissions:failed-vote-correct", args=[vote.pk]),
        {"reason": "Ghi nhầm số phiếu", "votes_for": 3, "votes_against": 6},
    )
    assert answer.status_code == 302
    page = client.get(reverse("admissions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Đã sửa: Ghi nhầm số phiếu" in page
    assert "Sửa hoặc hủy lần biểu quyết này" in page
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.CELL_VOTE


def test_a_repeated_step_correction_answers_the_replacement(cell, admin, client_for):
    from dangvien.admissions.models import Step

    dossier = voted(cell, admin)
    step = Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE)
    client = client_for("national_admin")
    url = f"/api/v1/admissions/steps/{step.pk}/correct"
    body = json.dumps({"reason": "Ghi nhầm số văn bản", "document_number": "6-KNĐ/2"})
    answers = [client.post(url, body, content_type="application/json") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    other = json.dumps({"reason": "Nhầm", "document_number": "6-KNĐ/3"})
    assert client.post(url, other, content_type="application/json").status_code == 400
