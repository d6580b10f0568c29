"""Recognition steps recorded wrong are corrected by a new row or cancelled, with a reason;
the grassroots committee's resolution (15-KNĐ) counts its votes over the COMMITTEE's members;
card and transfer corrections over the API answer a repeated request with the row made."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members import services
from dangvien.members.choices import RecognitionStage, TransferKind
from dangvien.members.models import PartyCard, RecognitionStep, Transfer
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 12, 1)


@pytest.fixture
def probationer(persona_tree, branch_secretary):
    for _n in range(3):
        make_member(persona_tree.branch)
    person = PersonFactory(organisation=persona_tree.branch, full_name="Lò Văn Dự")
    membership = services.admit_member(
        person=person,
        organisation=persona_tree.branch,
        decision_date=dt.date(2024, 8, 25),
        decision_number="123-QĐ/ĐU",
        ceremony_date=dt.date(2024, 9, 15),
        actor=branch_secretary,
    )
    make_certificate(membership, on=dt.date(2025, 3, 1))
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            membership, stage=stage, date=dt.date(2025, 9, 16), actor=branch_secretary
        )
    return membership


def _vote(membership, actor, votes_for, day=dt.date(2025, 10, 1)):
    return services.record_recognition_step(
        membership, stage=RecognitionStage.CELL_VOTE, date=day, votes_for=votes_for, actor=actor
    )


@time_machine.travel(TODAY)
def test_a_failed_cell_vote_entered_wrong_is_corrected_to_the_vote_that_passed(
    probationer, branch_secretary, region_officer
):
    vote = _vote(probationer, branch_secretary, 1)
    assert vote.passed is False
    new = services.correct_recognition_step(
        vote, actor=branch_secretary, reason="Ghi nhầm số tán thành", votes_for=3
    )
    vote.refresh_from_db()
    assert vote.superseded and vote.votes_for == 1 and vote.passed is False
    assert (new.passed, new.round, new.corrects) == (True, 1, vote)
    # the committee's resolution can follow now: the way forward the wrong entry had closed
    resolution = services.record_recognition_step(
        probationer,
        stage=RecognitionStage.GRASSROOTS_RESOLUTION,
        date=dt.date(2025, 10, 8),
        votes_eligible=9,
        votes_for=7,
        actor=region_officer,
    )
    assert (resolution.passed, resolution.votes_eligible) == (True, 9)
    # a corrected vote that would contradict the resolution is refused
    with pytest.raises(DomainError) as caught:
        services.correct_recognition_step(new, actor=region_officer, reason="Nhầm", votes_for=1)
    assert caught.value.rule == "recognition_order"
    assert AuditEvent.objects.filter(action="members.recognition_step.corrected").count() == 1


@time_machine.travel(TODAY)
def test_the_committee_resolution_counts_over_the_committee_members(
    probationer, branch_secretary, region_officer
):
    _vote(probationer, branch_secretary, 3)
    with pytest.raises(DomainError) as caught:
        services.record_recognition_step(
            probationer,
            stage=RecognitionStage.GRASSROOTS_RESOLUTION,
            date=dt.date(2025, 10, 8),
            votes_eligible=99999,
            votes_for=9,
            actor=region_officer,
        )
    assert caught.value.rule == "committee_max_members"
    resolution = services.record_recognition_step(
        probationer,
        stage=RecognitionStage.GRASSROOTS_RESOLUTION,
        date=dt.date(2025, 10, 8),
        votes_eligible=9,
        votes_for=5,
        actor=region_officer,
    )
    assert resolution.passed is False  # 5/9 < 2/3 of the committee: no proposal
    with pytest.raises(DomainError, match="kết quả đạt"):
        services.recognise_official(
            probationer, date=dt.date(2025, 10, 20), decision_number="1", actor=region_officer
        )
    services.correct_recognition_step(
        resolution, actor=region_officer, reason="Ghi nhầm số phiếu", votes_for=6
    )
    member = services.recognise_official(
        probationer, date=dt.date(2025, 10, 20), decision_number="45-QĐ", actor=region_officer
    )
    assert member.official_date == dt.date(2025, 9, 15)


@time_machine.travel(TODAY)
def test_cancelling_from_the_latest_step_back(probationer, branch_secretary, region_officer):
    vote = _vote(probationer, branch_secretary, 3)
    resolution = services.record_recognition_step(
        probationer,
        stage=RecognitionStage.GRASSROOTS_RESOLUTION,
        date=dt.date(2025, 10, 8),
        actor=region_officer,
    )
    with pytest.raises(DomainError) as caught:
        services.cancel_recognition_step(vote, actor=branch_secretary, reason="Nhầm")
    assert caught.value.rule == "cancel_latest_only"
    with pytest.raises(PermissionDenied):
        services.cancel_recognition_step(resolution, actor=branch_secretary, reason="Nhầm")
    services.cancel_recognition_step(resolution, actor=region_officer, reason="Ghi nhầm người")
    services.cancel_recognition_step(vote, actor=branch_secretary, reason="Chưa họp")
    assert not probationer.recognition_steps.filter(stage=RecognitionStage.CELL_VOTE).exists()
    assert RecognitionStep.history.filter(membership=probationer, superseded=True).count() == 2
    # the vote can be recorded again (round 1)
    assert _vote(probationer, branch_secretary, 3, day=dt.date(2025, 10, 15)).round == 1


@time_machine.travel(TODAY)
def test_the_probation_page_shows_both_rows_and_the_api_replays(
    probationer, branch_secretary, client_for
):
    vote = _vote(probationer, branch_secretary, 1)
    client = client_for("branch_secretary")
    url = f"/api/v1/members/recognition-steps/{vote.pk}/correct"
    body = json.dumps({"reason": "Ghi nhầm số tán thành", "votes_for": 3})
    first = client.post(url, body, content_type="application/json")
    second = client.post(url, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and first.json()["passed"] is True
    page = client.get(reverse("members:member-probation", args=[probationer.pk]))
    text = page.content.decode()
    assert "Đã sửa: Ghi nhầm số tán thành" in text
    assert "bản sửa" in text


@time_machine.travel(dt.date(2026, 3, 2))
def test_card_and_transfer_corrections_over_the_api(persona_tree, region_officer, client_for):
    member = make_member(persona_tree.branch, full_name="Quàng Văn Chính")
    card = services.issue_card(
        member, number="01000123", decision_date=dt.date(2026, 2, 1), actor=region_officer
    )
    client = client_for("region_officer")
    url = f"/api/v1/members/cards/{card.pk}/correct"
    body = json.dumps({"reason": "Ghi nhầm số thẻ", "number": "01000132"})
    answers = [client.post(url, body, content_type="application/json") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert answers[0].json()["number"] == "01000132"
    assert PartyCard.objects.filter(membership=member).count() == 2
    new_id = answers[0].json()["id"]
    cancel = f"/api/v1/members/cards/{new_id}/cancel"
    answers = [
        client.post(cancel, json.dumps({"reason": "Nhầm"}), content_type="application/json")
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_two,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2026, 2, 25),
        started_on=dt.date(2026, 2, 26),
        actor=region_officer,
    )
    url = f"/api/v1/members/transfers/{transfer.pk}/correct"
    body = json.dumps({"reason": "Ghi nhầm số giấy", "letter_number": "GT-02"})
    answers = [client.post(url, body, content_type="application/json") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert Transfer.objects.filter(membership=member).count() == 2
    refused = client.post(
        url, json.dumps({"reason": "x", "letter_number": "GT-03"}), content_type="application/json"
    )
    assert refused.status_code == 400
