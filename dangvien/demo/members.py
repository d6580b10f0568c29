"""Demo records for the members app, all through the services (so they have audit events):

- in the cell secretary's cell: two probationers whose 12 months end within the month and one
  whose recognition is overdue, each with a helper; three official members whose new cards
  wait to be handed over; one official transfer waiting for the receiving cell;
- in the first workplace cell: five members to introduce to their residence cells, three
  introduced (one late), two pending.

Deterministic (no randomness needed) and run once: it stops when its first card exists.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from dangvien.core.dates import add_months
from dangvien.members import services
from dangvien.members.choices import (
    WORKPLACE_AREA_KINDS,
    CardReason,
    MemberStatus,
    TransferKind,
)
from dangvien.members.models import Membership, PartyCard

if TYPE_CHECKING:
    from dangvien.accounts.models import User

CARD_PREFIX = "DB-"
SERVICE_CELL = "DBD-ML-01"


def seed(ctx: Any) -> None:
    if getattr(ctx, "organisations", None) is None or not getattr(ctx, "cells", None):
        return  # no demo tree to attach to
    if PartyCard.objects.filter(number__startswith=CARD_PREFIX).exists():
        return
    today: dt.date = ctx.today
    actor = ctx.actor
    cell = ctx.organisations.get(SERVICE_CELL) or ctx.cells[0]
    officials = list(
        Membership.objects.filter(organisation=cell, status=MemberStatus.OFFICIAL).order_by("pk")
    )
    from dangvien.people.models import Person

    # non-members of the cell first, then of its neighbour cells (the small demo has few)
    candidates = list(
        Person.objects.filter(organisation=cell, membership__isnull=True).order_by("pk")[:3]
    )
    if len(candidates) < 3:
        neighbours = Person.objects.filter(
            organisation__path__startswith=cell.path[: -cell.steplen],
            organisation__kind=cell.kind,
            membership__isnull=True,
        ).exclude(pk__in=[p.pk for p in candidates])
        candidates += list(neighbours.order_by("pk")[: 3 - len(candidates)])
    # probation ends in 6 and 20 days; the third ended 70 days ago without a cell vote
    for person, offset in zip(candidates, (6, 20, -70), strict=False):
        ceremony = add_months(today + dt.timedelta(days=offset), -12)
        membership = services.admit_member(
            person=person,
            organisation=cell,
            decision_date=ceremony - dt.timedelta(days=21),
            decision_number=f"{100 + person.pk % 900}-QĐ/ĐU",
            ceremony_date=ceremony,
            actor=actor,
        )
        if officials:
            services.assign_helper(
                membership,
                helper=officials[person.pk % len(officials)],
                start_date=ceremony,
                actor=actor,
            )
    for member in officials[:3]:
        services.issue_card(
            member,
            number=f"{CARD_PREFIX}{member.pk:08d}",
            decision_date=today - dt.timedelta(days=12),
            decision_number="52-QĐ/TU",
            # Chỉ thị 51-CT/TW (2025): members who have a card exchange it
            reason=CardReason.EXCHANGE if member.card_number else CardReason.FIRST,
            actor=actor,
        )
    other_cells = [c for c in ctx.cells if c.pk != cell.pk]
    if len(officials) > 3 and other_cells:
        services.start_transfer(
            officials[3],
            to_organisation=other_cells[0],
            kind=TransferKind.OFFICIAL,
            reason_date=today - dt.timedelta(days=25),
            started_on=today - dt.timedelta(days=10),
            letter_number="GT-15",
            actor=actor,
        )
    _seed_residence(ctx, today, actor)
    ctx.log("members: probationers, cards to hand over, a pending transfer, residence links")


def _seed_residence(ctx: Any, today: dt.date, actor: User) -> None:
    workplace = next((c for c in ctx.cells if c.area_kind in WORKPLACE_AREA_KINDS), None)
    if workplace is None:
        return
    members = Membership.objects.filter(
        organisation=workplace, status=MemberStatus.OFFICIAL
    ).order_by("pk")[:5]
    since = today - dt.timedelta(days=150)
    for index, member in enumerate(members):
        link = services.open_residence_requirement(
            member, organisation=workplace, since=since, actor=actor
        )
        if link is None or index >= 3:
            continue
        introduced = link.due + dt.timedelta(days=7) if index == 2 else since + dt.timedelta(30)
        services.record_residence_introduction(
            link, introduced_on=introduced, residence_place="Thôn nơi cư trú", actor=actor
        )
