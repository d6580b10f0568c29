"""Demo records for the screening app, through its services (so they have audit events):

- the month sheets (dues and attendance) of January to last month for the cell secretary's
  cell and a few neighbouring cells, nearly everyone paid and present; three members of the
  secretary's cell with three or more months unpaid, one with three months absent;
- three screening cases in that cell: one listed for help, one whose removal the cell has
  proposed (waiting for the committee), one removed (xóa tên) by the committee.

Deterministic (``ctx.rng``) and run once: it stops when a screening case exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus, TransferStatus
from dangvien.members.models import Membership
from dangvien.screening import selectors, services
from dangvien.screening.choices import ActivityStatus, DuesStatus, RemovalForm
from dangvien.screening.models import ScreeningCase

SERVICE_CELL = "DBD-ML-01"
NEIGHBOUR_CELLS = 4


def _members(cell: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(organisation=cell, status__in=ACTIVE_STATUSES)
        .select_related("organisation", "person")
        .order_by("pk")
    )


def _sheets(
    ctx: Any,
    cell: Any,
    months: list[dt.date],
    unpaid: dict[int, set[int]],
    absent: dict[int, set[int]],
) -> None:
    entries = []
    for member in _members(cell):
        for month in months:
            if month < member.decision_date.replace(day=1):
                continue
            dues = (
                DuesStatus.UNPAID if month.month in unpaid.get(member.pk, ()) else DuesStatus.PAID
            )
            activity = (
                ActivityStatus.ABSENT
                if month.month in absent.get(member.pk, ())
                else ActivityStatus.EXCUSED
                if ctx.rng.random() < 0.03
                else ActivityStatus.ATTENDED
            )
            entries.append(services.MonthEntry(member, month, dues, activity))
    services.record_months(entries, actor=ctx.actor, source="demo")


def _settled(member: Membership, today: dt.date) -> bool:
    """Official since before this year, not moving: safe to screen in the demo."""
    return (
        member.status == MemberStatus.OFFICIAL
        and member.official_date is not None
        and member.official_date < dt.date(today.year, 1, 1)
        and not member.transfers.filter(status=TransferStatus.OPEN).exists()
    )


def _screened_cell(ctx: Any, today: dt.date) -> Any:
    """The cell secretary's cell when it has four settled members (the full demo), else the
    village cell with the most official members (the small demo)."""
    from django.db.models import Count, Q

    cell = ctx.organisations.get(SERVICE_CELL) or ctx.cells[0]
    if sum(_settled(m, today) for m in _members(cell)) >= 4:
        return cell
    settled = Q(
        memberships__status=MemberStatus.OFFICIAL,
        memberships__official_date__lt=dt.date(today.year, 1, 1),
    )
    candidates = [c.pk for c in ctx.cells if c.kind == cell.kind]
    best = (
        type(cell)
        .objects.filter(pk__in=candidates)
        .annotate(n=Count("memberships", filter=settled))
        .order_by("-n", "path")
        .first()
    )
    return best or cell


def seed(ctx: Any) -> None:
    if getattr(ctx, "organisations", None) is None or not getattr(ctx, "cells", None):
        return
    if ScreeningCase.objects.exists():
        return
    today: dt.date = ctx.today
    months = [dt.date(today.year, m, 1) for m in range(1, today.month)]
    cell = _screened_cell(ctx, today)
    members = _members(cell)
    settled = [m for m in members if _settled(m, today)]
    chosen = settled[-4:]
    unpaid: dict[int, set[int]] = {}
    absent: dict[int, set[int]] = {}
    if len(chosen) == 4:
        unpaid[chosen[0].pk] = {2, 3, 5, 8}
        unpaid[chosen[1].pk] = {1, 4, 6}
        unpaid[chosen[2].pk] = {3, 7, 9}
        absent[chosen[3].pk] = {5, 6, 9}
    _sheets(ctx, cell, months, unpaid, absent)
    neighbours = [c for c in ctx.cells if c.pk != cell.pk and c.kind == cell.kind]
    for other in neighbours[:NEIGHBOUR_CELLS]:
        others = _members(other)
        late = {m.pk: set(ctx.rng.sample(range(1, today.month), 3)) for m in others[:1]}
        _sheets(ctx, other, months, late, {})
    if len(chosen) < 4:
        ctx.log("screening: month sheets only (the cell has too few settled members)")
        return
    official = selectors.count_official_members(cell)
    passing = -(-official * 2 // 3)  # at least two thirds of all official members

    def vote(day: dt.date) -> dict[str, Any]:
        return {
            "date": day,
            "votes_for": passing,
            "votes_against": max(0, official - 1 - passing),
            "present": official - 1,
            "votes_eligible": official,
            "actor": ctx.actor,
        }

    # listed for help last month
    services.open_screening_case(
        chosen[0], document_number="12-BB/CB", **vote(today - dt.timedelta(days=35))
    )
    # listed in spring; the cell proposed removal this month, the committee has not decided
    proposed = services.open_screening_case(
        chosen[1], document_number="04-BB/CB", **vote(dt.date(today.year, 4, 10))
    )
    services.propose_removal(
        proposed,
        form=RemovalForm.REMOVED,
        document_number="15-NQ/CB",
        **vote(today - dt.timedelta(days=8)),
    )
    # listed, proposed and removed by the committee
    removed = services.open_screening_case(
        chosen[2], document_number="03-BB/CB", **vote(dt.date(today.year, 3, 15))
    )
    services.propose_removal(
        removed,
        form=RemovalForm.REMOVED,
        document_number="11-NQ/CB",
        **vote(dt.date(today.year, 10, 5)),
    )
    services.decide_screening_case(
        removed,
        removed=True,
        date=dt.date(today.year, 10, 28),
        decision_number="208-QĐ/ĐU",
        actor=ctx.actor,
    )
    ctx.log("screening: month sheets, dues alerts, three screening cases (one removal)")
