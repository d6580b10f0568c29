"""Demo targets: yearly admission targets down the demo tree (province → its children →
theirs) for the demo year and the year before, plus one coverage target.

Each year's targets sit on the tree in force when the year's targets were given: the year
before the demo year (2025) on the tree of 1/1/2025 (the district, its communes, the old
provincial bloc), the demo year (2026) on the tree of today (the new commune committees and
blocs after 1/7/2025). The 2025 targets of the organisations that ended on 30/6/2025 stay
theirs: a new commune's "same period" target is the sum of its predecessors'. With
``seed_demo --before-2025`` both years sit on the old tree.

The province's and its direct children's targets go through ``set_target`` (history and audit);
the many lower ones are bulk-created with one audit event saying so. One child's sum is left
different from its parent's on purpose, so the allocation warning shows in the demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

CELL_KINDS = ("cell", "grassroots_cell")


def _tree_on(province: Any, on: dt.date) -> tuple[list[Any], dict[int, list[Any]]]:
    """The province's children in force on ``on`` and, for each, its own children that day
    (from the placements: the tree's history)."""
    from django.db.models import Q

    from dangvien.organisations.models import OrganisationPlacement

    in_force = (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    middle = [
        p.organisation
        for p in OrganisationPlacement.objects.filter(in_force, parent=province)
        .select_related("organisation")
        .order_by("path")
    ]
    lower: dict[int, list[Any]] = {m.pk: [] for m in middle}
    for p in (
        OrganisationPlacement.objects.filter(in_force, parent__in=[m.pk for m in middle])
        .select_related("organisation")
        .order_by("organisation__code")
    ):
        if p.parent_id is not None:
            lower[p.parent_id].append(p.organisation)
    return middle, lower


def seed(ctx: Any) -> None:
    from dangvien.audit.services import record
    from dangvien.targets.models import Target
    from dangvien.targets.services import set_target

    province = getattr(ctx, "organisations", {}).get("DB") if ctx is not None else None
    actor = getattr(ctx, "actor", None)
    if province is None or actor is None:
        return
    today = ctx.today
    if Target.objects.filter(organisation=province, year=today.year).exists():
        return
    rng = ctx.rng
    bulk: list[Target] = []
    for year in (today.year - 1, today.year):
        # a year's targets are given at its start, on the tree of that day
        on = dt.date(year, 1, 1) if year < today.year else today
        middle, lower = _tree_on(province, on)
        province_total = 0
        for parent in middle:
            children = lower[parent.pk]
            values = [
                rng.randint(1, 3) if child.kind in CELL_KINDS else rng.randint(2, 12)
                for child in children
            ]
            bulk += [
                Target(organisation=child, year=year, value=value, assigned_by=actor)
                for child, value in zip(children, values, strict=True)
            ]
            # the first middle organisation assigns a little more than it was given
            total = sum(values) - (3 if parent is middle[0] and year == today.year else 0)
            total = max(total, 1)
            set_target(parent, year=year, value=total, actor=actor, note="Dữ liệu mẫu")
            province_total += total
        set_target(
            province,
            year=year,
            value=province_total,
            actor=actor,
            note="Nghị quyết Ban Thường vụ Tỉnh ủy (dữ liệu mẫu)",
        )
    Target.objects.bulk_create(bulk, ignore_conflicts=True)
    set_target(
        province,
        year=today.year,
        value=70,
        kind=Target.Kind.FRONT_GROUP_HEADS,
        actor=actor,
        note="Dữ liệu mẫu",
    )
    record(
        actor=actor,
        action="targets.target.assigned",
        organisation=province,
        data={"bulk": len(bulk), "note": "Chỉ tiêu mẫu cho các tổ chức cấp dưới (nhập hàng loạt)"},
    )
