"""The steps' counters equal the live computation, whatever happens (issue 12).

A property-based test: hypothesis draws a sequence of operations through the services —
dossiers opened, taken one step further, steps corrected to another day and cancelled, two
cells merged and a commune moved to the other province in a reorganisation — some of which
the services refuse. After them:

- the counter table and its roll-ups equal their rebuild from the steps;
- the report's steps by stage read from the counters (``steps_reached``) equal the steps
  counted (``steps_from_facts``) for every organisation, on periods that start and end
  mid-month, on today's tree and on the tree of the period's end.

It runs on SQLite and on PostgreSQL with the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.admissions import services
from dangvien.admissions.choices import STAGE_ORDER, Stage
from dangvien.admissions.counters import SPEC, steps_from_facts, steps_reached
from dangvien.admissions.models import Dossier, Step, StepCount
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.core import counters
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import resolve_structure
from dangvien.people.tests.factories import PersonFactory
from dangvien.training.models import Enrolment
from tests.support.counter_world import TreeWorld, run_and_check

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)
FIRST = dt.date(2025, 8, 1)
DAYS = 300

day = st.integers(min_value=0, max_value=DAYS)
index = st.integers(min_value=0, max_value=50)
operation = st.one_of(
    st.tuples(st.just("open"), index, day),
    st.tuples(st.just("advance"), index, st.integers(0, 40)),
    st.tuples(st.just("correct"), index, st.integers(-20, 20)),
    st.tuples(st.just("cancel"), index),
    st.tuples(st.just("merge"), day),
    st.tuples(st.just("move"), index, day),
)


def _on(offset: int) -> dt.date:
    return FIRST + dt.timedelta(days=offset)


class World(TreeWorld):
    def __init__(self, tree: Any, actor: Any) -> None:
        super().__init__(tree, actor)
        self.officials = {cell.pk: make_officials(cell, 3) for cell in self.cells}
        # a dossier two steps on in the first cell, across a month's end
        self.open(self.cells[0], dt.date(2025, 9, 29))
        dossier = Dossier.objects.get()
        self.advance(dossier, dt.date(2025, 9, 30))
        self.advance(dossier, dt.date(2025, 10, 1))

    def open(self, cell: Organisation, on: dt.date) -> None:
        person = PersonFactory(organisation=cell)
        make_certificate(person, self.communes[0], on, number=f"GCN-{person.pk}")
        services.open_dossier(person=person, organisation=cell, date=on, actor=self.actor)

    def advance(self, dossier: Dossier, on: dt.date) -> None:
        """The dossier's next step on ``on`` (the helpers' defaults for each stage)."""
        following = STAGE_ORDER.index(Stage(dossier.stage)) + 1
        if following >= len(STAGE_ORDER):
            return
        walk(
            dossier,
            to=STAGE_ORDER[following],
            actor=self.actor,
            start=on,
            introducers=self.officials.get(dossier.organisation_id, [])[:2],
            certificate=Enrolment.objects.filter(person=dossier.person).order_by("pk").last(),
        )

    def dossier(self, i: int) -> Dossier | None:
        rows = list(Dossier.objects.filter(status="open").order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def run(self, op: tuple[Any, ...]) -> None:
        kind, actor = op[0], self.actor
        if kind == "open":
            live = self.live_cells()
            self.open(live[op[1] % len(live)], _on(op[2]))
        elif kind == "advance":
            dossier = self.dossier(op[1])
            if dossier is not None:
                last = Step.objects.filter(dossier=dossier).order_by("-date").first()
                start = last.date if last else FIRST
                self.advance(dossier, min(start + dt.timedelta(days=op[2]), TODAY))
        elif kind == "correct":
            steps = list(Step.objects.order_by("pk"))
            if steps:
                step = steps[op[1] % len(steps)]
                services.correct_step(
                    step,
                    date=min(step.date + dt.timedelta(days=op[2]), TODAY),
                    reason="Ghi nhầm ngày",
                    actor=actor,
                )
        elif kind == "cancel":
            dossier = self.dossier(op[1])
            if dossier is not None:
                latest = Step.objects.get(dossier=dossier, stage=dossier.stage)
                services.cancel_step(latest, reason="Ghi nhầm bước", actor=actor)
        elif kind == "merge":
            self.merge_cells(_on(op[1]))
        elif kind == "move":
            self.move_commune(op[1], _on(op[2]))


PERIODS = [
    (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    (dt.date(2025, 9, 30), dt.date(2025, 10, 1)),  # the last day of a month and the first
    (dt.date(2025, 8, 10), dt.date(2026, 3, 15)),  # partial months at both ends
    (dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
]


def _check_counters_equal_the_facts() -> None:
    assert counters.stored(SPEC) == counters.computed(SPEC)
    assert counters.stored_rollups(SPEC) == counters.computed_rollups(SPEC)
    for start, end in PERIODS:
        for organisation in Organisation.objects.order_by("path"):
            for structure in (None, end):
                root = resolve_structure(organisation, structure)
                expected = steps_from_facts(root, start, end) if not root.empty else {}
                found = steps_reached(root, start, end)
                assert found == expected, (organisation.code, start, end, structure)


@pytest.fixture
def frozen(today):
    return today


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_the_step_counters_equal_the_live_computation(
    frozen, persona_tree, national_admin, operations
):
    run_and_check(
        lambda: World(persona_tree, national_admin), operations, _check_counters_equal_the_facts
    )


def test_a_corrected_step_moves_and_a_cancelled_one_leaves(frozen, persona_tree, national_admin):
    """A worked example: a dossier opened on 29/9/2025 and taken to its application on
    30/9; the application corrected to 2/10, then cancelled."""
    world = World(persona_tree, national_admin)
    cell = world.cells[0]
    rows = {
        (row.date, row.reached_outstanding, row.reached_class, row.reached_application)
        for row in StepCount.objects.filter(organisation=cell)
    }
    assert rows == {
        (dt.date(2025, 9, 29), 1, 0, 0),
        (dt.date(2025, 9, 30), 0, 1, 0),
        (dt.date(2025, 10, 1), 0, 0, 1),
    }
    root = resolve_structure(persona_tree.root, None)
    september = steps_reached(root, dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert (september["outstanding"], september["class"], september["application"]) == (1, 1, 0)
    application = Step.objects.get(stage=Stage.APPLICATION)
    services.correct_step(
        application, date=dt.date(2025, 10, 2), reason="Ghi nhầm ngày", actor=national_admin
    )
    october = steps_reached(root, dt.date(2025, 10, 1), dt.date(2025, 10, 1))
    assert october["application"] == 0
    assert steps_reached(root, dt.date(2025, 10, 2), dt.date(2025, 10, 31))["application"] == 1
    services.cancel_step(
        Step.objects.get(stage=Stage.APPLICATION), reason="Ghi nhầm bước", actor=national_admin
    )
    assert steps_reached(root, dt.date(2025, 1, 1), dt.date(2025, 12, 31))["application"] == 0
    assert counters.stored(SPEC) == counters.computed(SPEC)
