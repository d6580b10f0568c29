"""The steps' counters (``core.counters``): the steps in force by the cell that recorded them,
their day and their stage.

The report counts, for a subtree and a period, the steps reached in the period by stage, where
they were recorded (``Step.organisation``: a dossier handed over by a reorganisation leaves its
earlier steps at the cell that held it then). At national scale that read 2,9 million steps of
the year (626 ms, docs/performance.md); the counters hold them per cell and day, with monthly
roll-ups, so a period is a sum of months.

A step is never edited: it is recorded (counted as new, ``count_new``), or corrected or
cancelled (marked superseded: tracked, ``tracking``, by the step's id; its replacement is
counted as new). The subject is the step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from dangvien.admissions.choices import Stage
from dangvien.admissions.models import Step, StepCount, StepRollup
from dangvien.core import counters
from dangvien.organisations.selectors import StructureRoot, structure_q, subtree_ids_sql

SUBJECT = "step"
COLUMNS = tuple(f"reached_{stage.value}" for stage in Stage)
BATCH = 20_000
_INDEX = {stage.value: i for i, stage in enumerate(Stage)}


def contributions(ids: Sequence[int]) -> counters.Contributions:
    """These steps, if in force, by (cell, day) and stage: one grouped query."""
    rows = (
        Step.objects.filter(pk__in=ids)
        .values_list("organisation_id", "date", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[counters.Key, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for cell, day, stage, n in rows:
        out[(cell, day)][_INDEX[stage]] += n
    return {key: tuple(values) for key, values in out.items()}


def grouped() -> tuple[Any, int]:
    """Every step's contribution at once (the rebuild on PostgreSQL)."""
    rows = (
        Step.objects.values("organisation_id", "date")
        .annotate(
            **{
                column: Count("pk", filter=Q(stage=stage.value))
                for column, stage in zip(COLUMNS, Stage, strict=True)
            }
        )
        .order_by()
        .values_list("organisation_id", "date", *COLUMNS)
    )
    return rows, Step.objects.count()


def all_ids() -> Iterator[list[int]]:
    return counters.ids_in_batches(Step, BATCH)


SPEC = counters.CounterSpec(
    name="steps",
    subject=SUBJECT,
    model=StepCount,
    columns=COLUMNS,
    contributions=contributions,
    all_ids=all_ids,
    label=gettext_lazy("Bước hồ sơ kết nạp theo chi bộ và ngày"),
    grouped=grouped,
    rollup=StepRollup,
)


def steps_reached(root: StructureRoot, start: dt.date, end: dt.date) -> dict[str, int]:
    """{stage: steps in force recorded in [start, end]} in the subtree, where they were
    recorded, from the counters: one statement whatever the subtree (the roll-ups on today's
    tree down to the communes, the cell rows below them or on a past tree)."""
    if root.empty:
        return {}
    windows: dict[str, tuple[dt.date | None, dt.date]] = dict.fromkeys(COLUMNS, (start, end))
    sums = counters.subtree_sums(SPEC, path=root.path, windows=windows) if root.on is None else None
    if sums is None:
        sums = counters.cell_sums(SPEC, cells=subtree_ids_sql(root), windows=windows)
    return {stage.value: sums[column] for column, stage in zip(COLUMNS, Stage, strict=True)}


def steps_from_facts(root: StructureRoot, start: dt.date, end: dt.date) -> dict[str, int]:
    """``steps_reached`` counted from the steps (the reference the counters are held to by
    the tests): one grouped query over the subtree's steps of the period."""
    found = dict(
        Step.objects.filter(structure_q(root, field="organisation"), date__range=(start, end))
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return {stage.value: found.get(stage.value, 0) for stage in Stage}
