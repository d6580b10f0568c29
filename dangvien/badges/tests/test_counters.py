"""The badges' counters equal the live computation, whatever happens (issue 12).

A property-based test: hypothesis draws a sequence of operations through the services —
members entered from old registers (decision days from 1955 to 2000), badges awarded and
proposed (early ones too), status changes (gaps, removals, deaths, a return), official and
temporary transfers confirmed in time or late and their end, two cells merged and a commune
moved to the other province in a reorganisation — some of which the services refuse. After
them:

- the counter table and its roll-ups equal their rebuild from the facts;
- the badges due by milestone (``count_badges_due``, read from the counters) equal the due
  list (``list_badges_due``, every member's party age computed from their history) for every
  organisation, on award days whose milestone limits fall mid-month.

The members' property test (``members/tests/test_counters.py``) holds every counter table,
this one included, equal to its rebuild through the members' own writes and imports.
It runs on SQLite and on PostgreSQL with the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.badges import selectors, services
from dangvien.badges.counters import SPEC
from dangvien.badges.models import BadgeDueCount
from dangvien.core import counters
from dangvien.members import services as members
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership, Transfer
from dangvien.members.selectors import get_party_age
from dangvien.organisations.models import Organisation
from dangvien.people.tests.factories import PersonFactory
from dangvien.rules.models import RuleSet
from tests.support.counter_world import TreeWorld, run_and_check

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)
EARLIEST = dt.date(1955, 1, 1)
DECISION_DAYS = (dt.date(2000, 12, 31) - EARLIEST).days
AWARDED_ON = [dt.date(2025, 9, 2), dt.date(2025, 11, 7), dt.date(2026, 2, 3), dt.date(2026, 5, 19)]
# the report's award days: the next one, one a few years on, and one of the past
DUE_ON = [dt.date(2026, 9, 2), dt.date(2029, 2, 3), dt.date(2025, 11, 7)]
STATUSES = [
    MemberStatus.LOST_CONTACT,
    MemberStatus.EXEMPT,
    MemberStatus.OFFICIAL,
    MemberStatus.REMOVED,
    MemberStatus.DECEASED,
]

index = st.integers(min_value=0, max_value=60)
recent = st.integers(min_value=0, max_value=700)  # days before TODAY
operation = st.one_of(
    st.tuples(st.just("register"), index, st.integers(0, DECISION_DAYS)),
    st.tuples(st.just("award"), index, index, st.sampled_from(AWARDED_ON)),
    st.tuples(st.just("propose"), index, index, st.booleans()),
    st.tuples(st.just("status"), index, st.sampled_from(STATUSES), recent),
    st.tuples(
        st.just("transfer"),
        index,
        index,
        st.sampled_from(["official", "temporary"]),
        recent,
        st.booleans(),
    ),
    st.tuples(st.just("end_temporary"), index),
    st.tuples(st.just("merge"), recent),
    st.tuples(st.just("move"), index, recent),
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield


def _ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _register(cell: Organisation, decision: dt.date, actor: Any) -> Membership:
    """A member entered from the old registers, official a year after the decision."""
    return members.register_existing_member(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        decision_date=decision,
        ceremony_date=decision + dt.timedelta(days=5),
        official_date=decision + dt.timedelta(days=365),
        actor=actor,
    )


class World(TreeWorld):
    def __init__(self, tree: Any, actor: Any) -> None:
        super().__init__(tree, actor)
        self.numbers = itertools.count(1)
        # members of thirty years and more in every cell, so that most examples have figures,
        # and one a few months short of 30 years (an early badge)
        for i, cell in enumerate(self.cells):
            decisions = (dt.date(1996, 2, 3 + i), dt.date(1985, 9, 1), dt.date(1961, 3, 8))
            for decision in (*decisions, dt.date(1997, 3, 1 + i)):
                self.register(cell, decision)

    def register(self, cell: Organisation, decision: dt.date) -> Membership:
        return _register(cell, decision, self.actor)

    def member(self, i: int) -> Membership:
        rows = list(Membership.objects.order_by("pk"))
        return rows[i % len(rows)]

    def reached(self, member: Membership, on: dt.date) -> list[int]:
        years = get_party_age(member, on=on).years
        return [m for m in selectors.milestones(on) if m <= years]

    def run(self, op: tuple[Any, ...]) -> None:
        kind, actor = op[0], self.actor
        if kind == "register":
            live = self.live_cells()
            self.register(live[op[1] % len(live)], EARLIEST + dt.timedelta(days=op[2]))
        elif kind == "award":  # one of the milestones the member has reached
            member, number = self.member(op[1]), next(self.numbers)
            reached = self.reached(member, op[3])
            services.award_badge(
                member,
                milestone=reached[op[2] % len(reached)] if reached else 30,
                award_date=op[3],
                badge_number=f"{op[2]}-{number:05d}",
                decision_number=f"{number}-QĐ/TU",
                decision_date=op[3] - dt.timedelta(days=5),
                actor=actor,
            )
        elif kind == "propose":  # the highest reached, or early the next one
            member = self.member(op[1])
            reached = self.reached(member, DUE_ON[0])
            steps = selectors.milestones(DUE_ON[0])
            services.propose_badge(
                member,
                milestone=steps[len(reached)] if op[3] else reached[-1] if reached else 30,
                award_date=DUE_ON[0],
                actor=actor,
                early_reason="Ốm nặng, điều trị dài ngày" if op[3] else "",
            )
        elif kind == "status":
            members.change_status(
                self.member(op[1]), status=op[2], date=_ago(op[3]), actor=actor, note="Lý do thử"
            )
        elif kind == "transfer":
            member, live = self.member(op[1]), self.live_cells()
            started = _ago(op[4])
            transfer = members.start_transfer(
                member,
                to_organisation=live[op[2] % len(live)],
                kind=op[3],
                reason_date=started,
                started_on=started,
                actor=actor,
            )
            # in time, or presented months after the deadline (a gap in party age)
            late = transfer.present_due + dt.timedelta(days=90)
            confirmed = min(late, TODAY) if op[5] else started + dt.timedelta(days=3)
            members.confirm_transfer(transfer, confirmed_on=confirmed, actor=actor)
        elif kind == "end_temporary":
            transfer = (
                Transfer.objects.filter(kind="temporary", status="confirmed").order_by("pk").first()
            )
            if transfer is not None:
                members.end_temporary_transfer(transfer, date=TODAY, actor=actor)
        elif kind == "merge":
            self.merge_cells(_ago(op[1]))
        elif kind == "move":
            self.move_commune(op[1], _ago(op[2]))


def _listed(user: Any, organisation: Organisation, award_date: dt.date) -> dict[int, int]:
    rows = selectors.list_badges_due(user=user, organisation=organisation, award_date=award_date)
    found = Counter(row.milestone for row in rows)
    return {years: found.get(years, 0) for years in selectors.milestones(award_date)}


def _check_counters_equal_the_facts(user: Any) -> None:
    assert counters.stored(SPEC) == counters.computed(SPEC)
    assert counters.stored_rollups(SPEC) == counters.computed_rollups(SPEC)
    for award_date in DUE_ON:
        for organisation in Organisation.objects.order_by("path"):
            found = selectors.count_badges_due(organisation=organisation, award_date=award_date)
            assert found == _listed(user, organisation, award_date), (
                organisation.code,
                award_date,
            )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_the_badge_counters_equal_the_live_computation(persona_tree, national_admin, operations):
    run_and_check(
        lambda: World(persona_tree, national_admin),
        operations,
        lambda: _check_counters_equal_the_facts(national_admin),
    )


def test_a_member_counts_below_every_milestone_until_awarded(persona_tree, national_admin):
    """A worked example: a member admitted on 3/2/1986 has no badge, then the 40-year badge;
    another, on 2/9/1996, becomes due for 30 years on 2/9/2026 (exactly), not on 19/5/2026."""
    cell = persona_tree.branch
    older = _register(cell, dt.date(1986, 2, 3), national_admin)
    _register(cell, dt.date(1996, 9, 2), national_admin)  # 30 years on 2/9/2026, exactly
    row = BadgeDueCount.objects.get(organisation=cell, date=dt.date(1986, 2, 3))
    assert (row.below_30, row.below_40, row.below_90) == (1, 1, 1)

    def due(award_date: dt.date) -> dict[int, int]:
        found = selectors.count_badges_due(organisation=persona_tree.root, award_date=award_date)
        return {years: n for years, n in found.items() if n}

    assert due(dt.date(2026, 5, 19)) == {40: 1}
    assert due(dt.date(2026, 9, 2)) == {30: 1, 40: 1}
    services.award_badge(
        older,
        milestone=40,
        award_date=dt.date(2026, 2, 3),
        badge_number="40-00001",
        decision_number="1-QĐ/TU",
        decision_date=dt.date(2026, 1, 29),
        actor=national_admin,
    )
    row.refresh_from_db()
    assert (row.below_30, row.below_40, row.below_45, row.below_90) == (0, 0, 1, 1)
    assert due(dt.date(2026, 9, 2)) == {30: 1}
    assert due(dt.date(2026, 5, 19)) == {}


def test_a_milestone_without_a_column_is_counted_from_the_facts(persona_tree, national_admin):
    """A rule set naming a milestone the counters have no column for (35 years, say): the
    figures come from the facts, and still equal the due list."""
    world = World(persona_tree, national_admin)
    world.register(persona_tree.branch, dt.date(1991, 1, 1))  # 35 years on 2/9/2026
    rule_set = RuleSet.objects.order_by("-effective_from").first()
    assert rule_set is not None
    rule_set.values["badge_milestones"] = "30,35,40,45,50,55,60,65,70,75,80,85,90"
    rule_set.save(update_fields=["values"])
    award_date = DUE_ON[0]
    assert 35 in selectors.milestones(award_date)
    for organisation in (persona_tree.root, persona_tree.commune_north, persona_tree.branch):
        found = selectors.count_badges_due(organisation=organisation, award_date=award_date)
        assert found == _listed(national_admin, organisation, award_date)
    found = selectors.count_badges_due(organisation=persona_tree.root, award_date=award_date)
    assert found[35] == 1
