import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from dangvien.audit.models import AuditEvent
from dangvien.reports.statistics_forms import COUNT_FORMAT
from dangvien.reports.tests.builders import Traits, admit_people, build_seed_000, months
from tests.support.personas import scope_matrix

SEED_PARAMS = {"from": "2016-01-01", "to": "2016-11-30"}


@pytest.fixture
def seeded(persona_tree, national_admin):
    """Seed 000's district under T01 (region_officer's and viewer's subtree)."""
    return build_seed_000(persona_tree.region_north, actor=national_admin)


REPORT_MATRIX = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 404,
    "viewer": 200,
    "outsider": 404,
}


@scope_matrix(REPORT_MATRIX)
def test_report_page_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(
        "/reports/admissions/",
        {"org": persona_tree.commune_north.pk, "period": "year", "year": 2024},
    )
    assert response.status_code == expected


@scope_matrix(REPORT_MATRIX)
def test_dashboard_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get("/reports/", {"org": "X01", "year": 2024})
    assert response.status_code == expected


@scope_matrix(REPORT_MATRIX)
def test_records_scope(persona, expected, client_for, persona_tree):
    admit_people(
        [persona_tree.branch_two], Traits(2, women=1), dates=[dt.date(2024, 3, 1)], tag="r"
    )
    response = client_for(persona).get(
        "/reports/admissions/records/",
        {"org": "X01", "from": "2024-01-01", "to": "2024-12-31", "figure": "women"},
    )
    assert response.status_code == expected
    if expected == 200:
        assert response.context["page"].paginator.count == 1


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 404,
        "viewer": 403,
        "outsider": 404,
    }
)
def test_export_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).post(
        "/reports/admissions/export.xlsx", {"org": "X01", "from": "2024-01-01", "to": "2024-12-31"}
    )
    assert response.status_code == expected
    exported = AuditEvent.objects.filter(action="reports.report.exported")
    assert exported.count() == (1 if expected == 200 else 0)


@scope_matrix(
    {
        "anonymous": 401,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 404,
        "viewer": 200,
        "outsider": 404,
    }
)
def test_api_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(
        "/api/v1/reports/admissions", {"org": "X01", "from": "2024-01-01", "to": "2024-12-31"}
    )
    assert response.status_code == expected


def test_report_page_shows_seed_figures_with_links(client_for, seeded):
    client = client_for("region_officer")
    response = client.get("/reports/admissions/", {"org": "DBD", **SEED_PARAMS})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đến hết tháng 11/2016, toàn Đảng bộ huyện đã kết nạp 265 đảng viên" in html
    assert 'id="fig-percent-of-target">176,7%' in html
    assert 'id="fig-vs-same-period">162,6%' in html
    assert "79,6%" in html and "85,3%" in html
    children = response.context["children"]
    assert [c["row"].admitted for c in children] == [89, 88, 88]
    # every child's number links to the people behind it
    drill = client.get(children[0]["admitted_url"])
    assert drill.context["page"].paginator.count == 89


def test_drill_down_lists_exactly_the_counted_people(client_for, seeded):
    client = client_for("region_officer")
    for figure, count in (("women", 77), ("ethnic_minority", 211), ("rural", 226), ("total", 265)):
        response = client.get(
            "/reports/admissions/records/", {"org": "DBD", **SEED_PARAMS, "figure": figure}
        )
        assert response.context["page"].paginator.count == count
    unknown = client.get("/reports/admissions/records/", {"org": "DBD", "figure": "nope"})
    assert unknown.status_code == 404


def test_bad_period_is_a_400_page_showing_the_message(client_for, persona_tree):
    # the page is still the report (default period) with the message, answered 400 (issue 15)
    response = client_for("region_officer").get(
        "/reports/admissions/", {"org": "X01", "from": "2024-05-01", "to": "2024-04-01"}
    )
    assert response.status_code == 400
    assert "ngày kết thúc 01/04/2024 trước ngày bắt đầu 01/05/2024" in response.content.decode()


