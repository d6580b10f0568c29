"""The allocation of a quarter or a half-year (Target.period): the same page, one save,
warnings, xlsx import and export, printable decision and API as the year's; the report of
that quarter measures against it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangvien.audit.models import AuditEvent
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.summary import build_summary
from dangvien.reports.tests.builders import Traits, admit_people
from dangvien.targets.models import Target
from dangvien.targets.selectors import get_allocation_sheet, period_label
from dangvien.targets.services import set_allocation, set_target

NOV_30 = dt.date(2026, 11, 30)


def _url(tree, **query):
    from urllib.parse import urlencode

    return f"/targets/allocation/{tree.commune_north.pk}/?{urlencode(query)}"


def test_period_labels():
    assert period_label(2026, "") == "năm 2026"
    assert period_label(2026, "q2") == "quý II năm 2026"
    assert period_label(2026, "h1") == "6 tháng đầu năm 2026"


def test_the_quarter_page_saves_the_quarter_once_beside_last_years_quarter(
    client_for, persona_tree, national_admin
):
    tree = persona_tree
    a, b = tree.branch, tree.branch_two
    # last year's second quarter: a target and two admissions in CB01 (one outside the quarter)
    Target.objects.create(
        organisation=a, year=2025, period="q2", value=3, assigned_by=national_admin
    )
    admit_people([a], Traits(2), dates=[dt.date(2025, 5, 5)], tag="q25")
    admit_people([a], Traits(1), dates=[dt.date(2025, 8, 8)], tag="q35")
    set_target(a, year=2026, value=12, actor=national_admin)  # the yearly target, shown beside
    set_target(tree.commune_north, year=2026, value=5, period="q2", actor=national_admin)
    client = client_for("region_officer")

    page = client.get(_url(tree, year=2026, period="q2")).content.decode()
    assert "Giao chỉ tiêu kết nạp đảng viên quý II năm 2026" in page
    assert "Chỉ tiêu quý II năm 2025" in page and "Chỉ tiêu cả năm 2026" in page
    assert 'aria-current="page">Quý II</a>' in page
    assert "Chưa tổ chức trực thuộc nào được giao chỉ tiêu quý II năm 2026" in page
    sheet = get_allocation_sheet(parent=tree.commune_north, year=2026, period="q2")
    row = next(r for r in sheet.rows if r.organisation == a)
    assert (row.last_target, row.last_result, row.year_target) == (3, 2, 12)
    assert sheet.own == 5 and sheet.own_year is None

    values = {f"org-{r.organisation.pk}": "" for r in sheet.rows}
    values.update({f"org-{a.pk}": "2", f"org-{b.pk}": "4", "note": "NQ quý II"})
    response = client.post(_url(tree, year=2026, period="q2"), {**values, "action": "save"})
    assert response.status_code == 302
    assert response["Location"].endswith("year=2026&period=q2")
    saved = Target.objects.filter(year=2026, period="q2", organisation__in=[a, b])
    assert dict(saved.values_list("organisation__code", "value")) == {"CB01": 2, "CB02": 4}
    # the yearly targets are untouched; one audit event names the period
    assert Target.objects.get(organisation=a, year=2026, period="").value == 12
    event = AuditEvent.objects.get(action="targets.allocation.set")
    assert (event.data["period"], event.data["year"]) == ("q2", 2026)
    # a repeat changes nothing; the page warns on the quarter's own figures
    client.post(_url(tree, year=2026, period="q2"), {**values, "action": "save"})
    assert AuditEvent.objects.filter(action="targets.allocation.set").count() == 1
    page = client.get(_url(tree, year=2026, period="q2")).content.decode()
    assert "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (6) vượt chỉ tiêu của cấp này (5)" in page


def test_a_period_that_is_not_one_is_the_year(client_for, persona_tree):
    response = client_for("region_officer").get(_url(persona_tree, year=2026, period="q9"))
    assert response.status_code == 200
    assert "Giao chỉ tiêu kết nạp đảng viên năm 2026" in response.content.decode()


def test_quarter_files_export_import_and_print(client_for, persona_tree, region_officer):
    from docx import Document
    from openpyxl import load_workbook

    tree = persona_tree
    client = client_for("region_officer")
    set_allocation(
        tree.commune_north, year=2026, period="h1", values={tree.branch.pk: 3}, actor=region_officer
    )
    export = client.get(
        f"/targets/allocation/{tree.commune_north.pk}/export.xlsx?year=2026&period=h1"
    )
    assert export.status_code == 200
    assert 'filename="chi-tieu-' in export["Content-Disposition"]
    assert "2026-h1" in export["Content-Disposition"]
    cells = [
        c
        for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in r
        if c
    ]
    assert any("6 tháng đầu năm 2026" in str(c) for c in cells)
    event = AuditEvent.objects.filter(action="targets.allocation.exported").latest("pk")
    assert event.data["period"] == "h1"

    template = client.get(
        f"/targets/allocation/{tree.commune_north.pk}/template.xlsx?year=2026&period=h1"
    )
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    head_index = next(i for i, r in enumerate(rows) if r and r[0] == "Mã tổ chức")
    header = rows[head_index]
    assert "Chỉ tiêu 6 tháng đầu năm 2026" in header
    target_col = header.index("Chỉ tiêu 6 tháng đầu năm 2026") + 1
    for row in sheet.iter_rows(min_row=head_index + 2):
        if row[0].value == tree.branch_two.code:
            row[target_col - 1].value = 7
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("h1.xlsx", buffer.getvalue())
    response = client.post(
        f"/targets/allocation/{tree.commune_north.pk}/import/?year=2026&period=h1",
        {"file": upload, "note": "tệp"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Target.objects.get(organisation=tree.branch_two, year=2026, period="h1").value == 7
    assert not Target.objects.filter(organisation=tree.branch_two, period="").exists()

    printed = client.get(
        f"/targets/allocation/{tree.commune_north.pk}/print.docx?year=2026&period=h1"
    )
    assert printed["Content-Disposition"].endswith('-2026-h1.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(printed.content)).paragraphs)
    assert "giao chỉ tiêu kết nạp đảng viên 6 tháng đầu năm 2026" in text
    assert "Giao chỉ tiêu kết nạp đảng viên 6 tháng đầu năm 2026 cho 2 tổ chức" in text


def test_the_api_takes_the_period(client_for, persona_tree):
    tree = persona_tree
    client = client_for("region_officer")
    body = {
        "organisation": tree.commune_north.code,
        "year": 2026,
        "period": "q3",
        "values": [{"organisation": tree.branch.code, "value": 2}],
    }
    response = client.put(
        "/api/v1/targets/allocation", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["period"], response.json()["label"]) == ("q3", "quý III năm 2026")
    assert Target.objects.get(organisation=tree.branch, period="q3").value == 2
    got = client.get(
        "/api/v1/targets/allocation",
        {"org": tree.commune_north.code, "year": 2026, "period": "q3"},
    ).json()
    assert [r["target"] for r in got["rows"] if r["organisation_code"] == "CB01"] == [2]
    refused = client.put(
        "/api/v1/targets/allocation",
        json.dumps({**body, "period": "q5"}),
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["rule"] == "target_period"
    assert client.get("/api/v1/targets/allocation", {"period": "x"}).status_code == 400


@pytest.mark.parametrize("with_quarter_target", [True, False])
def test_the_quarter_report_measures_against_the_quarter_allocated_on_the_page(
    with_quarter_target, client_for, persona_tree, national_admin
):
    tree = persona_tree
    set_target(tree.commune_north, year=2026, value=12, actor=national_admin)
    admit_people([tree.branch], Traits(4), dates=[dt.date(2026, 4, 4)], tag="q2")
    if with_quarter_target:
        # the region allocates the second quarter to its children on the period page
        response = client_for("region_officer").post(
            f"/targets/allocation/{tree.region_north.pk}/?year=2026&period=q2",
            {f"org-{tree.commune_north.pk}": "5", "action": "save"},
        )
        assert response.status_code == 302
    report = get_admission_report(
        organisation=tree.commune_north,
        period=build_period("quarter", year=2026, quarter=2),
        today=NOV_30,
    )
    summary = build_summary(report)
    if with_quarter_target:
        assert (report.target_scope, report.target, report.year_target) == ("q2", 5, 12)
        assert report.percent_of_target == 80  # 4 ÷ 5
        assert "đạt 80,0% chỉ tiêu quý II/2026" in summary
    else:
        assert (report.target_scope, report.target) == ("year", 12)
        assert report.percent_of_target is None
        assert "chỉ tiêu được giao cho cả năm (12 đảng viên)" in summary
