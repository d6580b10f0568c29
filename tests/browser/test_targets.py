"""Issue 13 items 6 and 7 in a browser: a bloc's 91 grassroots organisations given their
targets for a year in one save; the dashboard's periods, December not drawn on 30/11."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = dt.date.today().year


@pytest.fixture
def bloc(persona_tree):
    """Đảng bộ Khối (as seed 001) under T01 with 91 grassroots organisations; last year's
    targets for the first 60 of them; the bloc's own target for this year is 200."""
    from dangvien.organisations.choices import OrganisationKind as K
    from dangvien.organisations.tests.factories import make_organisation
    from dangvien.targets.services import set_allocation, set_target

    admin = persona_tree.users["national_admin"]
    bloc = make_organisation(
        persona_tree.region_north,
        code="DBK",
        name="Đảng bộ Khối cơ quan và doanh nghiệp tỉnh",
        kind=K.BLOC,
    )
    children = [
        make_organisation(
            bloc,
            code=f"K{index:02d}",
            name=f"Đảng bộ cơ sở số {index}",
            kind=K.GRASSROOTS_COMMITTEE if index % 3 else K.GRASSROOTS_CELL,
        )
        for index in range(1, 92)
    ]
    set_target(bloc, year=YEAR, value=200, actor=admin)
    set_allocation(
        bloc, year=YEAR - 1, values={child.pk: 2 for child in children[:60]}, actor=admin
    )
    return bloc, children


def test_a_bloc_of_91_is_given_its_targets_in_one_save(page_as, bloc, shot):
    from dangvien.audit.models import AuditEvent
    from dangvien.targets.models import Target

    parent, children = bloc
    page = page_as("region_officer")
    page.goto(f"/targets/allocation/{parent.pk}/?year={YEAR}")
    assert page.locator("#allocation-table tbody tr").count() == 91
    assert "91/91 tổ chức trực thuộc chưa được giao chỉ tiêu" not in page.content()
    assert (
        "Chưa tổ chức trực thuộc nào được giao chỉ tiêu"
        in page.locator("#allocation-warnings").inner_text()
    )

    # copy last year's targets (60 rows of 2), then type the 31 others: 3 each … except one
    page.get_by_role("button", name=f"Chép chỉ tiêu năm {YEAR - 1}").click()
    page.wait_for_load_state()
    assert page.locator("#live-sum").inner_text() == "120"
    for child in children[60:]:
        page.get_by_label(f"Chỉ tiêu {YEAR} — {child.name}", exact=True).fill("3")
    page.get_by_label(f"Chỉ tiêu {YEAR} — {children[-1].name}", exact=True).fill("50")
    assert page.locator("#live-sum").inner_text() == "260"  # 120 + 30×3 + 50

    # check before saving: over the bloc's 200, and 50 is more than the members (0)
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_load_state()
    warnings = page.locator("#allocation-warnings").inner_text()
    assert "Cảnh báo (chưa lưu)" in warnings
    assert "(260) vượt chỉ tiêu của cấp này (200) 60 đảng viên" in warnings
    assert not Target.objects.filter(year=YEAR).exclude(organisation=parent).exists()

    page.get_by_label(f"Chỉ tiêu {YEAR} — {children[-1].name}", exact=True).fill("0")
    page.get_by_label("Căn cứ giao (số nghị quyết…)", exact=True).fill("NQ 12-NQ/ĐUK")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    page.wait_for_url(f"**/targets/allocation/{parent.pk}/?year={YEAR}")
    assert "Đã lưu chỉ tiêu năm" in page.content()
    assert "91 tổ chức thay đổi" in page.content()
    assert page.locator("#children-sum").inner_text() == "210"
    assert (
        "(210) vượt chỉ tiêu của cấp này (200) 10"
        in page.locator("#allocation-warnings").inner_text()
    )
    assert Target.objects.filter(year=YEAR, organisation__in=children).count() == 91
    events = AuditEvent.objects.filter(action="targets.allocation.set", organisation=parent)
    assert events.count() == 2  # last year's (the fixture) and this one save
    assert len(events.order_by("-pk").first().data["changes"]) == 91
    shot(page, "targets-allocation-91")
    page.screenshot(path=str(shot(page, "targets-allocation-91").with_name("targets-top.png")))

    # the printable decision and the export, as a user downloads them
    with page.expect_download() as download:
        page.get_by_role("link", name="In quyết định giao chỉ tiêu (.docx)").click()
    assert download.value.suggested_filename == f"giao-chi-tieu-DBK-{YEAR}.docx"
    download.value.save_as(shot(page, "targets-allocation-91").with_name("giao-chi-tieu.docx"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == f"chi-tieu-DBK-{YEAR}.xlsx"


def test_the_dashboard_offers_the_periods_and_leaves_future_months_out(page_as, persona_tree, shot):
    from dangvien.reports.tests.builders import Traits, admit_people

    today = dt.date.today()
    dates = [dt.date(today.year, m, 1) for m in range(1, today.month + 1)]
    admit_people([persona_tree.branch], Traits(len(dates)), dates=dates, tag="dash")
    page = page_as("region_officer")
    page.goto("/reports/?org=X01")
    page.get_by_label("Kỳ", exact=True).select_option("quarter")
    page.get_by_label("Quý", exact=True).select_option(str((today.month - 1) // 3 + 1))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**period=quarter**")
    page.wait_for_function("document.querySelectorAll('canvas').length === 3")
    points = page.evaluate(
        "Chart.getChart(document.getElementById('chart-monthly')).data.datasets[0].data"
    )
    assert points[: today.month] == [1] * today.month
    assert points[today.month :] == [None] * (12 - today.month)
    assert page.locator("#period-label").inner_text().startswith("Quý")
    shot(page, "dashboard-quarter")


def test_a_quarter_is_allocated_on_the_same_page(page_as, bloc, shot):
    from dangvien.targets.models import Target

    parent, children = bloc
    page = page_as("region_officer")
    page.goto(f"/targets/allocation/{parent.pk}/?year={YEAR}")
    page.locator("#period-choice").get_by_role("link", name="Quý II", exact=True).click()
    page.wait_for_url(f"**/targets/allocation/{parent.pk}/?year={YEAR}&period=q2")
    assert (
        page.locator("h1")
        .inner_text()
        .startswith(f"Giao chỉ tiêu kết nạp đảng viên quý II năm {YEAR}")
    )
    for child in children[:10]:
        page.get_by_label(f"Chỉ tiêu quý II năm {YEAR} — {child.name}", exact=True).fill("1")
    assert page.locator("#live-sum").inner_text() == "10"
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    page.wait_for_url(f"**/targets/allocation/{parent.pk}/?year={YEAR}&period=q2")
    assert f"Đã lưu chỉ tiêu quý II năm {YEAR}: 10 tổ chức thay đổi." in page.content()
    assert "81/91 tổ chức trực thuộc chưa được giao chỉ tiêu" in page.content()
    assert Target.objects.filter(year=YEAR, period="q2", organisation__in=children).count() == 10
    assert not Target.objects.filter(year=YEAR, period="", organisation__in=children).exists()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shot(page, "targets-allocation-q2").with_name("targets-q2-top.png")))
