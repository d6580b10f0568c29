"""Figures about the organisations of a subtree (issue 13, item 5):

- the grassroots committees meeting their admission target, at any depth below the reporting
  organisation (seed 004: "có 20 cấp ủy cơ sở hoàn thành và hoàn thành vượt mức chỉ tiêu"),
  ranked — one query for the units, one for their parents' names;
- the organisations by kind (seed 001: "91 tổ chức cơ sở đảng, 285 chi bộ trực thuộc, 1 đảng bộ
  bộ phận") — one query.

A "grassroots committee" (cấp ủy cơ sở) is the committee of a grassroots organisation: a
grassroots committee or a grassroots cell, and a commune committee directly under a district
(before 1/7/2025 commune committees were grassroots organisations of their district).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.translation import gettext

from dangvien.core.formatting import format_number, percent_value
from dangvien.organisations.choices import GRASSROOTS_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation
from dangvien.reports.periods import Period


def parent_path(path: str) -> str:
    return path[: -Organisation.steplen]


def names_with_parents(paths: set[str]) -> dict[str, str]:
    """``path → "Chi bộ Văn phòng — Đảng bộ Sở Y tế"`` (the organisation, then its parent), in
    one query for all the paths."""
    wanted = set(paths) | {parent_path(path) for path in paths if len(path) > Organisation.steplen}
    names = dict(Organisation.objects.filter(path__in=wanted).values_list("path", "name"))
    result = {}
    for path in paths:
        name = names.get(path, "")
        parent = names.get(parent_path(path))
        result[path] = f"{name} — {parent}" if parent else name
    return result


def grassroots_units(organisation: Organisation) -> QuerySet[Organisation]:
    """The grassroots organisations of the subtree, at any depth (the organisation itself
    included when it is one)."""
    steplen = Organisation.steplen
    under_district = Exists(
        Organisation.objects.filter(
            kind=OrganisationKind.DISTRICT,
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - steplen),
        )
    )
    return Organisation.objects.filter(path__startswith=organisation.path).filter(
        Q(kind__in=list(GRASSROOTS_KINDS)) | (Q(kind=OrganisationKind.COMMUNE) & under_district)
    )


@dataclass
class UnitRow:
    pk: int
    code: str
    path: str
    name: str  # with its parent's name
    kind: str
    target: int | None
    admitted: int

    @property
    def percent(self) -> Decimal | None:
        return percent_value(self.admitted, self.target) if self.target else None

    @property
    def meets_target(self) -> bool:
        return bool(self.target) and self.admitted >= (self.target or 0)


@dataclass
class GrassrootsTargets:
    units: int  # grassroots organisations in the subtree
    rows: list[UnitRow]  # those with a target, ranked; then those without one

    @property
    def with_target(self) -> list[UnitRow]:
        return [row for row in self.rows if row.target]

    @property
    def meeting(self) -> list[UnitRow]:
        return [row for row in self.rows if row.meets_target]

    @property
    def behind(self) -> list[UnitRow]:
        return [row for row in self.with_target if not row.meets_target]

    @property
    def sentence(self) -> str:
        if not self.with_target:
            return gettext("Chưa có cấp ủy cơ sở nào được giao chỉ tiêu kết nạp trong năm.")
        return gettext(
            "Có %(meeting)s/%(assigned)s cấp ủy cơ sở hoàn thành và hoàn thành vượt mức chỉ tiêu "
            "kết nạp đảng viên được giao."
        ) % {
            "meeting": format_number(len(self.meeting)),
            "assigned": format_number(len(self.with_target)),
        }


def _rank(rows: list[UnitRow]) -> GrassrootsTargets:
    def rank(row: UnitRow) -> tuple[int, Decimal, int, str]:
        return (0 if row.target else 1, -(row.percent or Decimal(0)), -row.admitted, row.name)

    return GrassrootsTargets(units=len(rows), rows=sorted(rows, key=rank))


def _grassroots_targets_on(
    organisation: Organisation, period: Period, on: dt.date
) -> GrassrootsTargets:
    """The ranking on the tree as it was on ``on`` (the placements in force that day), in one
    query: the organisation's placement that day, the grassroots organisations placed under it
    (a commune counts when its parent that day is a district), each one's target and the
    admissions in the cells placed under it that day, and its parent's name that day."""
    from dangvien.members.models import AdmittedCount
    from dangvien.organisations.models import OrganisationPlacement
    from dangvien.targets.models import Target

    def in_force(prefix: str = "") -> Q:
        return (
            Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})
        ) & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on}))

    root = OrganisationPlacement.objects.filter(in_force(), organisation=organisation).values(
        "path"
    )[:1]
    target = Target.objects.filter(
        organisation=OuterRef("organisation_id"), year=period.year, kind=Target.Kind.ADMISSIONS
    ).values("value")[:1]
    admitted = (  # the admitted counters (``members.AdmittedCount``) of the cells under it
        AdmittedCount.objects.filter(
            in_force("organisation__placements__"),  # one join: the cell's placement that day
            organisation__placements__path__startswith=OuterRef("path"),
            date__range=(period.start, period.end),
        )
        .order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Sum("admitted"))
        .values("n")
    )
    units = (
        OrganisationPlacement.objects.filter(in_force(), path__startswith=Subquery(root))
        .filter(
            Q(organisation__kind__in=list(GRASSROOTS_KINDS))
            | (
                Q(organisation__kind=OrganisationKind.COMMUNE)
                & Q(parent__kind=OrganisationKind.DISTRICT)
            )
        )
        .annotate(
            target=Subquery(target, output_field=IntegerField()),
            admitted=Coalesce(Subquery(admitted, output_field=IntegerField()), 0),
        )
        .values(
            "organisation_id",
            "organisation__code",
            "organisation__path",
            "organisation__name",
            "organisation__kind",
            "parent__name",
            "target",
            "admitted",
        )
    )
    rows = [
        UnitRow(
            pk=unit["organisation_id"],
            code=unit["organisation__code"],
            path=unit["organisation__path"],
            name=(
                f"{unit['organisation__name']} — {unit['parent__name']}"
                if unit["parent__name"]
                else unit["organisation__name"]
            ),
            kind=unit["organisation__kind"],
            target=unit["target"],
            admitted=unit["admitted"],
        )
        for unit in units
    ]
    return _rank(rows)


