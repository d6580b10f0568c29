"""Reads on targets: a parent's target beside its children's (the allocation), and history."""

from __future__ import annotations

import datetime as dt
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


# --- The allocation sheet: every child of a parent on one page ---------------------------------


# The months of each period of a target (Target.Period): a quarter, a half-year, or the year.
PERIOD_MONTHS: dict[str, tuple[int, int]] = {
    "": (1, 12),
    "q1": (1, 3),
    "q2": (4, 6),
    "q3": (7, 9),
    "q4": (10, 12),
    "h1": (1, 6),
    "h2": (7, 12),
}


def period_range(year: int, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``period`` (a Target.Period value) of ``year``."""
    import calendar

    first, last = PERIOD_MONTHS[period]
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def period_label(year: int, period: str) -> str:
    """'năm 2026', 'quý II năm 2026', '6 tháng đầu năm 2026' (titles, warnings, files)."""
    texts = {
        "": _("năm %(year)s"),
        "q1": _("quý I năm %(year)s"),
        "q2": _("quý II năm %(year)s"),
        "q3": _("quý III năm %(year)s"),
        "q4": _("quý IV năm %(year)s"),
        "h1": _("6 tháng đầu năm %(year)s"),
        "h2": _("6 tháng cuối năm %(year)s"),
    }
    return texts[period] % {"year": year}


@dataclass
class AllocationRow:
    """One child on the allocation page: this year's target beside last year's target and
    result (members admitted in its subtree last year) and its members now."""

    organisation: Organisation
    target: int | None
    last_target: int | None
    last_result: int
    members: int
    # for a quarter or half-year: the child's yearly target beside it (None for the year)
    year_target: int | None = None

    @property
    def unusual(self) -> bool:
        """The sanity rule (docs/targets.md): a yearly admission target larger than the
        organisation's members today cannot be met by its cells — it is flagged, not refused."""
        return self.target is not None and self.target > self.members

    @property
    def unusual_text(self) -> str:
        if not self.unusual:
            return ""
        from dangvien.core.formatting import format_number

        return _("Chỉ tiêu %(target)s lớn hơn số đảng viên hiện có của tổ chức (%(members)s).") % {
            "target": format_number(self.target or 0),
            "members": format_number(self.members),
        }


@dataclass
class AllocationSheet:
    """The allocation of ``period`` of ``year`` (a Target.Period value: "" the year, "q1"…"q4",
    "h1", "h2"); "last" is the same period a year earlier."""

    parent: Organisation
    year: int
    own: int | None
    last_own: int | None
    rows: list[AllocationRow]
    period: str = ""
    own_year: int | None = None

    @property
    def label(self) -> str:
        return period_label(self.year, self.period)

    @property
    def last_label(self) -> str:
        return period_label(self.year - 1, self.period)

    def with_values(self, values: dict[int, int | None]) -> AllocationSheet:
        """The same sheet with other (posted, imported, copied) values: warnings before saving."""
        rows = [
            AllocationRow(
                organisation=row.organisation,
                target=values.get(row.organisation.pk, row.target),
                last_target=row.last_target,
                last_result=row.last_result,
                members=row.members,
                year_target=row.year_target,
            )
            for row in self.rows
        ]
        return AllocationSheet(
            self.parent, self.year, self.own, self.last_own, rows, self.period, self.own_year
        )

    def last_year_values(self) -> dict[int, int | None]:
        """Copy from last year: last year's target where this year has none."""
        return {
            row.organisation.pk: row.last_target
            for row in self.rows
            if row.target is None and row.last_target is not None
        }

    @property
    def total(self) -> int:
        return sum(row.target or 0 for row in self.rows)

    @property
    def assigned(self) -> int:
        return sum(1 for row in self.rows if row.target is not None)

    @property
    def last_total(self) -> int:
        return sum(row.last_target or 0 for row in self.rows)

    @property
    def last_result_total(self) -> int:
        return sum(row.last_result for row in self.rows)

    @property
    def without_target(self) -> list[AllocationRow]:
        return [row for row in self.rows if row.target is None]

    @property
    def difference(self) -> int | None:
        if self.own is None or not self.assigned:
            return None
        return self.total - self.own

    @property
    def warnings(self) -> list[str]:
        """Every warning of the allocation, in words (none of them stops a save)."""
        from dangvien.core.formatting import format_number

        texts: list[str] = []
        diff = self.difference
        total, own = format_number(self.total), format_number(self.own or 0)
        if self.own is None:
            texts.append(
                _(
                    "«%(parent)s» chưa được cấp trên giao chỉ tiêu %(label)s: chưa so được tổng"
                    " chỉ tiêu giao cho các tổ chức trực thuộc (%(total)s)."
                )
                % {"parent": self.parent.name, "label": self.label, "total": total}
            )
        elif diff is not None and diff > 0:
            texts.append(
                _(
                    "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (%(children)s) vượt chỉ tiêu"
                    " của cấp này (%(own)s) %(difference)s đảng viên."
                )
                % {"children": total, "own": own, "difference": format_number(diff)}
            )
        elif diff is not None and diff < 0:
            texts.append(
                _(
                    "Tổng chỉ tiêu giao cho các tổ chức trực thuộc (%(children)s) còn thiếu"
                    " %(difference)s so với chỉ tiêu của cấp này (%(own)s)."
                )
                % {"children": total, "own": own, "difference": format_number(-diff)}
            )
        missing = self.without_target
        if missing and len(missing) == len(self.rows):
            texts.append(
                _("Chưa tổ chức trực thuộc nào được giao chỉ tiêu %(label)s (%(count)s tổ chức).")
                % {"label": self.label, "count": format_number(len(missing))}
            )
        elif missing:
            names = ", ".join(row.organisation.name for row in missing[:5])
            if len(missing) > 5:
                names += _(" và %(more)s tổ chức khác") % {"more": format_number(len(missing) - 5)}
            texts.append(
                _("%(count)s/%(all)s tổ chức trực thuộc chưa được giao chỉ tiêu: %(names)s.")
                % {
                    "count": format_number(len(missing)),
                    "all": format_number(len(self.rows)),
                    "names": names,
                }
            )
        unusual = [row for row in self.rows if row.unusual]
        if unusual:
            texts.append(
                _(
                    "%(count)s tổ chức có chỉ tiêu lớn hơn số đảng viên hiện có (cần xem lại):"
                    " %(names)s."
                )
                % {
                    "count": format_number(len(unusual)),
                    "names": ", ".join(
                        f"{row.organisation.name} ({row.target}/{row.members})"
                        for row in unusual[:5]
                    ),
                }
            )
        return texts


def get_allocation_sheet(*, parent: Organisation, year: int, period: str = "") -> AllocationSheet:
    """The admission targets of ``parent``'s children for ``period`` of ``year`` and of the
    same period a year earlier, that earlier period's result and today's members of each
    child (and, for a quarter or half-year, the yearly targets): four queries whatever the
    number of children (children; targets; admitted per child; members per child)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from dangvien.members.models import Membership

    children = list(Organisation.objects.children_of(parent))
    ids = [parent.pk, *(child.pk for child in children)]
    targets = {
        (organisation_id, target_year, target_period): value
        for organisation_id, target_year, target_period, value in Target.objects.filter(
            organisation_id__in=ids,
            year__in=(year, year - 1),
            kind=Target.Kind.ADMISSIONS,
            period__in={period, ""},
        ).values_list("organisation_id", "year", "period", "value")
    }
    length = len(parent.path) + parent.steplen
    admitted = dict(
        Membership.objects.filter(
            admitted_in__path__startswith=parent.path,
            admitted_in__depth__gt=parent.depth,
            decision_date__range=period_range(year - 1, period),
        )
        .annotate(prefix=Substr("admitted_in__path", 1, length))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    members = dict(
        Membership.objects.active()
        .filter(organisation__path__startswith=parent.path, organisation__depth__gt=parent.depth)
        .annotate(prefix=Substr("organisation__path", 1, length))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    return AllocationSheet(
        parent=parent,
        year=year,
        own=targets.get((parent.pk, year, period)),
        last_own=targets.get((parent.pk, year - 1, period)),
        rows=[
            AllocationRow(
                organisation=child,
                target=targets.get((child.pk, year, period)),
                last_target=targets.get((child.pk, year - 1, period)),
                last_result=admitted.get(child.path, 0),
                members=members.get(child.path, 0),
                year_target=targets.get((child.pk, year, "")) if period else None,
            )
            for child in children
        ],
        period=period,
        own_year=targets.get((parent.pk, year, "")) if period else None,
    )
