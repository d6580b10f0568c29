"""Issue 13, item 5: the seeds' organisation figures from the demo, at any level, with their
records (named with their parents) and their exports. Seed 001's organisation counts, which need
the full demo tree, are in dangvien/demo/tests/test_seed_001.py."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.audit.models import AuditEvent
from dangvien.organisations.models import Organisation
from dangvien.reports.drilldown import get_drilldown
from dangvien.reports.organisation_figures import get_grassroots_targets
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report

YEAR_2023 = build_period("year", year=2023)


@pytest.fixture
def client_for_user():
    from django.test import Client

    from tests.support.mfa import force_login_with_mfa

    def make(user):
        client = Client()
        force_login_with_mfa(client, user)
        return client

    return make


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--small", verbosity=0)
    return {o.code: o for o in Organisation.objects.filter(code__in=["DB", "TCH", "KCQ"])}


def test_seed_004_report_after_the_reorganisation(demo):
    """The dissolved district's 2023 report, on its own tree: 210/200."""
    report = get_admission_report(
        organisation=demo["TCH"], period=YEAR_2023, today=dt.date(2026, 11, 20)
    )
    assert (report.admitted, report.target) == (210, 200)
    assert str(report.percent_of_target) == "105.0"


def test_seed_004_from_the_demo_history(demo):
    """ "kết nạp 210/200 đảng viên, đạt 105% … Có 20 cấp ủy cơ sở hoàn thành và hoàn thành
    vượt mức chỉ tiêu" — for the district and for the province above it, on the tree of 2023
    (the district was dissolved and its communes merged on 1/7/2025)."""
    district = demo["TCH"]
    report = get_admission_report(
        organisation=district, period=YEAR_2023, today=dt.date(2024, 2, 20)
    )
    assert (report.admitted, report.target) == (210, 200)
    assert str(report.percent_of_target) == "105.0"

    for organisation in (district, demo["DB"]):
        targets = get_grassroots_targets(organisation=organisation, period=YEAR_2023)
        assert len(targets.meeting) == 20
        assert len(targets.with_target) == 24
        assert targets.sentence.startswith(
            "Có 20/24 cấp ủy cơ sở hoàn thành và hoàn thành vượt mức chỉ tiêu"
        )
    ranked = get_grassroots_targets(organisation=demo["DB"], period=YEAR_2023).rows
    assert ranked[0].percent == 125 and ranked[0].name.endswith("— Đảng bộ huyện Tủa Chùa")
    assert [row.meets_target for row in ranked[:24]] == [True] * 20 + [False] * 4


def test_grassroots_targets_run_two_queries_whatever_the_depth(demo):
    """Two queries on today's tree; one on a closed period's own tree (the placements)."""
    for organisation in (demo["TCH"], demo["DB"]):
        with CaptureQueriesContext(connection) as queries:
            get_grassroots_targets(organisation=organisation, period=YEAR_2023, structure=None)
        assert len(queries) == 2
        with CaptureQueriesContext(connection) as queries:
            get_grassroots_targets(organisation=organisation, period=YEAR_2023)
        assert len(queries) == 1


def test_organisation_counts_leave_out_the_organisations_that_ended(demo, client_for_user):
    """ "Hiện có …": the district and the communes dissolved or merged on 1/7/2025 are not
    counted, nor listed behind the count."""
    from dangvien.reports.organisation_figures import get_organisation_counts

    counts = get_organisation_counts(organisation=demo["DB"])
    assert counts.count("district") == 0
    assert counts.count("bloc") == 2  # KDCQ and KUB; the old bloc ended
    listed = get_drilldown(demo["DB"], YEAR_2023, "kind:bloc")
    assert len(listed.rows) == 2


def test_grassroots_targets_of_today_after_the_reorganisation(demo):
    """On today's tree the dissolved district holds only its ended communes, whose cells went
    to the new communes: no admission under them; the province's ranking is not 2023's."""
    today_tree = get_grassroots_targets(organisation=demo["TCH"], period=YEAR_2023, structure=None)
    assert not any(row.admitted for row in today_tree.rows)
    province = get_grassroots_targets(organisation=demo["DB"], period=YEAR_2023, structure=None)
    assert len(province.meeting) < 20


def test_drill_downs_name_cells_with_their_parents_and_match_the_figures(demo):
    """The dissolved Tủa Chùa's 2023 lists, on the default demo: counted on the tree of
    31/12/2023 like the report, its cells named with their communes of that day."""
    district = demo["TCH"]
    period = YEAR_2023
    report = get_admission_report(organisation=district, period=period, today=dt.date(2024, 1, 1))

    members = get_drilldown(district, period, "members_end")
    assert len(members.rows) == report.membership["total"] == 210
    assert members.rows[0]["cell"].count(" — ") == 1
    assert any(
        row["cell"] == "Chi bộ bản 1 Sính Phình — Đảng bộ xã Sính Phình" for row in members.rows
    )
    probationers = get_drilldown(district, period, "members_end:probationary")
    assert len(probationers.rows) == report.membership["probationary"]
    # the organisations by kind are "Hiện có" (today's), as their count: the district is gone
    from dangvien.reports.organisation_figures import get_organisation_counts

    kinds = get_drilldown(demo["DB"], period, "kind:grassroots_cell")
    counts = get_organisation_counts(organisation=demo["DB"])
    assert len(kinds.rows) == counts.count("grassroots_cell")
    assert not any(row["name"].endswith("— Đảng bộ huyện Tủa Chùa") for row in kinds.rows)
    meeting = get_drilldown(demo["DB"], period, "grassroots:meeting")
    assert len(meeting.rows) == 20
    with pytest.raises(LookupError):
        get_drilldown(district, period, "stage:nonsense")


