"""The members' counters (``core.counters``): members per cell and day, from the facts.

A membership counts, on a day D, where and as what the report's membership statement
(``reports.selectors.membership_from_facts``) counts it: nothing before its decision date;
with no event after D, its current status and cell (``Membership.status`` and
``organisation``); otherwise the latest event on or before D (by date, then id), or, with none,
probationary in the cell that admitted it. Active statuses count as members, official when the
official date is on or before D, women by the person's sex. That state changes only on the
decision date, an event's date or the official date, so a membership contributes, at each of
those days where its state changes, minus its old state in the old cell and plus its new state
in the new cell. A recognition as official is also a flow: one on the official date, in the
cell the membership was in that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence

from django.db.models import Q
from django.utils.translation import gettext_lazy

from dangvien.core import counters
from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus
from dangvien.members.models import (
    MemberBalance,
    MemberCount,
    MemberRollup,
    Membership,
    MembershipEvent,
)

SUBJECT = "membership"
COLUMNS = ("active", "official", "women", "recognised")
STATE_COLUMNS = ("active", "official", "women")
BATCH = 5_000

_ACTIVE = frozenset(str(status) for status in ACTIVE_STATUSES)
_PROBATIONARY = str(MemberStatus.PROBATIONARY)

State = tuple[int, tuple[int, int, int]] | None  # (cell, (active, official, women))


def _contribute(
    out: dict[counters.Key, list[int]],
    row: tuple[int, str, int, int, dt.date, dt.date | None, str],
    events: list[tuple[dt.date, int, str, int]],
) -> None:
    """Add one membership's changes to ``out``. Its (cell, status) on a day, as the membership
    statement reads it: nothing before the decision date; with no event after the day, its
    current cell and status; otherwise the latest event on or before the day (``events`` are
    in order of date, then id), or, with none, probationary in the cell that admitted it. The
    days are walked in order with one pointer into the events (the rebuild runs this for
    every membership)."""
    _pk, status, organisation, admitted_in, decision, official, sex = row
    woman = sex == "female"
    days = sorted({decision, *(event[0] for event in events), *([official] if official else [])})
    count, position = len(events), 0
    latest: tuple[dt.date, int, str, int] | None = None
    previous: State = None
    for day in days:
        if day < decision:
            continue
        while position < count and events[position][0] <= day:
            latest = events[position]
            position += 1
        if position == count:
            cell, now = organisation, status
        elif latest is None:
            cell, now = admitted_in, _PROBATIONARY
        else:
            cell, now = latest[3], latest[2]
        if day == official:
            out.setdefault((cell, day), [0, 0, 0, 0])[3] += 1  # recognised that day, there
        active = now in _ACTIVE
        current = (
            cell,
            (
                int(active),
                int(active and official is not None and official <= day),
                int(active and woman),
            ),
        )
        if current == previous:
            continue
        if previous is not None and any(previous[1]):
            counted = out.setdefault((previous[0], day), [0, 0, 0, 0])
            for i, value in enumerate(previous[1]):
                counted[i] -= value
        if any(current[1]):
            counted = out.setdefault((current[0], day), [0, 0, 0, 0])
            for i, value in enumerate(current[1]):
                counted[i] += value
        previous = current


def contributions(ids: Sequence[int]) -> counters.Contributions:
    """The memberships' contributions, by (cell, day): two queries."""
    wanted = set(ids)
    low, high = min(wanted), max(wanted)
    if high - low < 2 * len(wanted):  # a dense batch (the rebuild): a range, not a long list
        selected, of_selected = (
            Q(pk__range=(low, high)),
            Q(membership_id__gte=low, membership_id__lte=high),
        )
    else:
        selected, of_selected = Q(pk__in=wanted), Q(membership_id__in=wanted)
    rows = list(
        Membership.objects.filter(selected).values_list(
            "pk",
            "status",
            "organisation_id",
            "admitted_in_id",
            "decision_date",
            "official_date",
            "person__sex",
        )
    )
    events: dict[int, list[tuple[dt.date, int, str, int]]] = defaultdict(list)
    for membership, day, pk, status, cell in (
        MembershipEvent.objects.filter(of_selected)
        .order_by("membership_id", "date", "pk")
        .values_list("membership_id", "date", "pk", "status", "organisation_id")
    ):
        events[membership].append((day, pk, status, cell))
    out: dict[counters.Key, list[int]] = {}
    for row in rows:
        if row[0] in wanted:
            _contribute(out, row, events.get(row[0], []))
    return {key: tuple(values) for key, values in out.items() if any(values)}


def all_ids() -> Iterator[list[int]]:
    return counters.ids_in_batches(Membership, BATCH)


def memberships_of_people(person_ids: Sequence[int]) -> list[int]:
    """The memberships of these people, locked: a person's correction and a members service
    writing the same membership at once (each computing its difference from what it read)
    take their turns, so the counters see both."""
    found: list[int] = []
    for start in range(0, len(person_ids), BATCH):
        chunk = person_ids[start : start + BATCH]
        found += (
            Membership.objects.select_for_update()
            .filter(person_id__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return found


SPEC = counters.CounterSpec(
    name="members",
    subject=SUBJECT,
    model=MemberCount,
    columns=COLUMNS,
    contributions=contributions,
    all_ids=all_ids,
    label=gettext_lazy("Đảng viên theo chi bộ và ngày"),
    balance=MemberBalance,
    balance_columns=STATE_COLUMNS,
    subjects={"person": memberships_of_people},
    rollup=MemberRollup,
)
