"""Issue 13: the province's grassroots committees meeting their target (seed 004, demo history),
the drill-down behind it, and Biểu 1, 2 and 3-BTCTW on screen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_province_sees_grassroots_meeting_target_and_drills_down(page_as, shot):
    from django.core.management import call_command

    from dangvien.accounts.models import User

    # the default demo: Tủa Chùa was dissolved on 1/7/2025; its 2023 is ranked on 2023's tree
    call_command("seed_demo", "--small", verbosity=0)
    page = page_as(User.objects.get(username="bantochuc"))
    page.goto("/reports/admissions/?org=DB&period=year&year=2023")
    page.locator("#organisations-link").click()
    sentence = page.locator("#grassroots-sentence").inner_text()
    assert "Có 20/24 cấp ủy cơ sở hoàn thành và hoàn thành vượt mức chỉ tiêu" in sentence
    shot(page, "report-organisations-2023")
    page.get_by_role("link", name="danh sách hoàn thành").click()
    assert page.locator("#record-count").inner_text() == "20 dòng"
    assert page.get_by_text("— Đảng bộ huyện Tủa Chùa").first.is_visible()
    with page.expect_download() as download:
        page.locator("#drilldown-export button").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto("/reports/admissions/forms/?org=TCH&period=year&year=2023")
    assert page.get_by_text("TĂNG, GIẢM ĐẢNG VIÊN").is_visible()
    shot(page, "report-statistics-forms-2023")
