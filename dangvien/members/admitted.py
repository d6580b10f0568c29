"""The admitted counters (``core.counters``): the admitted per admitting cell and decision day.

A membership counts once, in ``AdmittedCount`` at (``admitted_in``, ``decision_date``):
``admitted``, ``aged`` when the person's birth date is known, ``age_sum`` their age at the
decision (``breakdowns.annotate_age``) and one per criterion of ``breakdowns.CRITERIA`` it meets.
The contribution is one grouped query with the very ``Q`` objects the report's drill-down lists
filter by, so a figure read from the counters and the list behind it cannot disagree. A flow:
no balance; a period's figure is the sum of its days.

What a contribution depends on: the membership's admitting cell and decision day (written once,
by the services that create memberships) and the person's fields (``people.services``, tracked
as the "person" subject).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import Count, DateField, Sum
from django.utils.translation import gettext_lazy

from dangvien.core import counters
from dangvien.members.breakdowns import CRITERIA, annotate_age
from dangvien.members.counters import SUBJECT, all_ids, memberships_of_people
from dangvien.members.models import AdmittedCount, AdmittedRollup, Membership

COLUMNS: tuple[str, ...] = ("admitted", "aged", "age_sum", *(c.key for c in CRITERIA))


def contributions_queryset(ids: Sequence[int] | range | None) -> Any:
    """The memberships' counts grouped by (admitting cell, decision day): one query. A
    ``range`` of ids is read as a range (an import's or a rebuild's contiguous ids); ``None``
    is every membership (the rebuild on PostgreSQL)."""
    aggregates: dict[str, Any] = {
        "admitted": Count("pk"),
        "aged": Count("age"),
        "age_sum": Sum("age"),
    }
    for criterion in CRITERIA:
        aggregates[criterion.key] = Count("pk", filter=criterion.q)
    memberships = Membership.objects.all()
    if isinstance(ids, range):
        memberships = memberships.filter(pk__gte=ids.start, pk__lt=ids.stop)
    elif ids is not None:
        memberships = memberships.filter(pk__in=ids)
    return (
        annotate_age(memberships)
        .values("admitted_in_id", "decision_date")
        .annotate(**aggregates)
        .order_by()
        .values_list("admitted_in_id", "decision_date", *COLUMNS)
    )


@lru_cache(maxsize=8)
def _compiled(alias: str, count: int) -> tuple[str, tuple[Any, ...]]:
    """``contributions_queryset`` for ``count`` ids as SQL, compiled once: compiling 44
    conditional counts costs 3-4 × running them for one membership (5,8 against 1,7 ms,
    docs/performance.md), and every tracked write runs it twice. The ids are compiled as
    the marks -1 … -count (no other parameter is negative) and swapped for each call's;
    ``count`` 0 is a contiguous range of ids, its two bounds marked -1 and -2."""
    if count == 0:
        sql, params = (
            contributions_queryset(range(-1, -2, 1)).query.get_compiler(using=alias).as_sql()
        )
        return sql, tuple(params)
    marks = list(range(-count, 0))
    sql, params = contributions_queryset(marks).query.get_compiler(using=alias).as_sql()
    assert sum(1 for param in params if isinstance(param, int) and param < 0) == count
    return sql, tuple(params)


def contributions(ids: Sequence[int]) -> counters.Contributions:
    """The memberships' counts by (admitting cell, decision day): one grouped query."""
    if not ids:
        return {}
    alias = router.db_for_write(Membership)  # the writing transaction's own connection
    connection = connections[alias]
    low, high = min(ids), max(ids)
    if high - low + 1 == len(ids) and len(set(ids)) == len(ids):  # contiguous: a range
        sql, marked = _compiled(alias, 0)
        values = {-1: low, -2: high + 1}
    else:
        sql, marked = _compiled(alias, len(ids))
        values = dict(zip(range(-len(ids), 0), ids, strict=True))
    params = [values[param] if isinstance(param, int) and param < 0 else param for param in marked]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    day = DateField()
    out: counters.Contributions = {}
    for row in rows:
        decided = row[1]
        if not isinstance(decided, dt.date):  # SQLite returns the text of the date
            decided = day.to_python(decided)
        out[(int(row[0]), decided)] = tuple(int(value or 0) for value in row[2:])
    return out


SPEC = counters.CounterSpec(
    name="admitted",
    subject=SUBJECT,
    model=AdmittedCount,
    columns=COLUMNS,
    contributions=contributions,
    all_ids=all_ids,
    label=gettext_lazy("Kết nạp theo chi bộ và ngày"),
    subjects={"person": memberships_of_people},
    grouped=lambda: (contributions_queryset(None), Membership.objects.count()),
    rollup=AdmittedRollup,
)
