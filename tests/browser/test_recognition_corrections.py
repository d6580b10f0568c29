"""A recognition vote entered wrong is corrected on the probation page (the wrong row kept,
struck through, with the reason), and the committee's resolution (15-KNĐ) is entered over the
committee's members, in its own fields."""

import datetime as dt

import pytest

from dangvien.members import services
from dangvien.members.choices import RecognitionStage
from dangvien.members.models import RecognitionStep
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_wrong_vote_is_corrected_then_the_committee_resolves(page_as, persona_tree, shot):
    cell = persona_tree.branch
    for n in range(18):
        make_member(cell, full_name=f"Đảng viên số {n + 1}")
    actor = persona_tree.users["national_admin"]
    member = services.admit_member(
        person=PersonFactory(organisation=cell, full_name="Lò Văn Sửa"),
        organisation=cell,
        decision_date=dt.date(2024, 8, 25),
        decision_number="123-QĐ/ĐU",
        ceremony_date=dt.date(2024, 9, 15),
        actor=actor,
    )
    make_certificate(member, on=dt.date(2025, 3, 1))
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            member, stage=stage, date=dt.date(2025, 9, 16), actor=actor
        )
    vote = services.record_recognition_step(
        member,
        stage=RecognitionStage.CELL_VOTE,
        date=dt.date(2025, 10, 1),
        votes_for=1,
        actor=actor,
    )
    assert vote.passed is False

    page = page_as("region_officer")
    page.goto(f"/members/{member.pk}/probation/")
    page.locator(f"#rstep-{vote.pk}").wait_for()
    row_details = page.locator("#recognition-history details").filter(
        has=page.locator(f"#rfix-{vote.pk}-reason")
    )
    row_details.locator("summary").click()
    page.fill(f"#rfix-{vote.pk}-votes_for", "15")
    page.fill(f"#rfix-{vote.pk}-reason", "Ghi nhầm số tán thành (15, không phải 1)")
    row_details.get_by_role("button", name="Sửa", exact=True).click()
    page.wait_for_load_state()
    assert "Đã sửa bước công nhận chính thức" in page.locator(".alert-success").inner_text()
    history = page.locator("#recognition-history").inner_text()
    assert "Đã sửa: Ghi nhầm số tán thành (15, không phải 1)" in history
    assert "15/18 đạt" in history
    shot(page, "recognition-vote-corrected")

    # the committee's resolution: its own total (committee members), not the cell's
    page.select_option("#step-stage", "grassroots_resolution")
    page.fill("#step-date", "08/10/2025")
    page.fill("#step-document_number", "15-NQ/ĐU")
    assert "cấp ủy viên" in page.locator("label[for=step-committee_total]").inner_text()
    page.fill("#step-committee_total", "9")
    page.fill("#step-committee_for", "8")
    shot(page, "recognition-committee-resolution-form")
    page.get_by_role("button", name="Ghi", exact=True).click()
    page.wait_for_load_state()
    resolution = RecognitionStep.objects.get(
        membership=member, stage=RecognitionStage.GRASSROOTS_RESOLUTION
    )
    assert (resolution.votes_eligible, resolution.votes_for, resolution.passed) == (9, 8, True)
    shot(page, "recognition-committee-resolution-recorded")
