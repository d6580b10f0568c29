"""Biểu 1, 2 and 3-BTCTW: the figures for a known dataset (seed 000's district plus deaths,
an expulsion and a removal), the print setup of each sheet, no English, fixed query count."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.audit.models import AuditEvent
from dangvien.members import services as members
from dangvien.members.models import Membership
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.statistics_forms import (
    COUNT_FORMAT,
    build_forms_xlsx,
    get_statistics_forms,
)
from dangvien.reports.tests.builders import build_seed_000

PERIOD = build_period("ytd", year=2016, month=11)
TODAY = dt.date(2017, 1, 6)


@pytest.fixture
def district(persona_tree, national_admin):
    d = build_seed_000(persona_tree.region_north, actor=national_admin)
    older = list(
        Membership.objects.filter(person__full_name__startswith="Người 2015 ").order_by("pk")
    )
    newer = list(
        Membership.objects.filter(person__full_name__startswith="Người 2016 ").order_by("pk")
    )
    actor = national_admin
    # the last people of each cohort have none of the traits
    for member in older[-2:]:
        members.change_status(member, status="deceased", date=dt.date(2016, 3, 5), actor=actor)
    members.change_status(
        older[-3], status="expelled", date=dt.date(2016, 4, 5), actor=actor, note="Vi phạm"
    )
    members.change_status(
        newer[-1], status="removed", date=dt.date(2016, 11, 20), actor=actor, note="Không dự"
    )
    return d


def _forms(district):
    report = get_admission_report(organisation=district.district, period=PERIOD, today=TODAY)
    return report, {form.code: form for form in get_statistics_forms(report)}


def _pair(form, label):
    row = form.row(label)
    return row.current, row.previous


def test_biểu_1_balances_start_movements_and_end(district):
    _report, forms = _forms(district)
    form = forms["Biểu 1-BTCTW"]

    assert _pair(form, "A. Đảng viên đầu kỳ") == (163, 0)
    assert _pair(form, "1. Kết nạp") == (265, 163)
    assert _pair(form, "B. Đảng viên tăng trong kỳ") == (265, 163)
    assert _pair(form, "1. Từ trần") == (2, 0)
    assert _pair(form, "2. Khai trừ") == (1, 0)
    assert _pair(form, "3. Xóa tên") == (1, 0)
    assert _pair(form, "Trong đó: đảng viên dự bị") == (1, 0)
    assert _pair(form, "C. Đảng viên giảm trong kỳ") == (4, 0)
    assert _pair(form, "D. Đảng viên cuối kỳ") == (163 + 265 - 4, 163)


def test_biểu_2_and_3_figures(district):
    _report, forms = _forms(district)
    two, three = forms["Biểu 2-BTCTW"], forms["Biểu 3-BTCTW"]

    assert _pair(two, "I. Tổng số đảng viên mới kết nạp") == (265, 163)
    assert _pair(two, "Dân tộc thiểu số") == (211, 120)
    assert _pair(two, "Trình độ đại học trở lên") == (37, 16)
    assert two.row("Tuổi bình quân").kind == "average"
    assert _pair(three, "I. Tổng số đảng viên cuối kỳ") == (424, 163)
    # the 2016 cohort but the removed one; the 2015 cohort is official by 30/11/2016
    assert _pair(three, "Đảng viên dự bị") == (264, 163)
    assert _pair(three, "Nữ") == (77 + 50, 50)
    assert _pair(three, "Từ 01/5/1975 đến nay") == (424, 163)


def test_forms_run_a_fixed_number_of_queries(district, persona_tree, national_admin):
    report = get_admission_report(organisation=district.district, period=PERIOD, today=TODAY)
    with CaptureQueriesContext(connection) as small:
        get_statistics_forms(report)
    build_seed_000(persona_tree.region_north, actor=national_admin, code="DBE")
    bigger = get_admission_report(organisation=persona_tree.region_north, period=PERIOD)
    with CaptureQueriesContext(connection) as large:
        get_statistics_forms(bigger)
    assert len(small) == len(large) == 7


def test_the_file_prints_each_form_on_a4_landscape_one_page_wide(district, national_admin):
    from openpyxl import load_workbook

    report = get_admission_report(organisation=district.district, period=PERIOD, today=TODAY)
    book = load_workbook(
        io.BytesIO(build_forms_xlsx(report, user=national_admin, when=dt.datetime(2017, 1, 6)))
    )

    assert book.sheetnames == ["Biểu 1-BTCTW", "Biểu 2-BTCTW", "Biểu 3-BTCTW"]
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape"
        assert setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # fitToWidth 1 is the attribute's default (ECMA-376), so the file may leave it out
        assert (int(setup.fitToWidth or 1), int(setup.fitToHeight)) == (1, 0)
        assert sheet.print_title_rows == "$6:$7"
        assert sheet.print_area == f"'{sheet.title}'!$A$1:$D${sheet.max_row}"
        widths = [sheet.column_dimensions[c].width for c in "ABCD"]
        assert sum(widths) < 125  # (1) to (4) on one page at a readable scale
        assert sheet["A8"].alignment.wrap_text
        heads = [sheet.cell(row=6, column=c).value for c in range(1, 5)]
        assert heads == ["Tiêu chí", "Kỳ này", "Cùng kỳ năm trước", "So sánh (%)"]
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.row != 4:  # row 4: who exported
                    # Vietnamese only: no identifier-like English keys
                    assert not re.search(r"\b[a-z]+_[a-z_]+\b", cell.value), cell.value
                if isinstance(cell.value, int):
                    assert cell.number_format == COUNT_FORMAT
    one = book["Biểu 1-BTCTW"]
    rows = {one.cell(row=r, column=1).value: r for r in range(1, one.max_row + 1)}
    end = rows["D. Đảng viên cuối kỳ"]
    assert [one.cell(row=end, column=c).value for c in (2, 3, 4)] == [424, 163, "260,1"]


def test_forms_download_is_audited_and_scoped(client_for, district):
    from openpyxl import load_workbook

    params = {"org": "DBD", "from": "2016-01-01", "to": "2016-11-30"}
    response = client_for("region_officer").post("/reports/admissions/forms.xlsx", params)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Biểu 1-BTCTW", "Biểu 2-BTCTW", "Biểu 3-BTCTW"]
    event = AuditEvent.objects.get(action="reports.forms.exported")
    assert event.actor.username == "region_officer"
    assert (
        client_for("branch_secretary").post("/reports/admissions/forms.xlsx", params).status_code
        == 404
    )

    page = client_for("region_officer").get("/reports/admissions/forms/", params)
    assert page.status_code == 200
    assert "Biểu 1-BTCTW" in page.content.decode()
    api = client_for("region_officer").get("/api/v1/reports/forms", params)
    assert api.status_code == 200
    codes = [form["code"] for form in api.json()["forms"]]
    assert codes == ["Biểu 1-BTCTW", "Biểu 2-BTCTW", "Biểu 3-BTCTW"]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_forms_render_with_the_heads_on_every_page(district, national_admin, tmp_path):
    """LibreOffice prints the file: every page carries the column heads (1) to (4), counts
    show the Vietnamese thousands dot, and no form runs wider than one page."""
    report = get_admission_report(organisation=district.district, period=PERIOD, today=TODAY)
    source = tmp_path / "bieu.xlsx"
    source.write_bytes(build_forms_xlsx(report, user=national_admin, when=dt.datetime(2017, 1, 6)))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "bieu.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert 3 <= len(pages) <= 6
    for page in pages:
        assert "(4) = (2) × 100 / (3)" in page and "Cùng kỳ năm trước" in page
    assert "TĂNG, GIẢM ĐẢNG VIÊN" in text and "ĐỘI NGŨ ĐẢNG VIÊN" in text
    assert re.search(r"D\. Đảng viên cuối kỳ\s+424\s+163\s+260,1", text)
    if os.environ.get("DANGVIEN_KEEP_RENDER"):
        shutil.copy(pdf, os.environ["DANGVIEN_KEEP_RENDER"])
