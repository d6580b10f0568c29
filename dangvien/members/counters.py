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
from dangvien.members.models import MemberBalance, MemberCount, Membership, MembershipEvent

SUBJECT = "membership"
COLUMNS = ("active", "official", "women", "recognised")
STATE_COLUMNS = ("active", "official", "women")
BATCH = 5_000

_ACTIVE = frozenset(str(status) for status in ACTIVE_STATUSES)
_PROBATIONARY = str(MemberStatus.PROBATIONARY)

State = tuple[int, tuple[int, int, int]] | None  # (cell, (active, official, women))


def _state(
    day: dt.date,
    row: tuple[int, str, int, int, dt.date, dt.date | None, str],
    events: list[tuple[dt.date, int, str, int]],
) -> tuple[int, str] | None:
    """(cell, status) of a membership on ``day``, as the membership statement reads it."""
    _pk, status, organisation, admitted_in, decision, _official, _sex = row
    if decision > day:
        return None
    if not events or events[-1][0] <= day:
        return organisation, status
    latest = None
    for event in events:
        if event[0] > day:
            break
        latest = event
    if latest is None:
        return admitted_in, _PROBATIONARY
    return latest[3], latest[2]


def _contribute(
    out: dict[counters.Key, list[int]],
    row: tuple[int, str, int, int, dt.date, dt.date | None, str],
    events: list[tuple[dt.date, int, str, int]],
) -> None:
    _pk, _status, _organisation, _admitted, decision, official, sex = row
    days = sorted({decision, *(event[0] for event in events), *([official] if official else [])})
    previous: State = None
    for day in days:
        found = _state(day, row, events)
        current: State = None
        if found is not None:
            cell, status = found
            active = int(status in _ACTIVE)
            current = (
                cell,
                (
                    active,
                    int(active and official is not None and official <= day),
                    int(active and sex == "female"),
                ),
            )
        if current == previous:
            continue
        if previous is not None and any(previous[1]):
            row_ = out.setdefault((previous[0], day), [0, 0, 0, 0])
            for i, value in enumerate(previous[1]):
                row_[i] -= value
        if current is not None and any(current[1]):
            row_ = out.setdefault((current[0], day), [0, 0, 0, 0])
            for i, value in enumerate(current[1]):
                row_[i] += value
        previous = current
    if official is not None and decision <= official:
        found = _state(official, row, events)
        assert found is not None
        out.setdefault((found[0], official), [0, 0, 0, 0])[3] += 1


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
    last = 0
    while True:
        ids = list(
            Membership.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


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
)
