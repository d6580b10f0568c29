import pytest

from dangvien.reports.tests.builders import build_seed_000

pytestmark = pytest.mark.django_db(transaction=True)


def test_region_officer_reads_the_seed_000_report_and_dashboard(page_as, persona_tree, shot):
    build_seed_000(persona_tree.region_north, actor=persona_tree.users["national_admin"])
    page = page_as("region_officer")

    page.goto("/reports/admissions/?org=DBD&from=2016-01-01&to=2016-11-30")
    assert page.locator("#fig-percent-of-target").inner_text() == "176,7%"
    assert page.locator("#fig-vs-same-period").inner_text() == "162,6%"
    assert "đạt 176,7% kế hoạch (vượt 76,7%)" in page.locator("#summary").inner_text()
    shot(page, "reports-seed-000")

    page.get_by_role("link", name="Đảng bộ xã Mường Luân").click()
    page.wait_for_url("**/reports/admissions/?org=*")
    page.locator("#fig-admitted").click()
    page.wait_for_url("**/records/**")
    assert page.locator("#record-count").inner_text() == "89 người"

    page.goto("/reports/?org=DBD&year=2016")
    page.wait_for_function("document.querySelectorAll('canvas').length === 3")
    page.wait_for_timeout(300)
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas')).map(c => c.width > 0 && !!Chart.getChart(c))"
    )
    assert drawn == [True, True, True]
    shot(page, "reports-dashboard")

    page.goto("/targets/?org=DBD&year=2016")
    assert page.locator("#own-target").inner_text() == "150"
    assert "vượt chỉ tiêu của cấp này (150) 10" in page.locator("#allocation-warning").inner_text()
    shot(page, "targets-list")