def test_api_returns_the_documented_keys(client_for, seeded):
    data = (
        client_for("region_officer")
        .get("/api/v1/reports/admissions", {"org": "DBD", **SEED_PARAMS})
        .json()
    )

    assert data["admitted"] == 265
    assert data["target"] == 150
    assert data["percent_of_target"] == 176.7
    assert data["same_period_last_year"] == 163
    assert data["percent_vs_same_period"] == 162.6
    breakdown = data["breakdown"]
    for key in (
        "women",
        "ethnic_minority",
        "youth_union",
        "farmers",
        "age_18_30",
        "rural",
        "university",
    ):
        assert set(breakdown[key]) >= {"count", "percent"}
    assert breakdown["ethnic_minority"] == {
        **breakdown["ethnic_minority"],
        "count": 211,
        "percent": 79.6,
    }
    assert breakdown["rural"]["percent"] == 85.3
    assert breakdown["university"]["percent_vs_same_period"] == 231.3


def test_api_bad_date_is_a_vietnamese_400(client_for, persona_tree):
    response = client_for("region_officer").get(
        "/api/v1/reports/admissions", {"org": "X01", "from": "2024-13-45", "to": "2024-12-31"}
    )
    assert response.status_code == 400
    assert "không hợp lệ" in response.json()["detail"]


def test_xlsx_export_has_sheets_and_biểu_2(client_for, seeded):
    from openpyxl import load_workbook

    response = client_for("region_officer").post(
        "/reports/admissions/export.xlsx", {"org": "DBD", **SEED_PARAMS}
    )
    book = load_workbook(io.BytesIO(response.content))

    assert book.sheetnames == [
        "Tổng hợp",
        "Tổ chức trực thuộc",
        "Nguồn, hồ sơ",
        "Biểu 1-BTCTW",
        "Biểu 2-BTCTW",
        "Biểu 3-BTCTW",
    ]
    summary = book["Tổng hợp"]
    assert summary["A5"].value == "Chỉ tiêu thống kê"
    values = {
        summary.cell(row=r, column=1).value: summary.cell(row=r, column=2) for r in range(6, 20)
    }
    assert values["Số đảng viên kết nạp trong kỳ"].value == 265
    # Vietnamese whatever the reader's locale: percentages as text, counts with a literal dot
    assert values["Tỷ lệ so với chỉ tiêu (%)"].value == "176,7%"
    assert values["Số đảng viên kết nạp trong kỳ"].number_format == COUNT_FORMAT
    assert values["So với cùng kỳ (%)"].value == "162,6%"
    assert "Người lập: region_officer" in summary["A3"].value
    biểu = book["Biểu 2-BTCTW"]
    assert [biểu.cell(row=6, column=c).value for c in range(1, 5)] == [
        "Tiêu chí",
        "Kỳ này",
        "Cùng kỳ năm trước",
        "So sánh (%)",
    ]
    rows = {biểu.cell(row=r, column=1).value: r for r in range(1, biểu.max_row + 1)}
    total = rows["I. Tổng số đảng viên mới kết nạp"]
    assert [biểu.cell(row=total, column=c).value for c in (2, 3, 4)] == [265, 163, "162,6"]
    uni = rows["Trình độ đại học trở lên"]
    assert [biểu.cell(row=uni, column=c).value for c in (2, 3, 4)] == [37, 16, "231,3"]
    minority = rows["Dân tộc thiểu số"]
    assert biểu.cell(row=minority, column=2).value == 211
    children = book["Tổ chức trực thuộc"]
    assert children["A5"].value == "Tổ chức"
    assert children["B6"].value == 89
    event = AuditEvent.objects.get(action="reports.report.exported")
    assert event.data["format"] == "xlsx" and event.actor.username == "region_officer"