def get_grassroots_targets(
    *,
    organisation: Organisation,
    period: Period,
    structure: dt.date | str | None = "default",
    today: dt.date | None = None,
) -> GrassrootsTargets:
    """Every grassroots organisation of the subtree with its admission target of the period's
    year and its admissions in the period, ranked by share of target.

    Counted on the tree of ``structure`` like the report (``selectors.default_structure``
    when not given: today's tree for a period not over, the period's own tree for a closed
    one): two queries on today's tree, one on a past tree (the placements of that day), so a
    district dissolved since still ranks its own grassroots organisations."""
    from dangvien.members.models import AdmittedCount
    from dangvien.reports.selectors import default_structure
    from dangvien.targets.models import Target

    on = default_structure(period, today) if isinstance(structure, str) else structure
    if on is not None:
        return _grassroots_targets_on(organisation, period, on)
    target = Target.objects.filter(
        organisation=OuterRef("pk"), year=period.year, kind=Target.Kind.ADMISSIONS
    ).values("value")[:1]
    admitted = (  # the admitted counters (``members.AdmittedCount``) of the cells under it
        AdmittedCount.objects.filter(
            organisation__path__startswith=OuterRef("path"),
            date__range=(period.start, period.end),
        )
        .order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Sum("admitted"))
        .values("n")
    )
    units = list(
        grassroots_units(organisation)
        .annotate(
            target=Subquery(target, output_field=IntegerField()),
            admitted=Coalesce(Subquery(admitted, output_field=IntegerField()), 0),
        )
        .values("pk", "code", "path", "kind", "target", "admitted")
    )
    names = names_with_parents({unit["path"] for unit in units})
    rows = [UnitRow(name=names[unit["path"]], **unit) for unit in units]
    return _rank(rows)


@dataclass
class KindCount:
    kind: str
    label: str
    count: int


@dataclass
class OrganisationCounts:
    by_kind: list[KindCount]

    def count(self, *kinds: str) -> int:
        return sum(row.count for row in self.by_kind if row.kind in kinds)

    @property
    def grassroots(self) -> int:
        return self.count(*GRASSROOTS_KINDS)

    @property
    def sentence(self) -> str:
        """ "Hiện có 91 tổ chức cơ sở đảng (…), 285 chi bộ trực thuộc, 1 đảng bộ bộ phận." —
        the parts that are zero are left out."""
        k = OrganisationKind
        text = gettext(
            "Hiện có %(grassroots)s tổ chức cơ sở đảng (%(committees)s đảng bộ cơ sở, "
            "%(cells)s chi bộ cơ sở)"
        ) % {
            "grassroots": format_number(self.grassroots),
            "committees": format_number(self.count(k.GRASSROOTS_COMMITTEE)),
            "cells": format_number(self.count(k.GRASSROOTS_CELL)),
        }
        if self.count(k.CELL):
            text += gettext(", %(count)s chi bộ trực thuộc") % {
                "count": format_number(self.count(k.CELL))
            }
        if self.count(k.SUB_COMMITTEE):
            text += gettext(", %(count)s đảng bộ bộ phận") % {
                "count": format_number(self.count(k.SUB_COMMITTEE))
            }
        return text + "."


def in_force_today() -> Q:
    """Organisations not ended ("Hiện có": those that ended in a reorganisation stay in the
    tree with their history but are not counted)."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date.today())


def get_organisation_counts(*, organisation: Organisation) -> OrganisationCounts:
    """The organisations in force below ``organisation`` by kind (one query)."""
    counts = dict(
        Organisation.objects.filter(in_force_today(), path__startswith=organisation.path)
        .exclude(pk=organisation.pk)
        .order_by()  # no default ordering in the GROUP BY
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return OrganisationCounts(
        [
            KindCount(str(kind.value), str(kind.label), counts.get(kind.value, 0))
            for kind in OrganisationKind
            if counts.get(kind.value)
        ]
    )


def rows_as_records(rows: list[UnitRow]) -> list[dict[str, Any]]:
    return [
        {
            "rank": number,
            "name": row.name,
            "code": row.code,
            "kind": str(OrganisationKind(row.kind).label),
            "target": row.target,
            "admitted": row.admitted,
            "percent": row.percent,
            "meets": row.meets_target,
        }
        for number, row in enumerate(rows, start=1)
    ]
