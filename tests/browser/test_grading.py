"""A cell secretary fills the cell's grading sheet for a quarter from the keyboard, a bad score
is refused in the page with nothing saved, then the grassroots office approves the sheet and
the report shows the distribution."""

import pytest

from dangvien.grading.choices import Grade, MemberStep
from dangvien.grading.models import MemberGrade
from dangvien.members.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ("Lò Văn An", "Lò Văn Bình", "Lò Văn Cường", "Lò Văn Dũng", "Lò Văn Hải")


def test_secretary_fills_a_quarter_sheet_and_the_office_approves_it(page_as, persona_tree, shot):
    members = [make_member(persona_tree.branch, full_name=name) for name in NAMES]

    page = page_as("branch_secretary")
    page.goto("/grading/")  # the secretary's home is the cell: straight to its sheet
    page.get_by_role("link", name="2025", exact=True).click()
    page.wait_for_load_state()
    page.locator("#period-3").click()  # Quý III
    page.wait_for_load_state()
    assert "Quý III năm 2025" in page.locator("caption").inner_text()

    # type down the column, as on paper: the first score box has the focus, Enter moves down
    first = page.locator(".score-input").first
    expect_focus = first.evaluate("el => el === document.activeElement")
    assert expect_focus
    for score in ("92", "85,5", "71", "120", "45"):
        page.keyboard.type(score)
        page.keyboard.press("Enter")
    # the first member was disciplined in the quarter: 92 gives HTT, not HTXS
    page.locator(f'input[name="disciplined_{members[0].pk}"]').check()
    previews = page.locator(".grade-preview").all_inner_texts()
    assert previews == ["HTT", "HTT", "HTT", "?", "KHT"]
    shot(page, "grading-sheet-typed")

    page.locator("#sheet-save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Chưa lưu bảng xếp loại: 1 dòng có lỗi", exact=False).is_visible()
    assert page.locator(f"#error-{members[3].pk}").inner_text() == (
        "Điểm 120 nằm ngoài thang điểm; cần từ 0 đến 100."
    )
    assert page.locator(f'input[name="score_{members[1].pk}"]').input_value() == "85,5"
    assert not MemberGrade.objects.exists()
    shot(page, "grading-sheet-refused")

    page.locator(f'input[name="score_{members[3].pk}"]').fill("65")
    page.locator("#sheet-note").fill("Biên bản họp chi bộ ngày 02/10/2025")
    page.locator("#sheet-save").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Đã lưu bước «Chi bộ đề xuất», Quý III năm 2025: 5 dòng", exact=False
    ).is_visible()
    assert MemberGrade.objects.filter(quarter=3, step=MemberStep.CELL_PROPOSAL).count() == 5
    shot(page, "grading-sheet-saved")

    # the grassroots office opens the approval step: the cell's proposal is filled in
    office = page_as("grassroots_office")
    office.goto(f"/grading/cells/{persona_tree.branch.pk}/?year=2025&quarter=3&step=approval")
    assert office.locator(f'input[name="score_{members[1].pk}"]').input_value() == "85,5"
    office.locator("#sheet-save").click()
    office.wait_for_load_state()
    approved = MemberGrade.objects.filter(quarter=3, step=MemberStep.APPROVAL)
    assert sorted(approved.values_list("grade", flat=True)) == sorted(
        [Grade.HTT, Grade.HTT, Grade.HTT, Grade.HT, Grade.KHT]
    )
    shot(office, "grading-sheet-approved")

    office.goto(f"/reports/grading/?org={persona_tree.commune_north.pk}&year=2025&quarter=3")
    assert office.locator("#members-total").inner_text() == "5"
    assert office.locator("#members-htt").inner_text() == "3"
    shot(office, "grading-report-quarter")
    office.locator("#members-kht").click()
    office.wait_for_load_state()
    assert office.locator("#record-count").inner_text() == "1 người"
    assert office.get_by_text("Lò Văn Hải").is_visible()


def test_demo_grading_report_of_the_province(page_as, persona_tree, shot):
    from django.core.management import call_command

    from dangvien.accounts.models import User

    call_command("seed_demo", "--small", verbosity=0)
    page = page_as(User.objects.get(username="nguoixem"))  # the demo's viewer on the province
    page.goto("/reports/grading/?org=DB&year=2025")
    graded = int(page.locator("#members-graded").inner_text().replace(".", ""))
    assert graded > 0
    assert int(page.locator("#members-htt").inner_text().replace(".", "")) > 0
    shot(page, "grading-report-demo-2025")
