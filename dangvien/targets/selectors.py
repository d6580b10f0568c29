"""Reads on targets: a parent's target beside its children's (the allocation), and history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dangvien.core.typing import AnyUser
from dangvien.organisations.models import Organisation
from dangvien.targets.models import Target, TargetChange


@dataclass
class ChildTarget:
    organisation: Organisation
    target: Target | None
    can_assign: bool = False

    @property
    def value(self) -> int | None:
        return self.target.value if self.target else None


@dataclass
class TargetAllocation:
    """An organisation's target for a year and kind, with its children's targets."""

    organisation: Organisation
    year: int
    kind: str
    own: Target | None
    children: list[ChildTarget] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(Target.Kind(self.kind).label)

    @property
    def children_sum(self) -> int:
        return sum(child.value or 0 for child in self.children)

    @property
    def children_assigned(self) -> int:
        return sum(1 for child in self.children if child.target is not None)

    @property
    def difference(self) -> int | None:
        """Children's sum minus the parent's target (positive: over-allocated)."""
        if self.own is None or not self.children_assigned or self.kind != Target.Kind.ADMISSIONS:
            return None
        return self.children_sum - self.own.value

    @property
    def warning(self) -> str:
        diff = self.difference
        if diff is None or diff == 0:
            return ""
        from dangvien.core.formatting import format_number

        own = format_number(self.own.value if self.own else 0)
        children = format_number(self.children_sum)
        if diff > 0:
            return _(
                "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (%(children)s) vượt chỉ tiêu của"
                " cấp này (%(own)s) %(difference)s đảng viên."
            ) % {"children": children, "own": own, "difference": format_number(diff)}
        return _(
            "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (%(children)s) còn thiếu"
            " %(difference)s so với chỉ tiêu của cấp này (%(own)s)."
        ) % {"children": children, "own": own, "difference": format_number(-diff)}


def get_target_allocation(
    *,
    organisation: Organisation,
    year: int,
    kind: str = Target.Kind.ADMISSIONS,
    user: AnyUser | None = None,
) -> TargetAllocation:
    """Two queries: the children, and the targets of the organisation and its children."""
    from dangvien.core.scoping import can

    children = list(Organisation.objects.children_of(organisation))
    ids = [organisation.pk, *(child.pk for child in children)]
    targets = {
        t.organisation_id: t
        for t in Target.objects.filter(organisation_id__in=ids, year=year, kind=kind, period="")
    }
    may_assign = user is not None and can(user, "target.change", organisation)
    return TargetAllocation(
        organisation=organisation,
        year=year,
        kind=kind,
        own=targets.get(organisation.pk),
        children=[
            ChildTarget(organisation=child, target=targets.get(child.pk), can_assign=may_assign)
            for child in children
        ],
    )


def list_target_changes(
    *, organisation: Organisation, year: int, limit: int = 50
) -> list[TargetChange]:
    """The history of the targets of the organisation and its children for one year."""
    return list(
        TargetChange.objects.filter(
            target__year=year,
            target__organisation__path__startswith=organisation.path,
            target__organisation__depth__lte=organisation.depth + 1,
        )
        .select_related("target", "target__organisation")
        .order_by("-created_at", "-pk")[:limit]
    )


def get_target_value(
    *, organisation: Organisation, year: int, kind: str = Target.Kind.ADMISSIONS
) -> int | None:
    return (
        Target.objects.filter(organisation=organisation, year=year, kind=kind, period="")
        .values_list("value", flat=True)
        .first()
    )
