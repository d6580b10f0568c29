"""A failed recognition vote is a way forward, not a dead end: it is recorded as failed, the cell
votes again as many times as the rule set allows (``failed_votes_escalate_after``), then the
superior committee decides — recognise, or remove from the list with its decision number. The
denominator is the cell's official members on the vote's date."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.core.worklist import collect, collect_waiting
from dangvien.members import services
from dangvien.members.choices import MemberStatus, RecognitionStage
from dangvien.members.models import MembershipEvent, RecognitionStep
from dangvien.members.selectors import count_official_members_on
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CEREMONY = dt.date(2024, 9, 15)
TODAY = dt.date(2025, 12, 1)


@pytest.fixture
def cell(persona_tree):
    # eighteen official members: a vote needs 12 (2/3 of all official members)
    for _n in range(18):
        make_member(persona_tree.branch)
    return persona_tree.branch


@pytest.fixture
def probationer(cell, branch_secretary):
    member = services.admit_member(
        person=PersonFactory(organisation=cell, full_name="Lò Văn Dự"),
        organisation=cell,
        decision_date=dt.date(2024, 8, 25),
        decision_number="123-QĐ/ĐU",
        ceremony_date=CEREMONY,
        actor=branch_secretary,
    )
    make_certificate(member, on=dt.date(2025, 3, 1))
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            member, stage=stage, date=dt.date(2025, 9, 16), actor=branch_secretary
        )
    return member


def _vote(member, actor, day, votes_for):
    return services.record_recognition_step(
        member, stage=RecognitionStage.CELL_VOTE, date=day, votes_for=votes_for, actor=actor
    )


def _next_item(user, member):
    url = reverse("members:member-probation", args=[member.pk])
    items = [
        item for item in collect(user, TODAY) + collect_waiting(user, TODAY) if item.url == url
    ]
    assert len(items) == 1, items
    return items[0]


@time_machine.travel(TODAY)
def test_a_failed_vote_says_what_was_needed_and_a_second_round_is_allowed(
    probationer, branch_secretary, persona_tree
):
    grassroots_office = persona_tree.users["grassroots_office"]
    # given 18 official members, 11 votes for
    first = _vote(probationer, branch_secretary, dt.date(2025, 10, 1), 11)
    # then the vote is recorded as failed (round 1) and says what it needed
    assert (first.passed, first.round, first.votes_eligible) == (False, 1, 18)
    text = services.describe_recognition_vote(first)
    assert "11/18" in text
    assert "cần ít nhất 12/18 phiếu tán thành, bằng 2/3 số đảng viên chính thức" in text
    assert "còn 2 lần" in text
    # the cell is the one to act: another round
    item = _next_item(branch_secretary, probationer)
    assert item.kind in {"members.recognition_revote", "members.recognition_overdue"}
    assert item.organisation == probationer.organisation
    # when the second round reaches 12 of 18
    second = _vote(probationer, branch_secretary, dt.date(2025, 10, 8), 12)
    assert (second.passed, second.round) == (True, 2)
    # then the grassroots committee (the commune) is next, on the commune office's worklist
    item = _next_item(grassroots_office, probationer)
    assert item.organisation.code == "X01"
    assert item.kind in {"members.recognition_committee", "members.recognition_overdue"}
    # a third round after a vote that passed is refused
    with pytest.raises(DomainError) as caught:
        _vote(probationer, branch_secretary, dt.date(2025, 10, 9), 18)
    assert caught.value.rule == "recognition_step_once"


@time_machine.travel(TODAY)
def test_after_the_rounds_the_superior_decides_not_to_recognise(
    probationer, branch_secretary, region_officer
):
    for n, day in enumerate((dt.date(2025, 10, 1), dt.date(2025, 10, 8), dt.date(2025, 10, 15))):
        step = _vote(probationer, branch_secretary, day, 11)
        assert (step.passed, step.round) == (False, n + 1)
    assert services.recognition_escalated(probationer)
    assert "báo cáo cấp ủy cấp trên" in services.describe_recognition_vote(step)
    # a fourth round is refused, with the rule and the limit
    with pytest.raises(DomainError) as caught:
        _vote(probationer, branch_secretary, dt.date(2025, 10, 20), 12)
    assert caught.value.rule == "failed_votes_escalate_after"
    assert caught.value.found == 3
    assert "tối đa 3 lần" in caught.value.message
    # the deciding committee is the one to act: in 2025 after 1/7, under 294-QĐ/TW, the
    # commune-level committee X01 (rule set superior_committee_kinds; before, the district)
    item = _next_item(region_officer, probationer)
    assert item.organisation.code == "X01"
    assert "3 lần không đạt" in item.label
    # not recognising needs the decision number
    with pytest.raises(DomainError) as caught:
        services.remove_probationary(
            probationer,
            date=dt.date(2025, 11, 3),
            decision_number=" ",
            reason="Không đủ tư cách",
            actor=region_officer,
        )
    assert caught.value.rule == "decision_number_required"
    member = services.remove_probationary(
        probationer,
        date=dt.date(2025, 11, 3),
        decision_number="45-QĐ/TU",
        reason="Chi bộ biểu quyết 3 lần không đạt",
        actor=region_officer,
    )
    assert member.status == MemberStatus.REMOVED
    decision = RecognitionStep.objects.get(membership=member, stage=RecognitionStage.DECISION)
    assert (decision.passed, decision.document_number) == (False, "45-QĐ/TU")
    # removed: no longer on any worklist as a probationer
    url = reverse("members:member-probation", args=[member.pk])
    assert not [i for i in collect_waiting(region_officer, TODAY) if i.url == url]


@time_machine.travel(TODAY)
def test_after_the_rounds_the_superior_may_recognise_on_the_report(
    probationer, branch_secretary, region_officer
):
    for day in (dt.date(2025, 10, 1), dt.date(2025, 10, 8), dt.date(2025, 10, 15)):
        _vote(probationer, branch_secretary, day, 11)
    # the grassroots resolution needs a vote that passed: refused
    with pytest.raises(DomainError):
        services.record_recognition_step(
            probationer,
            stage=RecognitionStage.GRASSROOTS_RESOLUTION,
            date=dt.date(2025, 10, 20),
            actor=region_officer,
        )
    member = services.recognise_official(
        probationer, date=dt.date(2025, 11, 3), decision_number="46-QĐ/TU", actor=region_officer
    )
    assert member.status == MemberStatus.OFFICIAL
    assert member.official_date == dt.date(2025, 9, 15)  # the end of the 12 months
    event = AuditEvent.objects.filter(action="members.membership.recognised").latest("pk")
    assert event.data["escalated"] is True


@time_machine.travel(TODAY)
def test_a_second_round_cannot_be_dated_before_the_first(probationer, branch_secretary):
    _vote(probationer, branch_secretary, dt.date(2025, 10, 8), 11)
    with pytest.raises(DomainError) as caught:
        _vote(probationer, branch_secretary, dt.date(2025, 10, 1), 12)
    assert caught.value.rule == "recognition_order"
    assert RecognitionStep.objects.filter(stage=RecognitionStage.CELL_VOTE).count() == 1


@time_machine.travel(TODAY)
def test_the_denominator_is_the_count_on_the_vote_date_not_today(
    cell, probationer, branch_secretary, persona_tree
):
    # given a member who became official in November, after the vote of 01/10/2025
    late = make_member(cell, decision_date=dt.date(2024, 10, 1), official_date=dt.date(2025, 11, 1))
    # and a member who moved to another cell on 01/11/2025, after the vote
    moved = make_member(cell)
    MembershipEvent.objects.create(
        membership=moved,
        status=MemberStatus.OFFICIAL,
        kind="transfer",
        organisation=persona_tree.branch_two,
        date=dt.date(2025, 11, 1),
    )
    moved.organisation = persona_tree.branch_two
    moved.save(update_fields=["organisation"])
    # on the vote's date the cell had 18 + the one who moved away later = 19 official members
    assert count_official_members_on(cell, dt.date(2025, 10, 1), exclude=probationer) == 19
    # today it has 18 + the one recognised in November = 19 as well, but not the same people
    assert count_official_members_on(cell, TODAY, exclude=probationer) == 19
    assert count_official_members_on(cell, dt.date(2025, 10, 31)) == 19
    assert late.official_date == dt.date(2025, 11, 1)
    vote = _vote(probationer, branch_secretary, dt.date(2025, 10, 1), 13)
    assert vote.votes_eligible == 19
    assert vote.passed is True


@time_machine.travel(TODAY)
def test_the_probation_page_shows_the_denominator_and_the_failed_round(
    probationer, branch_secretary, client_for
):
    client = client_for("branch_secretary")
    page = client.get(reverse("members:member-probation", args=[probationer.pk]))
    html = page.content.decode()
    assert "Chi bộ có <strong>18</strong> đảng viên chính thức ngày 01/12/2025" in html
    assert "cần ít nhất 12/18 phiếu tán thành" in html
    response = client.post(
        reverse("members:recognition-step", args=[probationer.pk]),
        {"stage": "cell_vote", "date": "01/10/2025", "votes_for": "11"},
        follow=True,
    )
    html = response.content.decode()
    assert "alert-warning" in html
    assert "Chi bộ biểu quyết lần 1 không đạt: 11/18 tán thành" in html
    assert "Đã ghi bước" not in html
    assert 'id="vote-rounds"' in html
