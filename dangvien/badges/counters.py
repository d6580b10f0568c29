"""The badges' counters (``core.counters``): the active members by cell, decision day and
highest badge awarded.

The report counts, for a subtree and an award day, the members due each badge: the active
members whose highest milestone reached on that day (their party age) is above the highest
badge they were awarded. Most members never had a gap, so their party age is the calendar time
since their admission decision: the members whose highest milestone reached is N are those of
the decision days between the limits of N and of the next milestone. At national scale,
comparing every member with the milestones read 1.676.157 members (15 s, docs/performance.md).
The counters hold instead, per cell and decision day, the active members whose highest badge
is below each milestone (``below_N``, ``models.COUNTED_MILESTONES``), so that a figure is a
sum of decision-day windows over the roll-ups. The few members whose party age is not the
calendar time (a gap, a late transfer) or who are proposed for an early badge are counted in
the counters like the others; ``selectors.count_badges_due`` takes their calendar count out
and puts their exact one in.

A contribution is computed per membership (the subject ``membership``, as the members'
counters: every write of a status, a cell or a decision day is tracked by the members'
services); an award is tracked by its membership (the subject ``badge_award``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from dangvien.badges.models import (
    BADGE_DUE_COLUMNS,
    COUNTED_MILESTONES,
    BadgeAward,
    BadgeDueCount,
    BadgeDueRollup,
)
from dangvien.core import counters
from dangvien.members.choices import ACTIVE_STATUSES
from dangvien.members.models import Membership

SUBJECT = "membership"
AWARD_SUBJECT = "badge_award"
COLUMNS = tuple(BADGE_DUE_COLUMNS)
BATCH = 5_000


def highest_badge() -> Coalesce:
    """The highest milestone awarded to a membership (0: none), for a queryset of
    memberships to annotate."""
    highest = Subquery(
        BadgeAward.objects.filter(membership=OuterRef("pk"))
        .values("membership")
        .annotate(top=Max("milestone"))
        .values("top")[:1],
        output_field=IntegerField(),
    )
    return Coalesce(highest, Value(0))


def _with_highest_badge(memberships: Any) -> Any:
    """The active memberships, each with ``top``: the highest milestone awarded (0: none)."""
    return memberships.filter(status__in=ACTIVE_STATUSES).annotate(top=highest_badge())


def contributions(ids: Sequence[int]) -> counters.Contributions:
    """These memberships by (cell, decision day) and highest badge: one grouped query."""
    rows = (
        _with_highest_badge(Membership.objects.filter(pk__in=ids))
        .values_list("organisation_id", "decision_date", "top")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[counters.Key, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for cell, day, top, n in rows:
        counted = out[(cell, day)]
        for i, years in enumerate(COUNTED_MILESTONES):
            if top < years:
                counted[i] += n
    return {key: tuple(values) for key, values in out.items() if any(values)}


def grouped() -> tuple[Any, int]:
    """Every membership's contribution at once (the rebuild on PostgreSQL)."""
    rows = (
        _with_highest_badge(Membership.objects.all())
        .values("organisation_id", "decision_date")
        .annotate(
            **{
                name: Count("pk", filter=Q(top__lt=years))
                for name, years in zip(COLUMNS, COUNTED_MILESTONES, strict=True)
            }
        )
        .order_by()
        .values_list("organisation_id", "decision_date", *COLUMNS)
    )
    return rows, Membership.objects.count()


def all_ids() -> Iterator[list[int]]:
    return counters.ids_in_batches(Membership, BATCH)


def _same(ids: Sequence[int]) -> list[int]:
    return list(ids)


SPEC = counters.CounterSpec(
    name="badges",
    subject=SUBJECT,
    model=BadgeDueCount,
    columns=COLUMNS,
    contributions=contributions,
    all_ids=all_ids,
    label=gettext_lazy("Đảng viên theo chi bộ, ngày kết nạp và huy hiệu đã tặng"),
    # an award changes its member's row; no other counter depends on it
    subjects={AWARD_SUBJECT: _same},
    grouped=grouped,
    rollup=BadgeDueRollup,
)
