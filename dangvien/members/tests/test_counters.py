"""The counters equal the live computation, whatever happens (issue 12).

A property-based test: hypothesis draws a sequence of operations through the services —
admissions, imports, existing members entered, status changes (removals, deaths, leaving,
re-admission), official and temporary transfers and their end, corrections of a person,
a merge of two cells in a reorganisation — some of which the services refuse. After them:

- every counter table equals its rebuild from the facts (``core.counters.computed``), the
  balances included;
- the report's membership figures read from the counters (``_membership_at_end``) equal the
  statement over the facts (``membership_from_facts``) for every organisation, on several
  days, on today's tree and on the tree of that day.

It runs on SQLite and on PostgreSQL with the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.audit.models import AuditEvent
from dangvien.core import counters
from dangvien.core.errors import DomainError
from dangvien.members import services
from dangvien.members.choices import MemberStatus
from dangvien.members.counters import SPEC
from dangvien.members.models import (
    MemberBalance,
    MemberCount,
    MemberRollup,
    Membership,
    Transfer,
)
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import resolve_structure
from dangvien.people import services as people_services
from dangvien.people.tests.factories import PersonFactory
from dangvien.reports.periods import Period
from dangvien.reports.selectors import (
    _admission_aggregates,
    _children_rows,
    _membership_at_end,
    admission_aggregates_from_facts,
    membership_from_facts,
)
from tests.support.counter_world import TreeWorld, run_and_check

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 1)
DAYS = 900  # up to mid-2026, before today
STATUSES = [
    MemberStatus.REMOVED,
    MemberStatus.DECEASED,
    MemberStatus.LEFT,
    MemberStatus.LOST_CONTACT,
    MemberStatus.EXEMPT,
    MemberStatus.OFFICIAL,
    MemberStatus.PROBATIONARY,
    MemberStatus.TRANSFERRED_OUT,
]

day = st.integers(min_value=0, max_value=DAYS)
index = st.integers(min_value=0, max_value=50)
operation = st.one_of(
    st.tuples(st.just("admit"), index, day),
    st.tuples(st.just("register"), index, day, st.booleans()),
    st.tuples(st.just("bulk"), index, st.integers(1, 4), day),
    st.tuples(st.just("status"), index, st.sampled_from(STATUSES), day),
    st.tuples(st.just("transfer"), index, index, st.sampled_from(["official", "temporary"]), day),
    st.tuples(st.just("end_temporary"), index, day),
    st.tuples(st.just("correct_person"), index),
    st.tuples(st.just("merge"), day),
    st.tuples(st.just("move"), index, index, day),
)


def _on(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


class World(TreeWorld):
    def cell(self, i: int) -> Organisation:
        live = self.live_cells()
        return live[i % len(live)]

    def member(self, i: int) -> Membership | None:
        rows = list(Membership.objects.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def run(self, op: tuple[Any, ...]) -> None:
        kind = op[0]
        actor = self.actor
        if kind == "admit":
            decision = _on(op[2])
            services.admit_member(
                person=PersonFactory(organisation=self.cell(op[1])),
                organisation=self.cell(op[1]),
                decision_date=decision,
                decision_number="1-QĐ/ĐU",
                ceremony_date=decision + dt.timedelta(days=10),
                actor=actor,
            )
        elif kind == "register":
            decision = _on(op[2]) - dt.timedelta(days=500)
            services.register_existing_member(
                person=PersonFactory(organisation=self.cell(op[1])),
                organisation=self.cell(op[1]),
                decision_date=decision,
                ceremony_date=decision + dt.timedelta(days=5),
                official_date=decision + dt.timedelta(days=400) if op[3] else None,
                actor=actor,
            )
        elif kind == "bulk":
            cell = self.cell(op[1])
            decision = _on(op[3]) - dt.timedelta(days=450)
            rows = [
                {
                    "person_id": PersonFactory(organisation=cell).pk,
                    "organisation": cell,
                    "decision_date": decision,
                    "ceremony_date": decision + dt.timedelta(days=7),
                    "official_date": decision + dt.timedelta(days=380) if n % 2 else None,
                }
                for n in range(op[2])
            ]
            services.bulk_register_members(rows, actor=actor)
        elif kind == "status":
            member = self.member(op[1])
            if member is not None:
                services.change_status(
                    member, status=op[2], date=_on(op[3]), actor=actor, note="Lý do thử"
                )
        elif kind == "transfer":
            member = self.member(op[1])
            if member is not None:
                started = _on(op[4])
                transfer = services.start_transfer(
                    member,
                    to_organisation=self.cell(op[2]),
                    kind=op[3],
                    reason_date=started,
                    started_on=started,
                    actor=actor,
                )
                services.confirm_transfer(
                    transfer, confirmed_on=started + dt.timedelta(days=3), actor=actor
                )
        elif kind == "end_temporary":
            member = self.member(op[1])
            transfer = (
                Transfer.objects.filter(membership=member, kind="temporary", status="confirmed")
                .order_by("pk")
                .first()
            )
            if transfer is not None:
                services.end_temporary_transfer(transfer, date=_on(op[2]), actor=actor)
        elif kind == "correct_person":
            member = self.member(op[1])
            if member is not None:
                person = member.person
                sex = "male" if person.sex == "female" else "female"
                people_services.update_person(person, actor=actor, sex=sex)
        elif kind == "merge":
            self.merge_cells(_on(op[1]))
        elif kind == "move":
            # a cell to the other commune, or a commune to the other province: the cells'
            # roll-ups change hands (core.counters.rerooted)
            if op[1] % 2:
                node = self.cell(op[1])
                others = [c.pk for c in self.communes if c.pk != node.get_parent().pk]
            else:
                node = self.communes[op[1] % 4 // 2]
                others = [pk for pk in self.provinces if pk != node.get_parent().pk]
            self.move(node, others, _on(op[3]))


def _check_counters_equal_the_facts(tree: Any) -> None:
    for spec in counters.specs():
        expected = counters.computed(spec)
        assert counters.stored(spec) == expected, spec.name
        if spec.balance is not None:
            assert counters.stored_balances(spec) == counters.balances_of(spec, expected)
        if spec.rollup is not None:
            assert counters.stored_rollups(spec) == counters.computed_rollups(spec), spec.name
    organisations = list(Organisation.objects.order_by("path"))
    # month ends, a mid-month day (partial months at both ends) and a period within a month
    periods = [
        Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        Period(dt.date(2024, 1, 1), dt.date(2024, 9, 30)),
        Period(dt.date(2024, 2, 10), dt.date(2025, 3, 15)),
        Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        Period(dt.date(2025, 8, 3), dt.date(2025, 8, 20)),
        Period(dt.date(2026, 1, 1), dt.date(2026, 6, 1)),
    ]
    for period in periods:
        end = period.end
        for organisation in organisations:
            for structure in (None, end):
                root = resolve_structure(organisation, structure)
                live = membership_from_facts(root, period)
                assert _membership_at_end(root, period) == live, (organisation.code, end, structure)
    # the admitted, read from their roll-ups on today's tree, after the moves and merges
    period, previous = periods[2], periods[0]
    for organisation in organisations:
        root = resolve_structure(organisation, None)
        found = _admission_aggregates(root, {"cur": period}, {"cur"})
        live = admission_aggregates_from_facts(root, {"cur": period}, {"cur"})
        assert {k: v for k, v in found.items() if not k.endswith("_avg_age")} == {
            k: v for k, v in live.items() if not k.endswith("_avg_age")
        }, organisation.code
        assert _children_rows(organisation, root, period, previous) == _children_rows(
            organisation, root, period, previous, from_facts=True
        ), organisation.code


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_the_counters_equal_the_live_computation(persona_tree, national_admin, operations):
    run_and_check(
        lambda: World(persona_tree, national_admin),
        operations,
        lambda: _check_counters_equal_the_facts(persona_tree),
    )


def test_a_refused_write_leaves_the_counters_as_they_were(persona_tree, national_admin):
    member = services.admit_member(
        person=PersonFactory(organisation=persona_tree.branch),
        organisation=persona_tree.branch,
        decision_date=dt.date(2025, 3, 1),
        decision_number="1-QĐ/ĐU",
        ceremony_date=dt.date(2025, 3, 10),
        actor=national_admin,
    )
    before = counters.stored(SPEC)
    assert before == {
        (persona_tree.branch.pk, dt.date(2025, 3, 1)): (1, 0, int(member.person.sex == "female"), 0)
    }
    with pytest.raises(DomainError):  # official → removed needs a reason
        services.change_status(
            member, status="removed", date=dt.date(2025, 5, 1), actor=national_admin
        )
    assert counters.stored(SPEC) == before


def test_rebuild_counters_replaces_the_rows_and_is_audited(persona_tree, national_admin):
    cell = persona_tree.branch
    for offset in range(3):
        services.admit_member(
            person=PersonFactory(organisation=cell, sex="female"),
            organisation=cell,
            decision_date=dt.date(2025, 3, 1 + offset),
            decision_number="1-QĐ/ĐU",
            ceremony_date=dt.date(2025, 3, 10),
            actor=national_admin,
        )
    expected = counters.stored(SPEC)
    MemberCount.objects.all().delete()  # lost or damaged: the facts are the truth
    MemberBalance.objects.update(active=99)
    MemberRollup.objects.update(active=7)
    out = io.StringIO()
    call_command("rebuild_counters", "--username", national_admin.username, stdout=out)
    assert counters.stored(SPEC) == expected
    assert counters.stored_balances(SPEC) == {cell.pk: (3, 0, 3)}
    # the cell's commune and province, March 2025: three admitted women
    march = dt.date(2025, 3, 1)
    assert counters.stored_rollups(SPEC) == {
        (persona_tree.commune_north.pk, march): (3, 0, 3, 0),
        (persona_tree.region_north.pk, march): (3, 0, 3, 0),
    }
    assert "Đảng viên theo chi bộ và ngày: 3 dữ kiện → 3 dòng tổng hợp" in out.getvalue()
    assert "Xong trong" in out.getvalue()
    assert AuditEvent.objects.filter(
        action="members.counters.rebuilt", actor=national_admin
    ).exists()


def _constraints(model: Any) -> dict[str, Any]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (tuple(found[name]["columns"]), found[name]["unique"], found[name]["index"])
        for name in found
    }


def test_a_rebuild_gives_back_the_counter_tables_indexes(persona_tree, national_admin):
    """On PostgreSQL the rebuild drops the counter tables' indexes and builds them after the
    rows (``core.bulk.indexes_built_after``): they come back as they were, and the unique one
    still refuses a second row for a cell and day."""
    cell = persona_tree.branch
    services.admit_member(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        decision_date=dt.date(2025, 3, 1),
        decision_number="1-QĐ/ĐU",
        ceremony_date=dt.date(2025, 3, 10),
        actor=national_admin,
    )
    tables = [model for spec in counters.specs() for model in (spec.model, spec.rollup) if model]
    before = {model._meta.db_table: _constraints(model) for model in tables}
    services.rebuild_counters(actor=national_admin)
    assert {model._meta.db_table: _constraints(model) for model in tables} == before
    assert any(
        unique and columns == ("organisation_id", "month")
        for columns, unique, _i in before[MemberRollup._meta.db_table].values()
    )
    assert any(
        unique and columns == ("organisation_id", "date")
        for columns, unique, _i in before[MemberCount._meta.db_table].values()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCount.objects.create(organisation=cell, date=dt.date(2025, 3, 1), active=1)


def test_membership_at_a_date_is_one_statement_from_the_rollups_or_the_cells(
    persona_tree, national_admin, django_assert_num_queries
):
    cell = persona_tree.branch
    services.register_existing_member(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        decision_date=dt.date(2020, 1, 1),
        official_date=dt.date(2021, 1, 1),
        actor=national_admin,
    )
    # a partial month at both ends: the roll-ups' whole months and the cell rows' days
    period = Period(dt.date(2025, 1, 10), dt.date(2025, 12, 20))
    # the nation, a province, a commune: their roll-ups by month; below the communes: the
    # cells' balances and the changes after the day
    for where in (persona_tree.root, persona_tree.region_north, persona_tree.commune_north, cell):
        with django_assert_num_queries(1) as captured:
            figures = _membership_at_end(where, period)
        assert figures["total"] == figures["official"] == 1, where.code
        rollup = MemberRollup._meta.db_table in captured.captured_queries[0]["sql"]
        assert rollup == (where != cell), where.code
    assert _membership_at_end(persona_tree.region_south, period)["total"] == 0


def test_many_changes_at_once_add_to_the_rows_as_a_few_do(
    persona_tree, national_admin, monkeypatch
):
    """An import's counters go through a staging table on PostgreSQL (``COPY_FROM`` rows and
    more): they add to the rows already there exactly as a service's few rows do."""
    cell = persona_tree.branch
    services.admit_member(
        person=PersonFactory(organisation=cell, sex="female"),
        organisation=cell,
        decision_date=dt.date(2019, 3, 2),
        decision_number="1-QĐ/ĐU",
        ceremony_date=dt.date(2019, 3, 10),
        actor=national_admin,
    )
    monkeypatch.setattr(counters, "COPY_FROM", 1)
    people = [PersonFactory(organisation=cell, sex="female") for _ in range(4)]
    services.bulk_register_members(
        [
            {
                "person_id": person.pk,
                "organisation": cell,
                # the first shares its day with the member above: an existing row adds up
                "decision_date": dt.date(2019, 3, 2 + offset),
                "decision_number": "125-QĐ/ĐU",
                "ceremony_date": dt.date(2019, 4, 1),
                "official_date": dt.date(2020, 4, 1),
                "card_number": None,
            }
            for offset, person in enumerate(people)
        ],
        actor=national_admin,
    )
    assert counters.stored(SPEC)[(cell.pk, dt.date(2019, 3, 2))][:3] == (2, 0, 2)
    assert counters.stored_balances(SPEC) == {cell.pk: (5, 4, 5)}
    _check_counters_equal_the_facts(persona_tree)
