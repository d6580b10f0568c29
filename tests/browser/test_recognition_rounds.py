"""A failed recognition vote is a way forward: the cell secretary sees the votes needed before
entering the result, a failed vote is shown as failed (a warning naming the 12 of 18 needed,
never a green "recorded"), the cell votes a second and a third time, then the case goes up to
the superior committee, which finds it on its worklist and decides not to recognise (removal,
with its decision number)."""

import datetime as dt

import pytest

from dangvien.members import services
from dangvien.members.choices import MemberStatus, RecognitionStage
from dangvien.members.models import Membership
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _vote(page, day: str, votes_for: str) -> None:
    page.select_option("#step-stage", "cell_vote")
    page.fill("#step-date", day)
    page.fill("#step-document_number", "13-NQ/CB")
    page.fill("#step-votes_for", votes_for)
    page.get_by_role("button", name="Ghi", exact=True).click()
    page.wait_for_load_state()


def test_failed_recognition_votes_then_the_superior_decides(page_as, persona_tree, shot):
    cell = persona_tree.branch
    for n in range(18):
        make_member(cell, full_name=f"Đảng viên số {n + 1}")
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
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            member, stage=stage, date=dt.date(2025, 9, 16), actor=actor
        )

    # before entering the result, the form shows the 18 official members and the 12 needed
    page = page_as("branch_secretary")
    page.goto(f"/members/{member.pk}/probation/")
    denominator = page.locator("#vote-denominator").inner_text()
    assert "Chi bộ có 18 đảng viên chính thức" in denominator
    assert "cần ít nhất 12/18 phiếu tán thành, bằng 2/3 số đảng viên chính thức" in denominator
    shot(page, "recognition-before-vote")

    # round 1: 11 of 18 — recorded as failed, with what was needed and what may follow
    _vote(page, "01/10/2025", "11")
    warning = page.locator(".alert-warning").inner_text()
    assert "Chi bộ biểu quyết lần 1 không đạt: 11/18 tán thành" in warning
    assert "cần ít nhất 12/18 phiếu tán thành" in warning
    assert "còn 2 lần" in warning
    assert page.locator(".alert-success").count() == 0
    assert "Lần 1 · 01/10/2025 · không đạt" in page.locator("#vote-rounds").inner_text()
    shot(page, "recognition-round-1-failed")

    # round 2 is allowed (the rule set allows three rounds); it fails again
    _vote(page, "08/10/2025", "11")
    assert "lần 2 không đạt" in page.locator(".alert-warning").inner_text()
    shot(page, "recognition-round-2-failed")

    # round 3 fails: the case goes up to the superior committee; the cell's form is gone
    _vote(page, "15/10/2025", "10")
    warning = page.locator(".alert-warning").inner_text()
    assert "đã biểu quyết 3 lần không đạt" in warning
    assert "báo cáo cấp ủy cấp trên" in warning
    assert page.locator("#escalated").is_visible()
    assert page.locator("#step-stage").count() == 0
    shot(page, "recognition-escalated-cell-view")

    # the superior committee (the province board in the persona tree) finds it on its worklist
    board = page_as("region_officer")
    board.goto("/admissions/worklist/")
    worklist = board.locator("body").inner_text()
    assert "Lò Văn Dự Bị" in worklist
    assert "chi bộ biểu quyết 3 lần không đạt" in worklist
    shot(board, "recognition-escalated-worklist")

    # and decides not to recognise: removal from the list, with its decision number
    board.goto(f"/members/{member.pk}/probation/")
    assert board.locator("details[open] summary", has_text="xóa tên").count() == 1
    board.fill("#removal-date", "03/11/2025")
    board.fill("#removal-decision_number", "45-QĐ/TU")
    board.fill("#removal-reason", "Chi bộ biểu quyết 3 lần không đạt 2/3")
    board.get_by_role("button", name="Xóa tên").click()
    board.wait_for_load_state()
    assert board.locator("#member-status").inner_text() == "Xóa tên"
    shot(board, "recognition-removed")

    member = Membership.objects.get(pk=member.pk)
    assert member.status == MemberStatus.REMOVED
    assert member.recognition_steps.filter(stage=RecognitionStage.CELL_VOTE).count() == 3
    decision = member.recognition_steps.get(stage=RecognitionStage.DECISION)
    assert (decision.passed, decision.document_number) == (False, "45-QĐ/TU")
