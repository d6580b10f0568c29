"""One person walks from a cell's outstanding list to the admission ceremony, in the browser."""

import datetime as dt

import pytest

from dangvien.admissions.models import Dossier
from dangvien.admissions.tests.factories import make_certificate, make_official
from dangvien.core.text import fold
from dangvien.members.models import Membership
from dangvien.people.tests.factories import PersonFactory
from tests.browser.pickers import pick

pytestmark = pytest.mark.django_db(transaction=True)


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _record(page, stage_label: str, day: dt.date, **fields) -> None:
    form = page.locator("#step-form")
    form.get_by_role("heading", name=f"Ghi bước tiếp theo: {stage_label}").wait_for()
    form.locator("#id_date").fill(_fmt(day))
    for name, value in fields.items():
        element = form.locator(f"#id_{name}")
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(label=value)
        elif element.get_attribute("data-picker-input") is not None:
            pick(form, f"#id_{name}", fold(value), value)
        else:
            element.fill(str(value))
    form.get_by_role("button", name=f"Ghi «{stage_label}»").click()
    page.locator("#timeline").get_by_text(stage_label).first.wait_for()


def test_secretary_walks_one_person_to_the_ceremony(page_as, persona_tree, shot):
    today = dt.date.today()
    cell = persona_tree.branch
    candidate = PersonFactory(
        organisation=cell, full_name="Vàng Thị Mai", date_of_birth=dt.date(2001, 4, 12)
    )
    make_official(cell, full_name="Lò Văn Giúp")
    make_official(cell, full_name="Quàng Văn Một")
    make_official(cell, full_name="Cà Thị Hai")

    page = page_as("branch_secretary")
    page.goto(f"/admissions/outstanding/{cell.pk}/")
    page.get_by_role("link", name="Thêm vào danh sách").click()
    pick(page, "#id_person", "vang thi mai", "Vàng Thị Mai")
    page.locator("#id_date").fill(_fmt(today - dt.timedelta(days=40)))
    page.locator("#id_document_number").fill("BB 05/CB")
    pick(page, "#id_helpers", "lo van giup", "Lò Văn Giúp")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/admissions/*/")
    dossier = Dossier.objects.get(person=candidate)

    # The training centre issues the awareness certificate (its own page; done directly here).
    make_certificate(
        candidate, persona_tree.commune_north, today - dt.timedelta(days=36), "123/GCN"
    )
    page.goto(f"/admissions/outstanding/{cell.pk}/")
    assert page.get_by_role("link", name="Vàng Thị Mai").is_visible()
    shot(page, "pipeline-1-outstanding-list")

    page.get_by_role("link", name="Vàng Thị Mai").click()
    _record(page, "Học lớp nhận thức về Đảng", today - dt.timedelta(days=35))
    _record(page, "Đơn và lý lịch", today - dt.timedelta(days=30), document_number="1-KNĐ, 2-KNĐ")
    # the background check is the grassroots committee's step, not the cell's (step authority)
    office = page_as("grassroots_office")
    office.goto(f"/admissions/{dossier.pk}/")
    _record(office, "Thẩm tra lý lịch", today - dt.timedelta(days=25), document_number="2-KNĐ")
    page.goto(f"/admissions/{dossier.pk}/")
    # a refusal first: 11 months together is not enough
    form = page.locator("#step-form")
    form.locator("#id_date").fill(_fmt(today - dt.timedelta(days=20)))
    pick(form, "#id_introducer_1", "quang van mot", "Quàng Văn Một")
    form.locator("#id_months_1").fill("24")
    pick(form, "#id_introducer_2", "ca thi hai", "Cà Thị Hai")
    form.locator("#id_months_2").fill("11")
    form.get_by_role("button", name="Ghi «Giới thiệu»").click()
    page.get_by_text("quy định ít nhất 12 tháng").wait_for()
    shot(page, "pipeline-2-introducer-refused")
    page.locator("#id_months_2").fill("12")
    page.locator("#step-form").get_by_role("button", name="Ghi «Giới thiệu»").click()
    page.locator("#timeline").get_by_text("Giới thiệu").first.wait_for()
    _record(page, "Lấy ý kiến nhận xét", today - dt.timedelta(days=15), document_number="5-KNĐ")
    _record(
        page,
        "Chi bộ xét, biểu quyết",
        today - dt.timedelta(days=10),
        document_number="6-KNĐ",
        votes_for=3,
        votes_against=0,
    )
    office.goto(f"/admissions/{dossier.pk}/")
    _record(
        office,
        "Đảng ủy cơ sở xét",
        today - dt.timedelta(days=8),
        document_number="8-KNĐ",
        votes_eligible=9,
        votes_for=8,
        votes_against=1,
    )
    page.goto(f"/admissions/{dossier.pk}/")
    assert page.get_by_text("do cấp có thẩm quyền ghi nhận").is_visible()
    assert page.locator("#next-deadline").get_by_text("quyết định kết nạp").is_visible()
    shot(page, "pipeline-3-waiting-for-decision")

    officer = page_as("region_officer")
    officer.goto(f"/admissions/{dossier.pk}/")
    _record(
        officer,
        "Quyết định kết nạp",
        today - dt.timedelta(days=5),
        document_number="45-QĐ/ĐU",
        received_on=_fmt(today - dt.timedelta(days=4)),
    )

    page.goto(f"/admissions/{dossier.pk}/")
    assert page.locator("#next-deadline").get_by_text("lễ kết nạp").is_visible()
    _record(page, "Lễ kết nạp", today, helper="Lò Văn Giúp")
    assert page.locator("#dossier-status").get_by_text("Đã kết nạp").is_visible()
    shot(page, "pipeline-4-admitted")

    membership = Membership.objects.get(person=candidate)
    assert membership.status == "probationary"
    assert membership.decision_number == "45-QĐ/ĐU"
    assert membership.ceremony_date == today
    assert Dossier.objects.get(pk=dossier.pk).steps.count() == 10