def test_drill_downs_count_on_the_figures_tree(demo):
    """A list on a past tree equals its figure; on today's tree both differ (the dissolved
    district holds none of its 2023 members), and the list still equals the figure."""
    district = demo["TCH"]
    today = dt.date(2026, 11, 20)
    past = get_admission_report(organisation=district, period=YEAR_2023, today=today)
    now = get_admission_report(organisation=district, period=YEAR_2023, today=today, structure=None)
    assert past.structure_on == dt.date(2023, 12, 31) and now.structure_on is None
    for figure, key in (("members_end", "total"), ("members_end:probationary", "probationary")):
        on_past = get_drilldown(district, YEAR_2023, figure, today=today)
        on_today = get_drilldown(district, YEAR_2023, figure, structure=None, today=today)
        assert len(on_past.rows) == past.membership[key]
        assert len(on_today.rows) == now.membership[key]
        assert on_past.structure_on == dt.date(2023, 12, 31) and on_today.structure_on is None
    assert past.membership["total"] == 210 and now.membership["total"] == 0
    assert len(
        get_drilldown(district, YEAR_2023, "members_end", structure=dt.date(2023, 6, 30)).rows
    )
    recognised = get_drilldown(district, YEAR_2023, "recognised", today=today)
    assert len(recognised.rows) == past.membership["recognised_official"]
    meeting = get_drilldown(district, YEAR_2023, "grassroots:meeting", today=today)
    assert len(meeting.rows) == 20
    # every list of the pipeline and coverage equals its figure on either tree
    for report, structure in ((past, "default"), (now, None)):

        def rows(figure, structure=structure):
            return len(
                get_drilldown(district, YEAR_2023, figure, structure=structure, today=today).rows
            )

        pipeline, coverage = report.pipeline, report.coverage
        for stage in pipeline["stages"]:
            assert rows(f"reached:{stage['stage']}") == stage["reached_in_period"]
            assert rows(f"stage:{stage['stage']}") == stage["open"]
        assert rows("sympathisers") == pipeline["sympathisers"]
        assert rows("awareness") == pipeline["awareness_attendees"]
        assert rows("new_member_class") == pipeline["new_member_attendees"]
        assert rows("villages_without_members") == coverage["villages_without_members"]
        for row in coverage["rows"]:
            assert rows(f"coverage:{row['key']}") == row["total"]
    assert not get_drilldown(district, YEAR_2023, "grassroots:meeting", structure=None).rows


def test_drill_down_page_carries_the_tree(demo, client_for_user):
    """The report's links to the lists carry its tree; the list says it and exports on it."""
    from dangvien.accounts.models import User

    client = client_for_user(User.objects.get(username="bantochuc"))
    params = {"org": demo["TCH"].pk, "period": "year", "year": "2023"}
    report = client.get("/reports/admissions/", params)
    assert "structure=2023-12-31" in report.content.decode()
    listed = client.get("/reports/admissions/list/", {**params, "figure": "members_end"})
    assert "theo cơ cấu tổ chức ngày 31/12/2023" in listed.content.decode()
    assert "210 dòng" in listed.content.decode()
    today_tree = {**params, "figure": "members_end", "structure": "today"}
    listed = client.get("/reports/admissions/list/", today_tree)
    assert "0 dòng" in listed.content.decode()
    exported = client.post("/reports/admissions/list.xlsx", {**params, "figure": "members_end"})
    assert exported.status_code == 200
    event = AuditEvent.objects.get(action="reports.records.exported")
    assert (event.data["structure"], event.data["rows"]) == ("2023-12-31", 210)


@pytest.mark.parametrize(
    "figure",
    [
        "members_end",
        "members_end:probationary",
        "recognised",
        "stage:application",
        "reached:decision",
        "sympathisers",
        "awareness",
        "new_member_class",
        "coverage:village_heads",
        "kind:cell",
        "villages_without_members",
        "grassroots",
    ],
)
def test_every_drill_down_page_and_export(demo, client_for_user, figure):
    from openpyxl import load_workbook

    from dangvien.accounts.models import User

    client = client_for_user(User.objects.get(username="bantochuc"))
    params = {"org": demo["DB"].pk, "period": "year", "year": "2023", "figure": figure}
    page = client.get("/reports/admissions/list/", params)
    assert page.status_code == 200
    assert client.get("/reports/admissions/list.xlsx", params).status_code == 405
    exported = client.post("/reports/admissions/list.xlsx", params)
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    assert book.active.max_row >= 6  # header lines, the column heads
    event = AuditEvent.objects.get(action="reports.records.exported")
    assert event.data["figure"] == figure


def test_organisations_page_shows_the_seed_sentences(demo, client_for_user):
    from dangvien.accounts.models import User

    client = client_for_user(User.objects.get(username="bantochuc"))
    page = client.get(
        "/reports/admissions/organisations/",
        {"org": demo["TCH"].pk, "period": "year", "year": "2023"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Có 20/24 cấp ủy cơ sở hoàn thành và hoàn thành vượt mức chỉ tiêu" in text
    assert "Chi bộ Cơ quan Huyện ủy — Đảng bộ huyện Tủa Chùa" in text
