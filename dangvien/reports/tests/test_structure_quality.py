"""The member-quality figures and the dashboard's monthly series follow the report's structure
date (issue 11): a commune merged in the middle of 2025 keeps its first-half figures on the old
tree, and they sit under the new commune on today's tree."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangvien.badges import services as badge_services
from dangvien.members.choices import MemberStatus
from dangvien.members.services import change_status
from dangvien.members.tests.factories import make_member
from dangvien.organisations import reorganisation as ops
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.tests.factories import make_organisation
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import (
    get_admission_report,
    get_member_quality_figures,
    get_monthly_admissions,
)
from dangvien.screening import services as screening_services

pytestmark = pytest.mark.django_db

D = dt.date
JULY_1 = D(2025, 7, 1)
OLD_TREE = D(2025, 6, 30)
YEAR_2025 = build_period("year", year=2025)


@pytest.fixture
def merged(persona_tree, national_admin, region_officer, branch_secretary):
    """Communes XA and XB (a cell each) merged into XM on 1/7/2025; XA's cell recorded an
    admission, three unpaid months, a screening case, an expulsion and a badge before."""
    province = persona_tree.region_north
    xa = make_organisation(province, code="XA", name="Đảng bộ xã A", kind=K.COMMUNE)
    xb = make_organisation(province, code="XB", name="Đảng bộ xã B", kind=K.COMMUNE)
    cell = make_organisation(xa, code="CBA", name="Chi bộ A")
    make_organisation(xb, code="CBB", name="Chi bộ B")
    make_member(cell, decision_date=D(2025, 3, 10), status=MemberStatus.PROBATIONARY)
    members = [make_member(cell, full_name=f"Đảng Viên {i}") for i in range(2)]
    screening_services.record_months(
        [screening_services.MonthEntry(members[0], D(2025, m, 1), "unpaid") for m in (1, 2, 3)],
        actor=national_admin,
    )
    screening_services.open_screening_case(
        members[0],
        date=D(2025, 4, 2),
        votes_for=4,
        votes_against=0,
        present=4,
        votes_eligible=4,
        actor=national_admin,
    )
    change_status(
        members[1],
        status=MemberStatus.EXPELLED,
        date=D(2025, 3, 1),
        actor=national_admin,
        note="Vi phạm",
    )
    veteran = make_member(cell, decision_date=D(1975, 5, 1), full_name="Cựu Chiến Binh")
    badge_services.award_badge(
        veteran,
        milestone=50,
        award_date=D(2025, 5, 19),
        badge_number="50-001",
        decision_number="9-QĐ/TU",
        decision_date=D(2025, 5, 1),
        actor=national_admin,
    )
    ops.merge(
        [xa, xb],
        into=ops.OrganisationSpec(code="XM", name="Đảng bộ xã Mới", kind=K.COMMUNE),
        effective_date=JULY_1,
        decision_number="31-HD/BTCTW",
        actor=national_admin,
    )
    xa.refresh_from_db()
    from dangvien.organisations.models import Organisation

    return xa, Organisation.objects.get(code="XM")


def _quality(organisation, structure):
    report = get_admission_report(organisation=organisation, period=YEAR_2025, structure=structure)
    with CaptureQueriesContext(connection) as queries:
        figures = get_member_quality_figures(
            organisation=organisation, period=YEAR_2025, structure=report.structure_root
        )
    s = figures.screening
    counts = (s.opened, s.removals["expelled"], s.dues_alerts, figures.badges_awarded[50])
    return counts, len(queries)


def test_member_quality_on_the_old_tree_and_on_today_s(merged):
    xa, xm = merged
    old_a, n_old = _quality(xa, OLD_TREE)
    today_a, n_today = _quality(xa, None)
    old_m, _n = _quality(xm, OLD_TREE)
    today_m, _n = _quality(xm, None)
    # (cases opened, expelled, dues alerts, 50-year badges awarded)
    assert old_a == (1, 1, 1, 1)  # the old commune, as the tree was on 30/06/2025
    assert today_a == (0, 0, 0, 0)  # on today's tree its cell sits under XM
    assert old_m == (0, 0, 0, 0)  # XM did not exist on 30/06/2025
    assert today_m == (1, 1, 1, 1)
    # the past tree is a subquery in the same statements: no query more
    assert n_old == n_today


def test_monthly_series_on_the_report_tree(merged):
    xa, xm = merged
    for organisation, structure, march in ((xa, OLD_TREE, 1), (xa, None, 0), (xm, None, 1)):
        root = get_admission_report(
            organisation=organisation, period=YEAR_2025, structure=structure
        ).structure_root
        with CaptureQueriesContext(connection) as queries:
            series = get_monthly_admissions(organisation=organisation, year=2025, structure=root)
        assert series[2025][2] == march, (organisation.code, structure)
        assert len(queries) == 1


def test_pages_follow_the_structure_date(merged, client_for):
    xa, _xm = merged
    client = client_for("national_admin")
    base = f"org={xa.pk}&period=year&year=2025"
    old = client.get(f"{reverse('reports:report')}?{base}&structure=2025-06-30")
    today = client.get(f"{reverse('reports:report')}?{base}&structure=today")
    assert old.status_code == today.status_code == 200
    assert old.context["quality"]["removals_total"] == 1
    assert today.context["quality"]["removals_total"] == 0
    # the removals' drill-down carries the tree
    urls = [url for _label, _n, url in old.context["quality"]["removals"]]
    assert urls and all("structure=2025-06-30" in url for url in urls)

    dashboard = client.get(f"{reverse('reports:dashboard')}?{base}&structure=2025-06-30")
    assert dashboard.status_code == 200
    assert dashboard.context["chart_data"]["monthly"]["current"][2] == 1
    now = client.get(f"{reverse('reports:dashboard')}?{base}&structure=today")
    assert now.context["chart_data"]["monthly"]["current"][2] == 0


def test_case_and_award_lists_follow_the_report_s_tree(merged, client_for):
    """The report's links to the screening cases and the badge register carry its tree, and on
    it their rows are the figure's rows; on today's tree the old commune holds none of them."""
    xa, xm = merged
    client = client_for("national_admin")
    base = f"org={xa.pk}&period=year&year=2025"
    old = client.get(f"{reverse('reports:report')}?{base}&structure=2025-06-30")
    quality = old.context["quality"]
    figures = quality["figures"]
    assert "structure=2025-06-30" in quality["cases_url"]
    cases = client.get(quality["cases_url"])
    assert cases.status_code == 200
    assert cases.context["page"].paginator.count == sum(figures.screening.by_status.values()) == 1
    assert "Theo cơ cấu tổ chức ngày 30/06/2025" in cases.content.decode()
    for _label, count, url in quality["statuses"]:
        assert client.get(url).context["page"].paginator.count == count
    badge_url = next(url for m, _due, _n, url in quality["badges"] if m == 50)
    assert "structure=2025-06-30" in badge_url
    register = client.get(badge_url)
    assert register.context["page"].paginator.count == figures.badges_awarded[50] == 1
    assert {m: n for m, n, _e in register.context["counts"]}[50] == 1
    # today's tree: the old commune holds none of them, the new one holds both
    for org, expected in ((xa, 0), (xm, 1)):
        cases = client.get(reverse("screening:case-list"), {"org": org.pk, "structure": "today"})
        assert cases.context["page"].paginator.count == expected
        register = client.get(
            reverse("badges:award-list"), {"org": org.pk, "year": 2025, "milestone": 50}
        )
        assert register.context["page"].paginator.count == expected
    # the API lists them on the same trees
    for org, structure, expected in ((xa, "2025-06-30", 1), (xa, "", 0), (xm, "today", 1)):
        query = {"org": org.code, "structure": structure}
        cases = client.get("/api/v1/screening/cases", query)
        assert cases.status_code == 200, cases.content
        assert len(cases.json()) == expected
        awards = client.get("/api/v1/badges/awards", {**query, "milestone": 50})
        assert awards.status_code == 200, awards.content
        assert len(awards.json()) == expected
    refused = client.get("/api/v1/badges/awards", {"org": xa.code, "structure": "hôm qua"})
    assert refused.status_code == 400
    assert "Ngày cơ cấu tổ chức «hôm qua» không hợp lệ" in refused.json()["detail"]
    bad = client.get(reverse("screening:case-list"), {"org": xa.pk, "structure": "hôm qua"})
    assert bad.status_code == 200
    assert "Ngày cơ cấu tổ chức «hôm qua» không hợp lệ" in bad.content.decode()


def test_drill_downs_of_a_merged_commune_follow_the_tree(merged):
    """The members at the end, the recognised and the coverage lists of XA for the first half
    of 2025: on the tree of 30/06/2025 they equal its figures; on today's tree XA holds none,
    and XM holds them."""
    from dangvien.people.tests.factories import PersonFactory
    from dangvien.reports.drilldown import get_drilldown

    xa, xm = merged
    from dangvien.organisations.models import Organisation

    PersonFactory(organisation=Organisation.objects.get(code="CBA"), is_village_head=True)
    half = build_period("half", year=2025)
    for organisation, structure in ((xa, OLD_TREE), (xa, None), (xm, None), (xm, OLD_TREE)):
        report = get_admission_report(organisation=organisation, period=half, structure=structure)
        for figure, expected in (
            ("members_end", report.membership["total"]),
            ("members_end:probationary", report.membership["probationary"]),
            ("recognised", report.membership["recognised_official"]),
            ("coverage:village_heads", report.coverage["rows"][0]["total"]),
        ):
            listed = get_drilldown(organisation, half, figure, structure=structure)
            assert len(listed.rows) == expected, (organisation.code, structure, figure)
        held = report.membership["total"]
        assert held == (3 if (organisation == xa) == (structure == OLD_TREE) else 0)
    listed = get_drilldown(xa, half, "members_end", structure=OLD_TREE)
    assert {row["cell"] for row in listed.rows} == {"Chi bộ A — Đảng bộ xã A"}
    listed = get_drilldown(xm, half, "members_end", structure=None)
    assert {row["cell"] for row in listed.rows} == {"Chi bộ A — Đảng bộ xã Mới"}


@pytest.fixture
def graded_then_merged(persona_tree, national_admin):
    """Communes XA (cell CBA: 2 members graded for 2025) and XB (cell CBB: 1) merged into XM on
    1/3/2026."""
    from dangvien.grading import services as grading_services
    from dangvien.grading.choices import MemberStep
    from dangvien.grading.services import Entry
    from dangvien.organisations.models import Organisation

    province = persona_tree.region_north
    communes = []
    for letter, scores in (("A", ["95", "75"]), ("B", ["90"])):
        commune = make_organisation(
            province, code=f"X{letter}", name=f"Đảng bộ xã {letter}", kind=K.COMMUNE
        )
        cell = make_organisation(commune, code=f"CB{letter}", name=f"Chi bộ {letter}")
        members = [
            make_member(cell, full_name=f"Đảng Viên {letter}{i}") for i in range(len(scores))
        ]
        for step in (MemberStep.CELL_PROPOSAL, MemberStep.APPROVAL):
            grading_services.record_member_grades(
                cell,
                year=2025,
                step=step,
                entries=[Entry(m.pk, s) for m, s in zip(members, scores, strict=True)],
                actor=national_admin,
                today=D(2026, 1, 20),
            )
        communes.append(commune)
    ops.merge(
        communes,
        into=ops.OrganisationSpec(code="XM", name="Đảng bộ xã Mới", kind=K.COMMUNE),
        effective_date=D(2026, 3, 1),
        decision_number="31-HD/BTCTW",
        actor=national_admin,
    )
    return Organisation.objects.get(code="XA"), Organisation.objects.get(code="XM")


def _grading(organisation, on):
    from dangvien.organisations.selectors import resolve_structure
    from dangvien.reports.grading import get_grading_report

    root = resolve_structure(organisation, on)
    with CaptureQueriesContext(connection) as queries:
        report = get_grading_report(organisation=organisation, year=2025, structure=root)
    children = {row.organisation.code: row.members.total for row in report.children}
    return report.member_counts.total, children, len(queries)


def test_grading_distribution_on_the_old_tree_and_on_today_s(graded_then_merged, persona_tree):
    xa, xm = graded_then_merged
    end_2025 = D(2025, 12, 31)
    total, children, n_past = _grading(xa, end_2025)
    assert (total, children) == (2, {"CBA": 2})
    total, children, n_today = _grading(xa, None)
    assert (total, children) == (0, {})
    assert _grading(xm, end_2025)[:2] == (0, {})  # XM did not exist
    assert _grading(xm, None)[:2] == (3, {"CBA": 2, "CBB": 1})
    # the province: its children as they were, or as they are
    region = persona_tree.region_north
    _total, past_children, _n = _grading(region, end_2025)
    _total, today_children, _n = _grading(region, None)
    assert (past_children["XA"], past_children["XB"]) == (2, 1) and "XM" not in past_children
    # today: XM holds both cells; the ended XA stays a row of the tree, holding nothing
    assert (today_children["XM"], today_children["XA"]) == (3, 0)
    assert n_past == n_today == 7  # the pinned count (reports/tests/test_grading.py)


def test_grading_page_defaults_to_the_closed_year_s_tree(graded_then_merged, client_for):
    xa, _xm = graded_then_merged
    client = client_for("national_admin")
    page = client.get(f"{reverse('reports:grading')}?org={xa.pk}&year=2025")
    assert page.status_code == 200
    assert page.context["report"].member_counts.total == 2
    assert "Số liệu tính theo cơ cấu tổ chức ngày 31/12/2025" in page.content.decode()
    now = client.get(f"{reverse('reports:grading')}?org={xa.pk}&year=2025&structure=today")
    assert now.context["report"].member_counts.total == 0
    # the rows behind the count, on the same tree
    rows = client.get(
        f"{reverse('reports:grading-records')}?org={xa.pk}&year=2025&kind=members"
        "&structure=2025-12-31"
    )
    assert rows.status_code == 200
    assert rows.context["page"].paginator.count == 2


def test_grading_api_takes_the_structure_date(graded_then_merged, client_for):
    _xa, _xm = graded_then_merged
    api = client_for("national_admin")
    url = "/api/v1/grading/distribution"
    closed = api.get(url, {"org": "XA", "year": 2025})  # default: the closed year's own tree
    assert closed.status_code == 200, closed.content
    assert (closed.json()["members"]["total"], closed.json()["structure"]) == (2, "2025-12-31")
    today = api.get(url, {"org": "XA", "year": 2025, "structure": "today"}).json()
    assert (today["members"]["total"], today["structure"]) == (0, None)
    merged = api.get(url, {"org": "XM", "year": 2025, "structure": "today"}).json()
    assert merged["members"]["total"] == 3
    bad = api.get(url, {"org": "XA", "year": 2025, "structure": "31/12/2025"})
    assert bad.status_code == 400
    assert bad.json()["detail"] == (
        "Ngày cơ cấu tổ chức «31/12/2025» không hợp lệ; cần YYYY-MM-DD hoặc «today»."
    )
