"""Demo targets: yearly admission targets down the demo tree (province → its children →
theirs) for the demo year and the year before, plus one coverage target.

The province's and its direct children's targets go through ``set_target`` (history and audit);
the many lower ones are bulk-created with one audit event saying so. One child's sum is left
different from its parent's on purpose, so the allocation warning shows in the demo.
"""

from __future__ import annotations

from typing import Any


def seed(ctx: Any) -> None:
    from dangvien.audit.services import record
    from dangvien.organisations.models import Organisation
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
    nodes = list(
        Organisation.objects.subtree(province)
        .filter(depth__lte=province.depth + 2)
        .order_by("path")
    )
    middle = [n for n in nodes if n.depth == province.depth + 1]
    lower = [n for n in nodes if n.depth == province.depth + 2]
    bulk: list[Target] = []
    for year in (today.year - 1, today.year):
        province_total = 0
        for parent in middle:
            children = [n for n in lower if n.path.startswith(parent.path)]
            values = [rng.randint(2, 12) for _ in children]
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
