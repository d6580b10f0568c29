"""The member-quality figures of the report page: screening pipeline, removals by form, dues
alerts, badges due and awarded by milestone — set-based, with drill-down to the rows."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.badges import services as badge_services
from dangvien.members.choices import MemberStatus
from dangvien.members.services import change_status
from dangvien.members.tests.factories import make_member
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_member_quality_figures
from dangvien.screening import services as screening_services

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def world(persona_tree, branch_secretary, region_officer):
    branch = persona_tree.branch
    members = [make_member(branch, full_name=f"Đảng Viên {i}") for i in range(4)]
    for member in members[:2]:
        screening_services.record_months(
            [screening_services.MonthEntry(member, D(2026, m, 1), "unpaid") for m in (2, 4, 6)],
            actor=branch_secretary,
        )
    case = screening_services.open_screening_case(
        members[0],
        date=D(2026, 11, 2),
        votes_for=4,
        votes_against=0,
        present=4,
        votes_eligible=4,
        actor=branch_secretary,
    )
    screening_services.propose_removal(
        case,
        form="removed",
        date=D(2026, 11, 10),
        votes_for=3,
        votes_against=1,
        present=4,
        votes_eligible=4,
        actor=branch_secretary,
    )
    screening_services.decide_screening_case(
        case, removed=True, date=D(2026, 11, 18), decision_number="3-QĐ/ĐU", actor=region_officer
    )
    change_status(
        members[3],
        status=MemberStatus.EXPELLED,
        date=D(2026, 3, 1),
        actor=region_officer,
        note="Vi phạm",
    )
    veteran = make_member(branch, decision_date=D(1976, 5, 1), full_name="Cựu Chiến Binh")
    badge_services.award_badge(
        veteran,
        milestone=50,
        award_date=D(2026, 5, 19),
        badge_number="50-001",
        decision_number="9-QĐ/TU",
        decision_date=D(2026, 5, 1),
        actor=region_officer,
    )
    make_member(branch, decision_date=D(1996, 12, 1), full_name="Sắp Ba Mươi")
    return members


def test_figures_for_the_year(persona_tree, world, django_assert_num_queries):
    period = build_period("year", year=2026)
    # rule-set reads (no request memo here), the grading, screening and badge figures (the
    # badges due: the few members with a gap or a proposal, then one grouped count)
    with django_assert_num_queries(15):
        figures = get_member_quality_figures(organisation=persona_tree.region_north, period=period)
    screening = figures.screening
    assert (screening.opened, screening.listed) == (1, 1)
    assert screening.removals == {"removed": 1, "expelled": 1, "left": 0}
    assert screening.removals_from_screening == 1
    # members[0] and members[1] had three unpaid months; the removed one still counts
    assert screening.dues_alerts == 2
    assert figures.badge_day == D(2027, 2, 3)
    assert figures.badges_due[30] == 1  # admitted 01/12/1996: 30 years on 03/02/2027
    assert figures.badges_awarded[50] == 1
    # the same number of queries for a single cell
    with django_assert_num_queries(15):
        get_member_quality_figures(organisation=persona_tree.branch, period=period)


def test_report_page_links_each_figure_to_its_rows(client_for, persona_tree, world):
    client = client_for("region_officer")
    response = client.get(
        f"{reverse('reports:report')}?org={persona_tree.region_north.pk}&period=year&year=2026"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="removals-by-form"' in html and 'id="badges-by-milestone"' in html
    records = client.get(
        f"{reverse('reports:records')}?org={persona_tree.region_north.pk}&period=year&year=2026"
        "&figure=removed"
    )
    assert records.status_code == 200
    assert "Đảng Viên 0" in records.content.decode()
    assert "Đảng Viên 3" not in records.content.decode()
    alerts = client.get(
        f"{reverse('screening:dues-alerts')}?org={persona_tree.region_north.pk}&year=2026"
    )
    page = alerts.content.decode()
    assert "Đảng Viên 0" in page and "Đảng Viên 1" in page and "Đảng Viên 2" not in page
    # out of scope: the outsider names the north region
    assert (
        client_for("outsider")
        .get(f"{reverse('reports:records')}?org={persona_tree.region_north.pk}&figure=expelled")
        .status_code
        == 404
    )


def test_the_word_report_carries_the_member_quality_figures(client_for, persona_tree, world):
    import io

    from docx import Document

    response = client_for("region_officer").post(
        reverse("reports:export", args=["docx"]),
        {"org": persona_tree.region_north.pk, "period": "year", "year": "2026"},
    )
    assert response.status_code == 200
    table = next(
        t
        for t in Document(io.BytesIO(response.content)).tables
        if t.rows[0].cells[0].text == "Nội dung"
    )
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in table.rows}
    assert rows["Đưa vào diện rà soát, giúp đỡ"] == ["1", "0", "—"]
    assert rows["Giảm đảng viên: Xóa tên"][0] == "1"
    assert rows["Giảm đảng viên: Khai trừ"][0] == "1"
    assert rows["Đảng viên không đóng đảng phí từ 3 tháng trong năm"][0] == "2"
    assert rows["Trao Huy hiệu 50 năm tuổi Đảng"][0] == "1"
    assert rows["Đến hạn Huy hiệu 30 năm tuổi Đảng (đợt 03/02/2027)"][0] == "1"
