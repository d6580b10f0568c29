"""The grading figures of the report page: counts of approved grades by level and period, the
same period a year earlier, drill-down to the list, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from dangvien.grading import services
from dangvien.grading.choices import Grade, MemberStep, OrganisationStep
from dangvien.grading.services import Entry
from dangvien.members.tests.factories import make_member
from dangvien.reports.grading import get_grading_report

TODAY = dt.date(2026, 3, 1)


def _grade_cell(cell, scores, *, office, secretary, year=2025, quarter=0, disciplined=()):
    members = [
        make_member(cell, full_name=f"Đảng viên {cell.code} {i}") for i in range(len(scores))
    ]
    entries = [
        Entry(m.pk, s, disciplined=i in disciplined)
        for i, (m, s) in enumerate(zip(members, scores, strict=True))
    ]
    for step, actor in ((MemberStep.CELL_PROPOSAL, secretary), (MemberStep.APPROVAL, office)):
        services.record_member_grades(
            cell, year=year, quarter=quarter, step=step, entries=entries, actor=actor, today=TODAY
        )
    return members


@pytest.fixture
def graded(persona_tree):
    office = persona_tree.users["grassroots_office"]
    admin = persona_tree.users["national_admin"]
    secretary = persona_tree.users["branch_secretary"]
    _grade_cell(persona_tree.branch, ["95", "90", "75", "40"], office=office, secretary=secretary)
    _grade_cell(
        persona_tree.branch_two, ["92", "70"], office=office, secretary=admin, disciplined={0}
    )
    _grade_cell(persona_tree.branch_south, ["99"], office=admin, secretary=admin)
    services.record_organisation_grades(
        persona_tree.commune_north,
        year=2025,
        step=OrganisationStep.APPROVAL,
        entries=[Entry(persona_tree.branch.pk, "91"), Entry(persona_tree.branch_two.pk, "65")],
        actor=office,
        today=TODAY,
    )
    return persona_tree


def test_distribution_by_level_and_the_same_period_last_year(graded):
    region = get_grading_report(organisation=graded.region_north, year=2025)
    members = {line.key: line for line in region.members}
    assert members["total"].count == 6
    assert (members[Grade.HTXS].count, members[Grade.HTT].count) == (2, 3)
    assert (members[Grade.HT].count, members[Grade.KHT].count) == (0, 1)
    assert str(members[Grade.HTT].share) == "50.0"
    assert members["total"].previous == 0 and members["total"].ratio is None
    assert str(region.members_good_share) == "83.3"
    organisations = {line.key: line for line in region.organisations}
    assert (organisations[Grade.HTXS].count, organisations[Grade.HT].count) == (1, 1)
    # by child: the region has one child, the commune X01, holding everything
    (commune,) = region.children
    assert commune.organisation == graded.commune_north and commune.members.total == 6
    commune_report = get_grading_report(organisation=graded.commune_north, year=2025)
    by_code = {row.organisation.code: row for row in commune_report.children}
    assert by_code["CB01"].members.counts[Grade.KHT] == 1
    assert by_code["CB02"].members.counts[Grade.HTT] == 2  # 92 disciplined → HTT
    assert by_code["CB02"].organisations.counts[Grade.HT] == 1
    # a quarter is another period: nothing approved there
    assert (
        get_grading_report(organisation=graded.region_north, year=2025, quarter=4).members[0].count
        == 0
    )


def test_report_query_count_does_not_grow_with_the_tree(graded, django_assert_num_queries):
    # membership at the year's end: one counter statement (members.counters)
    with django_assert_num_queries(7):
        get_grading_report(organisation=graded.region_north, year=2025)
    with django_assert_num_queries(7):
        get_grading_report(organisation=graded.root, year=2025)


def test_page_and_drill_down(graded, client_for):
    client = client_for("region_officer")
    page = client.get("/reports/grading/", {"org": "X01", "year": 2025})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="members-total">6<' in html
    assert "83,3%" in html
    records = client.get(
        "/reports/grading/records/",
        {"org": "X01", "year": 2025, "kind": "members", "grade": "kht"},
    )
    assert 'id="record-count">1 người' in records.content.decode()
    organisations = client.get(
        "/reports/grading/records/", {"org": "X01", "year": 2025, "kind": "organisations"}
    ).content.decode()
    assert "Chi bộ thôn 2" in organisations
    # the south is out of the region officer's reach, a bad grade is 404
    assert client.get("/reports/grading/", {"org": "X02", "year": 2025}).status_code == 404
    assert (
        client.get(
            "/reports/grading/records/", {"org": "X01", "year": 2025, "grade": "zzz"}
        ).status_code
        == 404
    )


def test_api_distribution(graded, client_for):
    data = client_for("viewer").get("/api/v1/grading/distribution", {"org": "T01", "year": 2025})
    assert data.status_code == 200
    body = data.json()
    assert body["members"] == {"htxs": 2, "htt": 3, "ht": 0, "kht": 1, "total": 6}
    assert (
        client_for("viewer")
        .get("/api/v1/grading/distribution", {"org": "T02", "year": 2025})
        .status_code
        == 404
    )


def test_docx_report_has_the_years_grades(graded, client_for):
    from docx import Document

    response = client_for("region_officer").post(
        "/reports/admissions/export.docx", {"org": "X01", "period": "year", "year": "2025"}
    )
    assert response.status_code == 200
    table = next(
        t
        for t in Document(io.BytesIO(response.content)).tables
        if t.rows[0].cells[0].text == "Nội dung"
    )
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert [
        "Xếp loại đảng viên năm 2025: Đảng viên được xếp loại",
        "6",
        "0",
        "—",
    ] in rows
    assert ["Xếp loại đảng viên năm 2025: KHT — Không hoàn thành nhiệm vụ", "1", "0", "—"] in rows
    assert any(r[0].startswith("Xếp loại tổ chức đảng năm 2025: HTXS") for r in rows)
