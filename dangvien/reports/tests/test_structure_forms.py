"""Biểu 1, 2 and 3-BTCTW on a structure date (issue 11): two communes merged on 1/7/2025; the
closed year 2024 on its own tree gives each predecessor its own form, and on today's tree the
successor's form is their sum (the predecessors' cells sit under it) — seven queries on
either tree."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.members.choices import MemberStatus
from dangvien.members.services import change_status
from dangvien.members.tests.factories import make_member
from dangvien.organisations import reorganisation as ops
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import Organisation
from dangvien.organisations.tests.factories import make_organisation
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.statistics_forms import get_statistics_forms

pytestmark = pytest.mark.django_db

D = dt.date
YEAR_2024 = build_period("year", year=2024)


@pytest.fixture
def merged(persona_tree, national_admin):
    """XA (two cells) and XB (one cell), each with members admitted before and in 2023–2024,
    a death and an expulsion in 2024; merged into XM on 1/7/2025."""
    province = persona_tree.region_north
    xa = make_organisation(province, code="XA", name="Đảng bộ xã A", kind=K.COMMUNE)
    xb = make_organisation(province, code="XB", name="Đảng bộ xã B", kind=K.COMMUNE)
    cells = [
        make_organisation(xa, code="CBA1", name="Chi bộ A1", kind=K.GRASSROOTS_CELL),
        make_organisation(xa, code="CBA2", name="Chi bộ A2", kind=K.GRASSROOTS_CELL),
        make_organisation(xb, code="CBB", name="Chi bộ B", kind=K.GRASSROOTS_CELL),
    ]
    for n, cell in enumerate(cells, start=1):
        for i in range(n + 1):
            make_member(cell, decision_date=D(2010, 1, 10), full_name=f"Cũ {cell.code} {i}")
        for i in range(n):
            make_member(
                cell,
                decision_date=D(2023, 4, 10 + i),
                full_name=f"Năm 2023 {cell.code} {i}",
                sex="female" if i % 2 else "male",
            )
            make_member(
                cell,
                status=MemberStatus.PROBATIONARY,
                decision_date=D(2024, 5, 10 + i),
                full_name=f"Năm 2024 {cell.code} {i}",
            )
    old_a = make_member(cells[0], decision_date=D(2012, 2, 2), full_name="Từ Trần A")
    old_b = make_member(cells[2], decision_date=D(2012, 2, 2), full_name="Khai Trừ B")
    change_status(old_a, status="deceased", date=D(2024, 3, 5), actor=national_admin)
    change_status(
        old_b, status="expelled", date=D(2024, 6, 5), actor=national_admin, note="Vi phạm"
    )
    ops.merge(
        [xa, xb],
        into=ops.OrganisationSpec(code="XM", name="Đảng bộ xã Mới", kind=K.COMMUNE),
        effective_date=D(2025, 7, 1),
        decision_number="31-HD/BTCTW",
        actor=national_admin,
    )
    return {o.code: o for o in Organisation.objects.filter(code__in=["XA", "XB", "XM"])}


def _counts(organisation, structure="default"):
    """Every count row of the three forms (this year, last year), and the queries they cost."""
    report = get_admission_report(organisation=organisation, period=YEAR_2024, structure=structure)
    with CaptureQueriesContext(connection) as queries:
        forms = get_statistics_forms(report)
    rows = {
        (form.code, row.label): (row.current, row.previous)
        for form in forms
        for row in form.rows
        if row.kind == "count"
    }
    return report, rows, len(queries)


def test_a_closed_year_on_its_own_tree_and_on_today_s(merged):
    report_a, own_a, n_a = _counts(merged["XA"])
    _r, own_b, n_b = _counts(merged["XB"])
    _r, own_m, _n = _counts(merged["XM"])
    assert report_a.structure_on == D(2024, 12, 31)
    one = ("Biểu 1-BTCTW", "D. Đảng viên cuối kỳ")
    three = ("Biểu 3-BTCTW", "I. Tổng số đảng viên cuối kỳ")
    # XA: 2 + 3 + 1 older members, one died in 2024; 1 + 2 admitted in 2023 and in 2024
    assert own_a[one] == own_a[three] == (2 + 3 + 1 - 1 + 3 + 3, 2 + 3 + 1 + 3)
    assert own_b[one] == (4 + 1 - 1 + 3 + 3, 4 + 1 + 3)
    assert own_a[("Biểu 1-BTCTW", "1. Từ trần")] == (1, 0)
    assert own_b[("Biểu 1-BTCTW", "2. Khai trừ")] == (1, 0)
    assert own_a[("Biểu 2-BTCTW", "I. Tổng số đảng viên mới kết nạp")] == (3, 3)
    assert own_a[("Biểu 2-BTCTW", "Chi bộ cơ sở")] == (2, 2)
    assert set(own_m.values()) == {(0, 0)}  # XM did not exist in 2024

    _r, today_a, _n = _counts(merged["XA"], None)
    report_m, today_m, n_m = _counts(merged["XM"], None)
    assert report_m.structure_on is None
    assert set(today_a.values()) == {(0, 0)}  # its cells sit under XM today
    assert today_m == {
        key: (own_a[key][0] + own_b[key][0], own_a[key][1] + own_b[key][1]) for key in own_a
    }
    # the past tree is subqueries in the same statements
    assert n_a == n_b == n_m == 7


def test_page_export_and_api_take_the_structure(merged, client, region_officer):
    import io

    from openpyxl import load_workbook

    from tests.support.mfa import force_login_with_mfa

    force_login_with_mfa(client, region_officer)
    params = {"org": merged["XM"].pk, "period": "year", "year": "2024"}
    page = client.get("/reports/admissions/forms/", {**params, "structure": "today"})
    assert "Số liệu tính theo cơ cấu tổ chức hiện nay." in page.content.decode()
    page = client.get("/reports/admissions/forms/", params)
    assert "Số liệu tính theo cơ cấu tổ chức ngày 31/12/2024." in page.content.decode()
    exported = client.post("/reports/admissions/forms.xlsx", {**params, "structure": "today"})
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content))["Biểu 3-BTCTW"]
    assert sheet["A3"].value.endswith("(cơ cấu tổ chức hiện nay)")
    total = next(row for row in sheet.iter_rows() if row[0].value == "I. Tổng số đảng viên cuối kỳ")
    assert total[1].value == 11 + 10  # XA's and XB's members at the end of 2024
    bad = client.post("/reports/admissions/forms.xlsx", {**params, "structure": "hôm qua"})
    assert bad.status_code == 400

    def api_total(**extra):
        answer = client.get(
            "/api/v1/reports/forms", {"org": "XM", "period": "year", "year": "2024", **extra}
        )
        assert answer.status_code == 200
        body = answer.json()
        rows = {row["label"]: row for form in body["forms"] for row in form["rows"]}
        return body["structure"], rows["I. Tổng số đảng viên cuối kỳ"]["current"]

    assert api_total(structure="today") == (None, 21)
    assert api_total() == ("2024-12-31", 0)
    assert api_total(structure="2025-06-30") == ("2025-06-30", 0)
    assert api_total(structure="2025-07-01") == ("2025-07-01", 21)
    refused = client.get("/api/v1/reports/forms", {"org": "XM", "structure": "hôm qua"})
    assert refused.status_code == 400