def test_docx_export_has_the_summary(client_for, seeded):
    from docx import Document

    response = client_for("region_officer").post(
        "/reports/admissions/export.docx", {"org": "DBD", **SEED_PARAMS}
    )
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)

    assert "đạt 176,7% kế hoạch (vượt 76,7%), tăng 62,6% so với cùng kỳ năm 2015" in text
    assert "Người lập: region_officer" in text
    assert "BÁO CÁO" in text
    # the party header: superior committee, the issuing committee, the number line; the motto
    header = document.tables[0].rows[0].cells
    assert [p.text for p in header[0].paragraphs][1:] == [
        "HUYỆN ỦY ĐIỆN BIÊN ĐÔNG",
        "*",
        "Số       -BC/HU",
    ]
    assert header[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert "ngày " in header[1].paragraphs[1].text
    table = document.tables[1]
    assert [c.text for c in table.rows[1].cells] == [
        "Tổng số kết nạp",
        "265",
        "",
        "163",
        "162,6%",
    ]
    signature = [p.text for p in document.tables[-2].rows[0].cells[1].paragraphs]
    assert signature[:2] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    assert "{{" not in text and "{%" not in text


def test_command_prints_the_same_figures(seeded, capsys, tmp_path):
    call_command(
        "report", "--org", "DBD", "--from", "2016-01-01", "--to", "2016-11-30", "--format", "json"
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["admitted"], data["percent_of_target"], data["percent_vs_same_period"]) == (
        265,
        176.7,
        162.6,
    )
    call_command(
        "report", "--org", "DBD", "--from", "2016-01-01", "--to", "2016-11-30", "--format", "text"
    )
    assert capsys.readouterr().out.startswith("Đến hết tháng 11/2016, toàn Đảng bộ huyện")
    target = tmp_path / "r.xlsx"
    call_command(
        "report",
        "--org",
        "DBD",
        "--from",
        "2016-01-01",
        "--to",
        "2016-11-30",
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    assert target.read_bytes()[:2] == b"PK"
    assert AuditEvent.objects.filter(action="reports.report.exported").count() == 3


def test_command_respects_a_users_scope(seeded):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="phạm vi"):
        call_command(
            "report",
            "--org",
            "DBD",
            "--from",
            "2016-01-01",
            "--to",
            "2016-11-30",
            "--user",
            "outsider",
        )


def test_dashboard_passes_chart_data_as_json(client_for, persona_tree):
    admit_people([persona_tree.branch], Traits(3, women=2), dates=months(2024, 1, 3), tag="d")
    response = client_for("region_officer").get("/reports/", {"org": "X01", "year": 2024})
    html = response.content.decode()
    assert '<script id="chart-data" type="application/json">' in html
    assert "js/charts.js" in html
    data = response.context["chart_data"]
    assert data["monthly"]["current"][:3] == [1, 1, 1]
    assert data["progress"]["admitted"] == [3, 0]


def test_page_query_count_is_the_same_for_a_small_and_a_large_subtree(client_for, seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("region_officer")
    counts = []
    for org in ("DBDX1B1", "DBD", "T01"):  # a cell (44 admitted), the district, the province
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get("/reports/admissions/", {"org": org, **SEED_PARAMS}).status_code == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_xlsx_export_writes_an_organisation_named_like_a_formula_as_text(client_for, persona_tree):
    from openpyxl import load_workbook

    from dangvien.organisations.models import Organisation

    formula = '=HYPERLINK("http://x")'
    Organisation.objects.filter(pk=persona_tree.branch.pk).update(name=formula)
    response = client_for("region_officer").post(
        "/reports/admissions/export.xlsx", {"org": "X01", "from": "2024-01-01", "to": "2024-12-31"}
    )
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    found = [c for c in cells if c.value == formula]
    assert found and all(c.data_type == "s" for c in found)
    assert not [c for c in cells if c.data_type == "f"]
