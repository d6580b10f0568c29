"""The training counters equal the live computation, whatever happens (issue 12).

A property-based test: hypothesis draws a sequence of operations through the services —
classes opened and their dates corrected, people enrolled (again after a removal),
certificates issued, corrected and revoked, students removed, people moved to another cell
(a correction of their record, a transfer followed), two cells merged and a commune moved to
the other province in a reorganisation — some of which the services refuse. After them:

- the counter table and its roll-ups equal their rebuild from the facts;
- the report's three training figures read from the counters (``training_figures``) equal
  the aggregate over the rosters (``training_from_facts``) for every organisation, on
  periods that start and end mid-month, on today's tree and on the tree of the period's end.

It runs on SQLite and on PostgreSQL with the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.core import counters
from dangvien.members import services as members
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import resolve_structure
from dangvien.people import services as people
from dangvien.people.tests.factories import PersonFactory
from dangvien.training import services
from dangvien.training.counters import SPEC, training_figures, training_from_facts
from dangvien.training.models import Enrolment, EnrolmentCount, TrainingClass
from tests.support.counter_world import TreeWorld, run_and_check

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)
FIRST = dt.date(2025, 7, 1)  # within the rule set's bounds for a class's opening day
DAYS = 350

day = st.integers(min_value=0, max_value=DAYS)
index = st.integers(min_value=0, max_value=50)
operation = st.one_of(
    st.tuples(st.just("open"), st.sampled_from(["awareness", "new_member"]), day, index),
    st.tuples(st.just("enrol"), index, index),
    st.tuples(st.just("certify"), index, st.integers(0, 40)),
    st.tuples(st.just("correct_certificate"), index, st.integers(0, 40)),
    st.tuples(st.just("revoke"), index),
    st.tuples(st.just("remove"), index),
    st.tuples(st.just("correct_class"), index, day, st.integers(0, 40)),
    st.tuples(st.just("move_person"), index, index, st.booleans()),
    st.tuples(st.just("merge"), day),
    st.tuples(st.just("move"), index, day),
)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield


def _on(offset: int) -> dt.date:
    return FIRST + dt.timedelta(days=offset)


class World(TreeWorld):
    def __init__(self, tree: Any, actor: Any) -> None:
        super().__init__(tree, actor)
        self.numbers = itertools.count(1)
        # people who are not members (awareness classes) and probationers (new-member classes)
        self.people = [PersonFactory(organisation=cell) for cell in self.cells * 2]
        for cell in self.cells:
            person = PersonFactory(organisation=cell)
            members.admit_member(
                person=person,
                organisation=cell,
                decision_date=dt.date(2026, 1, 5),
                decision_number="1-QĐ/ĐU",
                ceremony_date=dt.date(2026, 1, 10),
                actor=actor,
            )
            self.people.append(person)
        # a class of each kind, across a month's end, so that most examples have rosters
        for kind, start in (
            ("awareness", dt.date(2025, 8, 28)),
            ("new_member", dt.date(2026, 2, 25)),
        ):
            training_class = services.create_class(
                kind=kind,
                name=f"Lớp {next(self.numbers)}",
                organiser=self.communes[0],
                start_date=start,
                end_date=start + dt.timedelta(days=6),
                actor=actor,
            )
            # the non-members of the first three cells, the probationers
            students = self.people[:3] if kind == "awareness" else self.people[-3:]
            services.enrol_people(training_class, people=students, actor=actor)

    def training_class(self, i: int) -> TrainingClass | None:
        rows = list(TrainingClass.objects.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def enrolment(self, i: int) -> Enrolment | None:
        rows = list(Enrolment.objects.active().order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def certificate_day(self, enrolment: Enrolment, offset: int) -> dt.date:
        return min(enrolment.training_class.end_date + dt.timedelta(days=offset), TODAY)

    def run(self, op: tuple[Any, ...]) -> None:
        kind, actor = op[0], self.actor
        if kind == "open":
            organiser = self.communes[op[3] % 2]
            start = _on(op[2])
            services.create_class(
                kind=op[1],
                name=f"Lớp {next(self.numbers)}",
                organiser=organiser,
                start_date=start,
                end_date=start + dt.timedelta(days=op[3] % 30),
                actor=actor,
            )
        elif kind == "enrol":
            training_class = self.training_class(op[1])
            if training_class is not None:
                person = self.people[op[2] % len(self.people)]
                services.enrol_person(training_class, person=person, actor=actor)
        elif kind in ("certify", "correct_certificate"):
            enrolment = self.enrolment(op[1])
            if enrolment is None:
                return
            number, issued = f"{next(self.numbers):03d}", self.certificate_day(enrolment, op[2])
            if kind == "certify":
                services.complete_enrolment(
                    enrolment, certificate_number=number, certificate_date=issued, actor=actor
                )
            else:
                services.correct_certificate(
                    enrolment,
                    certificate_number=number,
                    certificate_date=issued,
                    reason="Ghi nhầm ngày cấp",
                    actor=actor,
                )
        elif kind in ("revoke", "remove"):
            enrolment = self.enrolment(op[1])
            if enrolment is not None:
                write = (
                    services.revoke_certificate if kind == "revoke" else services.remove_enrolment
                )
                write(enrolment, reason="Ghi nhầm người", actor=actor)
        elif kind == "correct_class":
            training_class = self.training_class(op[1])
            if training_class is not None:
                start = _on(op[2])
                services.correct_class(
                    training_class,
                    name=training_class.name,
                    start_date=start,
                    end_date=start + dt.timedelta(days=op[3]),
                    reason="Sửa ngày học",
                    actor=actor,
                )
        elif kind == "move_person":
            person = self.people[op[1] % len(self.people)]
            person.refresh_from_db()
            cells = [cell for cell in self.live_cells() if cell.pk != person.organisation_id]
            target = cells[op[2] % len(cells)]
            if op[3]:  # a correction of the person's record
                people.update_person(person, actor=actor, organisation=target)
            else:  # the person's cell follows a membership's transfer
                people.follow_membership(
                    person, organisation=target, actor=actor, reason="Chuyển sinh hoạt"
                )
        elif kind == "merge":
            self.merge_cells(_on(op[1]))
        elif kind == "move":
            self.move_commune(op[1], _on(op[2]))


PERIODS = [
    (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    (dt.date(2025, 8, 10), dt.date(2026, 3, 15)),  # partial months at both ends
    (dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    (dt.date(2026, 2, 3), dt.date(2026, 2, 20)),  # within one month
]


def _check_counters_equal_the_facts() -> None:
    assert counters.stored(SPEC) == counters.computed(SPEC)
    assert counters.stored_rollups(SPEC) == counters.computed_rollups(SPEC)
    for start, end in PERIODS:
        for organisation in Organisation.objects.order_by("path"):
            for structure in (None, end):
                root = resolve_structure(organisation, structure)
                live = training_from_facts(root, start, end)
                found = training_figures(root, start, end)
                assert found == live, (organisation.code, start, end, structure)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_the_training_counters_equal_the_live_computation(persona_tree, national_admin, operations):
    run_and_check(
        lambda: World(persona_tree, national_admin), operations, _check_counters_equal_the_facts
    )


def test_a_class_of_the_period_counts_its_students_in_their_cells(persona_tree, national_admin):
    """A worked example: three students of one class, one certified, one removed; a period
    that ends before the class opens, one it overlaps and one after it closes."""
    tree = persona_tree
    students = [
        PersonFactory(organisation=c) for c in (tree.branch, tree.branch_two, tree.branch_south)
    ]
    klass = services.create_class(
        kind="awareness",
        name="Lớp nhận thức khóa 9",
        organiser=persona_tree.commune_north,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 6),
        actor=national_admin,
    )
    rows = [
        services.enrol_person(klass, person=person, actor=national_admin) for person in students
    ]
    services.complete_enrolment(
        rows[0], certificate_number="01", certificate_date=dt.date(2026, 3, 9), actor=national_admin
    )
    services.remove_enrolment(rows[2], reason="Ghi nhầm người", actor=national_admin)

    def figures(organisation: Organisation, start: dt.date, end: dt.date) -> tuple[int, ...]:
        found = training_figures(resolve_structure(organisation, None), start, end)
        return found["awareness_attendees"], found["sympathisers"], found["new_member_attendees"]

    assert figures(tree.root, dt.date(2026, 1, 1), dt.date(2026, 3, 1)) == (0, 0, 0)
    assert figures(tree.root, dt.date(2026, 3, 6), dt.date(2026, 3, 8)) == (2, 0, 0)
    assert figures(tree.root, dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == (2, 1, 0)
    assert figures(tree.commune_north, dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == (2, 1, 0)
    assert figures(tree.branch_two, dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == (1, 0, 0)
    assert figures(tree.region_south, dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == (0, 0, 0)
    assert figures(tree.root, dt.date(2026, 3, 7), dt.date(2026, 6, 30)) == (0, 1, 0)
    # the rows: the opening day and the closing day of each student's cell, the certificate
    rows_of_branch = {
        (row.date, row.awareness_opened, row.awareness_closed, row.sympathisers)
        for row in EnrolmentCount.objects.filter(organisation=tree.branch)
    }
    assert rows_of_branch == {
        (dt.date(2026, 3, 2), 1, 0, 0),
        (dt.date(2026, 3, 6), 0, 1, 0),
        (dt.date(2026, 3, 9), 0, 0, 1),
    }
