"""The training counters (``core.counters``): the students of the classes by their cell and day.

The report counts, for a subtree and a period [S, E], the students on the roster
(``Enrolment.objects.active()``) of the awareness classes and of the new-member classes that
overlap the period, where each student's cell (``Person.organisation``) is in the subtree, and
the awareness certificates in force issued in the period (the new sympathisers). At national
scale that is a join of every student of the subtree to their classes (a province: 181.000
people probed, about 500 ms). The counters hold instead, per cell and day, the students of the
classes that opened that day (``*_opened``), of those that closed that day (``*_closed``) and
the awareness certificates issued that day (``sympathisers``). A class opens on or before it
closes, so the students of the classes overlapping [S, E] are the opened up to E minus the
closed before S.

A contribution is computed per class (the subject ``training_class``): every write of a
roster, a certificate or a class's dates is tracked by its class, new rows included. A person
moved to another cell moves their students' rows: the "person" and "person_cell" subjects
map people to their classes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from dangvien.core import counters
from dangvien.organisations.selectors import StructureRoot, structure_q, subtree_ids_sql
from dangvien.training.models import Enrolment, EnrolmentCount, EnrolmentRollup, TrainingClass

SUBJECT = "training_class"
COLUMNS = (
    "awareness_opened",
    "awareness_closed",
    "sympathisers",
    "new_member_opened",
    "new_member_closed",
)
BATCH = 500  # classes (about 50 students each)
_INDEX = {name: i for i, name in enumerate(COLUMNS)}
_PREFIX = {TrainingClass.Kind.AWARENESS: "awareness", TrainingClass.Kind.NEW_MEMBER: "new_member"}


def contributions(ids: Sequence[int]) -> counters.Contributions:
    """The rosters of these classes by (student's cell, day): one grouped query."""
    rows = (
        Enrolment.objects.active()
        .filter(training_class_id__in=ids, person__organisation__isnull=False)
        .values_list(
            "person__organisation_id",
            "training_class__kind",
            "training_class__start_date",
            "training_class__end_date",
            "completed",
            "certificate_date",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[counters.Key, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for cell, kind, opened, closed, completed, certified, n in rows:
        prefix = _PREFIX[TrainingClass.Kind(kind)]
        out[(cell, opened)][_INDEX[f"{prefix}_opened"]] += n
        out[(cell, closed)][_INDEX[f"{prefix}_closed"]] += n
        if prefix == "awareness" and completed and certified is not None:
            out[(cell, certified)][_INDEX["sympathisers"]] += n
    return {key: tuple(values) for key, values in out.items()}


def all_ids() -> Iterator[list[int]]:
    return counters.ids_in_batches(TrainingClass, BATCH)


def lock_classes(ids: Sequence[int]) -> list[int]:
    """The classes, locked in order: two writes of one class's roster (each computing its
    difference from what it read) take their turns, so the counters see both."""
    return list(
        TrainingClass.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def classes_of_people(person_ids: Sequence[int]) -> list[int]:
    """The classes these people are (or were) on the roster of, locked (``lock_classes``)."""
    found: set[int] = set()
    for start in range(0, len(person_ids), counters.CHUNK):
        chunk = person_ids[start : start + counters.CHUNK]
        found.update(
            Enrolment.objects.filter(person_id__in=chunk).values_list(
                "training_class_id", flat=True
            )
        )
    return lock_classes(sorted(found))


SPEC = counters.CounterSpec(
    name="training",
    subject=SUBJECT,
    model=EnrolmentCount,
    columns=COLUMNS,
    contributions=contributions,
    all_ids=all_ids,
    label=gettext_lazy("Học viên lớp bồi dưỡng theo chi bộ và ngày"),
    # "person": any change of a person (people.services.update_person); "person_cell": a
    # person's cell alone (a transfer followed, a reorganisation's hand-over), which no other
    # counter depends on
    subjects={"person": classes_of_people, "person_cell": classes_of_people},
    rollup=EnrolmentRollup,
)


def training_figures(root: StructureRoot, start: dt.date, end: dt.date) -> dict[str, int]:
    """The report's three training figures for the subtree and the period, from the counters:
    the students of the awareness classes and of the new-member classes overlapping
    [start, end], and the awareness certificates in force issued in it. One statement
    whatever the subtree (the roll-ups on today's tree down to the communes, the cell rows
    below them or on a past tree)."""
    if root.empty:
        return dict.fromkeys(("awareness_attendees", "sympathisers", "new_member_attendees"), 0)
    before = start - dt.timedelta(days=1)
    windows: dict[str, tuple[dt.date | None, dt.date]] = {
        "awareness_opened": (None, end),
        "awareness_closed": (None, before),
        "sympathisers": (start, end),
        "new_member_opened": (None, end),
        "new_member_closed": (None, before),
    }
    sums = counters.subtree_sums(SPEC, path=root.path, windows=windows) if root.on is None else None
    if sums is None:
        sums = counters.cell_sums(SPEC, cells=subtree_ids_sql(root), windows=windows)
    return {
        "awareness_attendees": sums["awareness_opened"] - sums["awareness_closed"],
        "sympathisers": sums["sympathisers"],
        "new_member_attendees": sums["new_member_opened"] - sums["new_member_closed"],
    }


def training_from_facts(root: StructureRoot, start: dt.date, end: dt.date) -> dict[str, int]:
    """``training_figures`` computed from the rosters (the reference the counters are held to
    by the tests): one aggregate over the subtree's students."""
    in_period = Q(training_class__start_date__lte=end) & Q(training_class__end_date__gte=start)
    awareness = Q(training_class__kind=TrainingClass.Kind.AWARENESS)
    new_member = Q(training_class__kind=TrainingClass.Kind.NEW_MEMBER)
    certified = Q(completed=True, certificate_date__range=(start, end))
    found: dict[str, int] = (
        Enrolment.objects.active()
        .filter(structure_q(root, field="person__organisation"))
        .aggregate(
            awareness_attendees=Count("pk", filter=awareness & in_period),
            sympathisers=Count("pk", filter=awareness & certified),
            new_member_attendees=Count("pk", filter=new_member & in_period),
        )
    )
    return found
