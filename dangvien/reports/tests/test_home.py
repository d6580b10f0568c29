"""The start page: a cell secretary's month at a glance, the commune office's worklist, overdue
days in the unit of their rule, scope, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.core.calendar import add_working_days, working_days_between
from dangvien.reports.home import get_home
from dangvien.reports.tests.home_world import TODAY, build_cell_month, dossier_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0), tick=False):
        yield


@pytest.fixture
def month(frozen, persona_tree):
    return build_cell_month(persona_tree)


def test_cell_home_shows_pipeline_next_steps_recognisable_and_overdue(month, persona_tree):
    home = get_home(user=persona_tree.users["branch_secretary"], today=TODAY)
    counts = {stage.key: stage.count for stage in home.stages}
    assert counts["cell_vote"] == counts["decision"] == counts["opinions"] == 1
    assert counts["outstanding"] == 1
    assert home.open_dossiers == 4 and home.probationers == 3
    # each person with the next step and its due date; the most urgent first
    rows = {row.name: row for row in home.people}
    late = rows["Lò Văn Quá Hạn"]
    assert (late.next_action, late.overdue) == ("Đảng ủy cơ sở xét", True)
    assert late.due == month.late_decision.next_deadline
    assert home.people[0].name == "Lò Văn Quá Hạn"
    assert rows["Vì Thị Ưu Tú"].next_action == "Học lớp nhận thức về Đảng"
    assert rows["Vì Thị Ưu Tú"].due is None
    # probationers whose 12 months are over, with what they still lack
    recognisable = {p.name: p for p in home.recognisable}
    assert set(recognisable) == {"Lường Văn Đủ Giấy", "Tòng Thị Thiếu Giấy"}
    assert recognisable["Lường Văn Đủ Giấy"].ready
    assert len(recognisable["Tòng Thị Thiếu Giấy"].missing) == 4
    # the overdue decision: in working days, as its rule counts it
    decision = next(d for d in home.overdue if d.item.kind == "admissions.decision")
    due = month.late_decision.next_deadline
    assert due == add_working_days(dt.date(2026, 7, 11), 60)
    assert decision.working_days
    assert decision.overdue_days == working_days_between(due, TODAY) > 0
    # the ceremony due within the horizon is upcoming, not overdue
    assert any(d.item.kind == "admissions.ceremony" for d in home.upcoming)


def test_home_page_says_how_many_days_overdue(month, persona_tree, client_for):
    response = client_for("branch_secretary").get(reverse("home"))
    html = response.content.decode()
    due = month.late_decision.next_deadline
    assert f"quá hạn {working_days_between(due, TODAY)} ngày làm việc" in html
    assert "Lường Văn Đủ Giấy" in html and "Đủ giấy tờ" in html
    assert "Chi bộ thôn 1" in html


def test_overdue_in_calendar_days_for_a_calendar_deadline(frozen, persona_tree):
    from dangvien.core.worklist import WorkItem
    from dangvien.reports.home import _due_items

    item = WorkItem(
        kind="members.card_hand_over",
        label="x",
        subject="y",
        organisation=persona_tree.branch,
        due=dt.date(2026, 11, 21),
        url="/",
    )
    (due,) = _due_items([item], TODAY)
    assert (due.overdue_days, due.working_days) == (10, False)


def test_commune_office_sees_its_cells_work_grouped_by_organisation(month, persona_tree):
    home = get_home(user=persona_tree.users["grassroots_office"], today=TODAY)
    assert home.open_dossiers == 4
    organisations = [group[0] for group in home.groups]
    assert persona_tree.branch in organisations
    assert sum(len(items) for _org, items in home.groups) == home.due_count > 0


def test_out_of_scope_sees_nothing_of_the_cell(month, persona_tree):
    home = get_home(user=persona_tree.users["outsider"], today=TODAY)
    assert home.open_dossiers == 0 and home.people == [] and home.recognisable == []
    assert home.due_count == 0


# session, user, assignments, MFA check; the top organisations; stage counts, probationers,
# people; recognisable (count, rows, steps, certificates); the worklist sources (members'
# recognition source asks the rule set and the calendar); the overdue days; the deciding
# committees of the dossiers and of the probationers. The rule sets and the calendar
# corrections are read once per request (``core.memo``). The probationers whose action may be
# due are read as keys first (then only they are built: ``members.selectors._may_be_due``).
HOME_QUERIES = 27


def test_home_query_count_does_not_grow(month, persona_tree, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("branch_secretary")
    client.get(reverse("home"))  # warm the per-process caches (rule sets, calendar, horizons)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("home")).status_code == 200
    admin = persona_tree.users["national_admin"]
    for i in range(3):
        dossier_at(
            persona_tree.branch, admin, "cell_vote", start=dt.date(2026, 7, 13), name=f"Thêm {i}"
        )
    with django_assert_num_queries(len(first)):
        client.get(reverse("home"))
    assert len(first) == HOME_QUERIES


def test_a_long_worklist_is_cut_with_a_link_to_the_worklist_page(frozen, persona_tree):
    from dangvien.core import worklist
    from dangvien.core.worklist import WorkItem
    from dangvien.reports.home import WORK_SHOWN

    def hundred(user, today):
        return [
            WorkItem(
                kind="members.card_hand_over",
                label="Trao thẻ",
                subject=f"Người {n}",
                organisation=persona_tree.branch,
                due=today + dt.timedelta(days=n - 20),
                url="/",
            )
            for n in range(100)
        ]

    worklist.register_source("test.hundred", hundred)
    try:
        home = get_home(user=persona_tree.users["branch_secretary"], today=TODAY)
    finally:
        del worklist._SOURCES["test.hundred"]
    shown = [due for _org, items in home.groups for due in items]
    assert len(shown) == WORK_SHOWN and home.work_hidden == 100 - WORK_SHOWN
    assert len(home.overdue) == 20 and sum(due.overdue for due in shown) == 20


def _more_work_elsewhere(persona_tree) -> None:
    """The same kinds of work in the commune's other cell (CB02), more of each: a larger
    scope has more rows of every kind, not other kinds."""
    from dangvien.members.choices import MemberStatus
    from dangvien.members.tests.factories import make_member

    cell, admin = persona_tree.branch_two, persona_tree.users["national_admin"]
    for i, (stage, start) in enumerate(
        [
            ("cell_vote", dt.date(2026, 7, 6)),  # decision overdue
            ("decision", dt.date(2026, 10, 20)),  # ceremony due soon
            ("opinions", dt.date(2026, 11, 2)),  # waiting
            ("outstanding", dt.date(2026, 11, 20)),  # waiting, no legal deadline
        ]
        * 2
    ):
        dossier_at(cell, admin, stage, start=start, name=f"Chi bộ hai {i}")
    for i, (decided, ceremony) in enumerate(
        [(dt.date(2025, 9, 10), dt.date(2025, 10, 1)), (dt.date(2026, 5, 1), dt.date(2026, 5, 20))]
        * 2
    ):
        make_member(
            cell,
            status=MemberStatus.PROBATIONARY,
            decision_date=decided,
            ceremony_date=ceremony,
            full_name=f"Dự bị hai {i}",
        )


@pytest.mark.parametrize("url", ["/", "/admissions/worklist/"])
def test_start_page_and_worklist_queries_do_not_grow_with_the_scope(
    url, month, persona_tree, client_for
):
    """Issue 12: the start page and the worklist make as many queries for the province's
    board (two cells with work, more of it) as for the commune's office and one cell's
    secretary: the count is that of the sources, never of the organisations or the items.
    The secretary's is one fewer: the training centre's source reads nothing for a role that
    runs no classes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _more_work_elsewhere(persona_tree)
    counts = {}
    for persona in ("branch_secretary", "grassroots_office", "region_officer"):
        client = client_for(persona)
        client.get(url)  # warm the per-process caches (rule sets, calendar, horizons, URLs)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[persona] = len(captured)
    pinned = HOME_QUERIES if url == "/" else WORKLIST_QUERIES
    assert counts == {
        "branch_secretary": pinned,
        "grassroots_office": pinned + 1,
        "region_officer": pinned + 1,
    }


# session, user, assignments, MFA check; the due sources as on the start page; the oldest
# waiting items: the dossiers' order (one query) and the shown ones (three), the far
# probationers' order (one) and the shown ones (three), the near ones shared with the due list
WORKLIST_QUERIES = 27


def test_the_worklist_builds_only_what_it_shows_and_shows_the_same(month, persona_tree):
    """The due probationers are those of the full run (only those that may be due are built),
    and the oldest waiting items and their count are the full waiting list's."""
    from dangvien.core.worklist import collect_waiting, collect_waiting_oldest
    from dangvien.members.selectors import list_probationer_work, work_probation_ending

    _more_work_elsewhere(persona_tree)
    for persona in ("branch_secretary", "region_officer", "outsider"):
        user = persona_tree.users[persona]
        assert work_probation_ending(user, TODAY) == [
            item for item, due in list_probationer_work(user, TODAY) if due
        ]
        waiting = collect_waiting(user, TODAY)
        assert persona == "outsider" or len(waiting) >= 3
        for limit in range(1, len(waiting) + 2):
            assert collect_waiting_oldest(user, TODAY, limit) == (waiting[:limit], len(waiting))
