"""The world of the counters' property tests (``members/tests/test_counters.py``,
``training/tests/test_counters.py``): the persona tree's cells, communes and provinces, the
reorganisations that change them (a merge of two cells, a node moved under another parent),
and the loop that runs hypothesis's operations, each in its own savepoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from hypothesis import event

from dangvien.core.errors import DomainError
from dangvien.organisations import reorganisation as reorg
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import Organisation
from dangvien.organisations.reorganisation import OrganisationSpec


class TreeWorld:
    """Copies of the tree's organisations: an example's moves and merges change them, and the
    fixture's objects are shared by every example (each rolled back in the database only)."""

    def __init__(self, tree: Any, actor: Any) -> None:
        self.actor = actor
        fresh = Organisation.objects.in_bulk
        found = fresh([o.pk for o in (tree.branch, tree.branch_two, tree.branch_south)])
        self.cells = [found[tree.branch.pk], found[tree.branch_two.pk], found[tree.branch_south.pk]]
        found = fresh([o.pk for o in (tree.commune_north, tree.commune_south)])
        self.communes = [found[tree.commune_north.pk], found[tree.commune_south.pk]]
        self.provinces = [tree.region_north.pk, tree.region_south.pk]
        self.merged = False

    def live_cells(self) -> list[Organisation]:
        return [cell for cell in self.cells if cell.valid_to is None]

    def merge_cells(self, effective_date: dt.date) -> None:
        """The first two cells merged into a new one (once per example)."""
        if self.merged:
            return
        merger = reorg.merge(
            self.cells[:2],
            into=OrganisationSpec(code="CBM", name="Chi bộ thôn Hợp Nhất", kind=K.CELL),
            actor=self.actor,
            effective_date=effective_date,
            decision_number="9-QĐ/TU",
        )
        self.merged = True
        for cell in self.cells:
            cell.refresh_from_db()
        self.cells.append(Organisation.objects.get(pk=merger.targets.get().pk))

    def move(self, node: Organisation, others: Sequence[int], effective_date: dt.date) -> None:
        """``node`` with its subtree under the first of ``others``: its cells' roll-ups change
        hands (``core.counters.rerooted``)."""
        reorg.move(
            node,
            new_parent=Organisation.objects.get(pk=others[0]),
            effective_date=effective_date,
            decision_number="10-QĐ/TU",
            actor=self.actor,
        )
        for organisation in [*self.cells, *self.communes]:
            organisation.refresh_from_db()

    def move_commune(self, i: int, effective_date: dt.date) -> None:
        """The ``i``-th commune (modulo two) to the other province."""
        node = self.communes[i % 2]
        others = [pk for pk in self.provinces if pk != node.get_parent().pk]
        self.move(node, others, effective_date)


def run_and_check(
    make_world: Callable[[], Any], operations: Sequence[tuple[Any, ...]], check: Callable[[], None]
) -> None:
    """Make the world, run the operations (a refused one changes nothing, counters included),
    then ``check``; all rolled back after."""
    with transaction.atomic():
        world = make_world()
        for op in operations:
            try:
                with transaction.atomic():
                    world.run(op)
                event(f"{op[0]}: written")
            except DomainError as exc:
                event(f"{op[0]}: refused ({exc.rule})")
        check()
        transaction.set_rollback(True)
