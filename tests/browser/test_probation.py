"""A probationary member taken to official through the probation page, as the committee would."""

import datetime as dt

import pytest

from dangvien.members import services
from dangvien.members.choices import MemberStatus, RecognitionStage
from dangvien.members.models import Membership
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_probationary_member_becomes_official_from_the_end_of_the_twelve_months(
    page_as, persona_tree, shot
):
    cell = persona_tree.branch
    officials = [make_member(cell, full_name=f"Đảng viên {n}") for n in ("Một", "Hai", "Ba")]
    actor = persona_tree.users["national_admin"]
    member = services.admit_member(
        person=PersonFactory(organisation=cell, full_name="Lò Văn Dự Bị"),
        organisation=cell,
        decision_date=dt.date(2024, 8, 25),
        decision_number="123-QĐ/ĐU",
        ceremony_date=dt.date(2024, 9, 15),
        actor=actor,
    )
    make_certificate(member, on=dt.date(2025, 3, 1))

    # the cell secretary assigns the helper and records the dossier papers
    page = page_as("branch_secretary")
    page.goto(f"/members/{member.pk}/probation/")
    page.select_option("#helper-helper", str(officials[0].pk))
    page.fill("#helper-start_date", "15/09/2024")
    page.get_by_role("button", name="Phân công").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã phân công người giúp đỡ.").is_visible()
    for stage in ("self_review", "helper_comment", "opinions"):
        page.select_option("#step-stage", stage)
        page.fill("#step-date", "16/09/2025")
        page.get_by_role("button", name="Ghi", exact=True).click()
        page.wait_for_load_state()
    shot(page, "probation-before-vote")

    # a vote before the 12 months end is refused with the rule, nothing recorded
    page.select_option("#step-stage", "cell_vote")
    page.fill("#step-date", "14/09/2025")
    page.fill("#step-votes_for", "3")
    page.get_by_role("button", name="Ghi", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("hết 12 tháng dự bị", exact=False).first.is_visible()
    shot(page, "probation-vote-refused")

    page.select_option("#step-stage", "cell_vote")
    page.fill("#step-date", "01/10/2025")
    page.fill("#step-votes_for", "3")
    page.get_by_role("button", name="Ghi", exact=True).click()
    page.wait_for_load_state()

    # the grassroots committee's resolution is recorded by its office (step authority)
    office = page_as("grassroots_office")
    office.goto(f"/members/{member.pk}/probation/")
    office.select_option("#step-stage", "grassroots_resolution")
    office.fill("#step-date", "20/10/2025")
    office.fill("#step-document_number", "15-NQ/ĐU")
    office.get_by_role("button", name="Ghi", exact=True).click()
    office.wait_for_load_state()
    assert office.get_by_text("Đã ghi bước công nhận chính thức.").is_visible()

    # the superior committee decides in November
    board = page_as("region_officer")
    board.goto(f"/members/{member.pk}/probation/")
    board.fill("#decision-date", "20/11/2025")
    board.fill("#decision-decision_number", "45-QĐ/ĐU")
    board.get_by_role("button", name="Công nhận chính thức").click()
    board.wait_for_load_state()
    assert board.locator("#member-status").inner_text() == "Đảng viên chính thức"
    assert board.locator("#official-date").inner_text() == "15/09/2025"
    shot(board, "probation-official")

    board.goto(f"/members/{member.pk}/")
    timeline = board.locator("#timeline").inner_text()
    assert "Quyết định công nhận đảng viên chính thức" in timeline
    assert "Nghị quyết chi bộ (13-KNĐ)" in timeline
    shot(board, "member-timeline")

    member = Membership.objects.get(pk=member.pk)
    assert member.status == MemberStatus.OFFICIAL
    assert member.official_date == dt.date(2025, 9, 15)
    assert member.recognition_steps.filter(stage=RecognitionStage.CELL_VOTE, passed=True).exists()
