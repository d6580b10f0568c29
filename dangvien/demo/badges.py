"""Demo records for the badges app, through its services (so they have audit events): in the
commune of the cell secretary's cell, badges awarded on 19/5 and 2/9 of this year (the
register), and a proposal list for the next award day with one early award for a seriously
ill member.

Run once: it stops when a badge award exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangvien.badges import selectors, services
from dangvien.badges.models import BadgeAward
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.members.choices import ACTIVE_STATUSES
from dangvien.members.models import Membership
from dangvien.organisations.models import Organisation

SERVICE_CELL = "DBD-ML-01"


def seed(ctx: Any) -> None:
    if getattr(ctx, "organisations", None) is None or not getattr(ctx, "cells", None):
        return
    if BadgeAward.objects.exists():
        return
    today: dt.date = ctx.today
    cell = ctx.organisations.get(SERVICE_CELL) or ctx.cells[0]
    ancestors = list(Organisation.objects.ancestors_of(cell))
    commune = ancestors[-1] if ancestors else cell
    serial = 0
    for day in [d for d in selectors.award_dates(today.year) if d <= today][-2:]:
        rows = selectors.list_badges_due(user=ctx.actor, organisation=commune, award_date=day)
        for row in [r for r in rows if r.proposal is None][:2]:
            serial += 1
            prefix = "E" if row.milestone == 45 else ""  # the 45-year badge's numbers
            services.award_badge(
                row.membership,
                milestone=row.milestone,
                award_date=day,
                badge_number=f"{prefix}{row.milestone:02d}-{day:%y%m}-{serial:04d}",
                decision_number=f"{300 + serial}-QĐ/TU",
                decision_date=day - dt.timedelta(days=10),
                actor=ctx.actor,
            )
    upcoming = selectors.next_award_date(today)
    rows = selectors.list_badges_due(user=ctx.actor, organisation=commune, award_date=upcoming)
    if not [r for r in rows if r.proposal is None]:  # the small demo's commune: none left
        commune = ctx.province
        rows = selectors.list_badges_due(user=ctx.actor, organisation=commune, award_date=upcoming)
    for row in [r for r in rows if r.proposal is None][:5]:
        services.propose_badge(
            row.membership, milestone=row.milestone, award_date=upcoming, actor=ctx.actor
        )
    # a seriously ill member a few months short of 30 years
    window = (
        Membership.objects.filter(
            organisation__path__startswith=commune.path,
            status__in=ACTIVE_STATUSES,
            decision_date__gt=add_months(upcoming, -360),
            decision_date__lte=add_months(upcoming, -352),
        )
        .select_related("organisation", "person")
        .order_by("decision_date", "pk")
    )
    for member in window[:5]:
        try:
            services.propose_badge(
                member,
                milestone=30,
                award_date=upcoming,
                actor=ctx.actor,
                early_reason="Ốm nặng, đang điều trị dài ngày",
            )
        except DomainError:
            continue
        break
    ctx.log("badges: awards of this year, a proposal list for the next award day")
