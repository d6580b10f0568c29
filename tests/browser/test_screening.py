"""The cell secretary types a month's dues and attendance down the sheet, the member with three
unpaid months appears on the screening list, the cell's ballot lists them, the committee
decides; then the badge lists and the report's member-quality figures. Screenshots to look at."""

import datetime as dt

import pytest
from django.utils import timezone

from dangvien.badges import services as badge_services
from dangvien.members.models import Membership
from dangvien.members.tests.factories import make_member
from dangvien.screening import services
from dangvien.screening.models import MonthRecord, ScreeningCase

pytestmark = pytest.mark.django_db(transaction=True)


def test_month_sheet_screening_and_badges(page_as, persona_tree, shot):
    cell = persona_tree.branch
    today = timezone.localdate()
    names = ["Lò Văn Một", "Quàng Thị Hai", "Cầm Văn Ba", "Vì Thị Bốn", "Lường Văn Năm"]
    members = [make_member(cell, full_name=name) for name in names]
    secretary = persona_tree.users["branch_secretary"]
    # two months already unpaid for the first member this year
    first_months = [dt.date(today.year, 1, 1), dt.date(today.year, 2, 1)]
    services.record_months(
        [services.MonthEntry(members[0], m, "unpaid", "attended") for m in first_months],
        actor=secretary,
    )
    month = dt.date(today.year, 3, 1)

    page = page_as("branch_secretary")
    page.goto(f"/screening/dues/?org={cell.pk}&month={month:%Y-%m}")
    # typing down the column, as on paper
    for i, member in enumerate(members):
        page.select_option(f"select[name=dues-{member.pk}]", "unpaid" if i == 0 else "paid")
        page.select_option(
            f"select[name=activity-{member.pk}]", "excused" if i == 3 else "attended"
        )
    shot(page, "screening-month-sheet-typed")
    page.get_by_role("button", name=f"Ghi tháng {month:%m/%Y}").click()
    page.wait_for_load_state()
    assert page.get_by_text("5 mới").is_visible()
    assert MonthRecord.objects.filter(month=month).count() == 5
    assert page.locator("#dues-sheet .badge.text-bg-danger").count() == 1
    shot(page, "screening-month-sheet-saved")

    # the screening list names the member and the grounds
    page.goto(f"/screening/?org={cell.pk}")
    assert page.get_by_text("3 tháng chưa nộp đảng phí").is_visible()
    shot(page, "screening-list")
    page.get_by_role("link", name="Ghi biểu quyết của chi bộ").click()
    page.wait_for_load_state()
    official = Membership.objects.official_in(cell).count()
    page.fill("#id_date", today.strftime("%d/%m/%Y"))
    page.fill("#id_votes_eligible", str(official))
    page.fill("#id_present", str(official - 1))
    page.fill("#id_votes_for", str(official - 1))
    page.fill("#id_votes_against", "0")
    shot(page, "screening-ballot")
    page.get_by_role("button", name="Ghi kết quả biểu quyết").click()
    page.wait_for_load_state()
    case = ScreeningCase.objects.get(membership=members[0])
    assert case.status == "helping"
    page.select_option("select[name=form]", "removed")
    page.locator("form[action$='/proposal/'] input[name=date]").fill(today.strftime("%d/%m/%Y"))
    page.locator("form[action$='/proposal/'] input[name=present]").fill(str(official))
    page.locator("form[action$='/proposal/'] input[name=votes_for]").fill(str(official))
    page.locator("form[action$='/proposal/'] input[name=votes_against]").fill("0")
    page.get_by_role("button", name="Ghi biểu quyết").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text().startswith("Đã đề nghị")
    shot(page, "screening-case-proposed")

    board = page_as("region_officer")
    board.goto(f"/screening/cases/{case.pk}/")
    board.fill("input[name=date]", today.strftime("%d/%m/%Y"))
    board.fill("input[name=decision_number]", "25-QĐ/ĐU")
    board.get_by_role("button", name="Ghi quyết định").click()
    board.wait_for_load_state()
    assert board.locator("#case-status").inner_text().startswith("Đã đưa ra khỏi Đảng")
    shot(board, "screening-case-decided")

    # badges: a veteran due on the next award day, proposed from the list
    from dangvien.badges.selectors import next_award_date

    award_day = next_award_date(today)
    veteran = make_member(
        cell, decision_date=award_day.replace(year=award_day.year - 40), full_name="Mùa A Cựu"
    )
    ill = make_member(
        cell,
        decision_date=award_day.replace(year=award_day.year - 30) + dt.timedelta(days=100),
        full_name="Giàng Thị Ốm",
    )
    badge_services.propose_badge(
        ill,
        milestone=30,
        award_date=award_day,
        actor=persona_tree.users["national_admin"],
        early_reason="Ốm nặng",
    )
    page.goto(f"/badges/?org={cell.pk}")
    row = page.locator("#badges-due tr", has_text="Mùa A Cựu")
    assert row.locator("strong", has_text="40 năm").is_visible()
    row.get_by_role("button", name="Đề nghị").click()
    page.wait_for_load_state()
    assert veteran.badge_proposals.count() == 1
    shot(page, "badges-due")
    board.goto(f"/badges/proposals/?org={cell.pk}")
    shot(board, "badges-proposals")

    # the report page's member-quality figures
    board.goto(
        f"/reports/admissions/?org={persona_tree.region_north.pk}&period=year&year={today.year}"
    )
    board.locator("#member-quality").scroll_into_view_if_needed()
    assert board.locator("#removals-by-form").get_by_text("Xóa tên").is_visible()
    shot(board, "report-member-quality")
