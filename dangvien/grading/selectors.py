"""Reads of grading: the sheet of a cell or of an organisation's children, the final grades
(the public read API other apps use), and the distribution of grades for the reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangvien.grading.choices import GRADE_ORDER, MemberStep, OrganisationStep
from dangvien.grading.models import MemberGrade, OrganisationGrade
from dangvien.grading.periods import period_bounds
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership
from dangvien.organisations.choices import CELL_KINDS, GRASSROOTS_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import (
    StructureRoot,
    branch_of,
    children_on,
    structure_q,
)

GRADED_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)
"""Members on a cell's grading sheet: probationary and official members (an exempt member is
not graded; a member who left the cell keeps the rows already recorded there)."""

GRADABLE_ORGANISATION_KINDS = frozenset(
    {*CELL_KINDS, *GRASSROOTS_KINDS, OrganisationKind.SUB_COMMITTEE}
)
"""Party organisations graded with their own grades: cells, sub-committees and grassroots
organisations (the committees above grade them)."""


def final_grades(
    memberships: Iterable[Membership | int] | QuerySet[Any],
    years: Iterable[int],
    *,
    grade: str | None = None,
) -> dict[tuple[int, int], str]:
    """``{(membership_id, year): grade}``: the grade the grassroots committee approved for the
    whole year (not a quarter), as last corrected. One query. Members without an approved
    yearly grade are absent. This is the read other apps (screening) rely on.

    ``memberships``: the members, or a queryset of their keys (read inside the statement: a
    province's members are not listed in it); ``grade``: only the grades of that value."""
    wanted_years = sorted(set(years))
    if isinstance(memberships, QuerySet):
        chosen: Any = memberships
    else:
        chosen = [m if isinstance(m, int) else m.pk for m in memberships]
        if not chosen:
            return {}
    if not wanted_years:
        return {}
    rows = MemberGrade.objects.current().filter(
        membership_id__in=chosen,
        year__in=wanted_years,
        quarter=0,
        step=MemberStep.APPROVAL,
    )
    if grade is not None:
        rows = rows.filter(grade=grade)
    return {
        (membership_id, year): value
        for membership_id, year, value in rows.values_list("membership_id", "year", "grade")
    }


def sheet_memberships(cell: Organisation, *, year: int, quarter: int = 0) -> QuerySet[Membership]:
    """The members on ``cell``'s sheet for the period: probationary and official members of the
    cell admitted by the end of the period, and anyone already graded in this cell for it."""
    _start, end = period_bounds(year, quarter)
    graded = MemberGrade.objects.filter(organisation=cell, year=year, quarter=quarter).values(
        "membership_id"
    )
    return (
        Membership.objects.filter(
            Q(organisation=cell, status__in=GRADED_STATUSES, decision_date__lte=end)
            | Q(pk__in=graded)
        )
        .select_related("person")
        .order_by("person__full_name_folded", "pk")
    )


@dataclass
class SheetRow:
    """One line of a grading sheet: who, and the current row of each step (or None)."""

    key: int
    name: str
    subject: Any
    steps: dict[str, Any] = field(default_factory=dict)

    def score(self, step: str) -> Decimal | None:
        row = self.steps.get(step)
        return row.score if row is not None else None


def get_member_sheet(cell: Organisation, *, year: int, quarter: int = 0) -> list[SheetRow]:
    """The sheet of a cell: each member and the current row of each step. Two queries."""
    members = list(sheet_memberships(cell, year=year, quarter=quarter))
    rows = {m.pk: SheetRow(key=m.pk, name=m.person.full_name, subject=m, steps={}) for m in members}
    for grade in MemberGrade.objects.current().filter(
        membership_id__in=list(rows), year=year, quarter=quarter
    ):
        rows[grade.membership_id].steps[grade.step] = grade
    return list(rows.values())


def gradable_organisations(
    parent: Organisation, *, year: int, quarter: int = 0
) -> list[Organisation]:
    """The organisations graded on ``parent``'s sheet: its children of a gradable kind not
    dissolved before the period began."""
    start, _end = period_bounds(year, quarter)
    return list(
        Organisation.objects.children_of(parent)
        .filter(kind__in=GRADABLE_ORGANISATION_KINDS)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("code")
    )


def get_organisation_sheet(parent: Organisation, *, year: int, quarter: int = 0) -> list[SheetRow]:
    """The organisations under ``parent`` and the current row of each step. Two queries."""
    children = gradable_organisations(parent, year=year, quarter=quarter)
    rows = {o.pk: SheetRow(key=o.pk, name=o.name, subject=o, steps={}) for o in children}
    for grade in OrganisationGrade.objects.current().filter(
        organisation_id__in=list(rows), year=year, quarter=quarter
    ):
        rows[grade.organisation_id].steps[grade.step] = grade
    return list(rows.values())


def list_member_grade_history(membership: Membership) -> QuerySet[MemberGrade]:
    """Every recorded row of a member, corrections included (oldest first)."""
    return (
        MemberGrade.objects.filter(membership=membership)
        .select_related("organisation", "supersedes")
        .order_by("year", "quarter", "pk")
    )


# -- reports -------------------------------------------------------------------------------


@dataclass
class GradeCounts:
    """Approved grades of one group (an organisation's subtree, or one child's)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADE_ORDER, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, grade: str, n: int) -> None:
        self.counts[grade] = self.counts.get(grade, 0) + n


def count_member_grades(
    organisation: Organisation,
    *,
    year: int,
    quarter: int = 0,
    structure: StructureRoot | None = None,
) -> tuple[GradeCounts, dict[str, GradeCounts]]:
    """Approved (current) member grades in ``organisation``'s subtree for the period: the total
    and per child subtree (keyed by the child's path; the organisation's own cells under its
    own path). One ``GROUP BY Substr(path)`` query. ``structure``: the subtree on a past tree
    (a resolved root; the keys are then placement paths, as ``children_on``'s); None: today's."""
    return _count(
        MemberGrade.objects.current().filter(step=MemberStep.APPROVAL),
        organisation,
        year=year,
        quarter=quarter,
        structure=structure,
    )


def count_organisation_grades(
    organisation: Organisation,
    *,
    year: int,
    quarter: int = 0,
    structure: StructureRoot | None = None,
) -> tuple[GradeCounts, dict[str, GradeCounts]]:
    """Approved grades of the organisations strictly below ``organisation`` for the period,
    total and per child subtree. One query."""
    return _count(
        OrganisationGrade.objects.current()
        .filter(step=OrganisationStep.APPROVAL)
        .exclude(organisation=organisation),
        organisation,
        year=year,
        quarter=quarter,
        structure=structure,
    )


def _root(organisation: Organisation, structure: StructureRoot | None) -> StructureRoot:
    return structure or StructureRoot(organisation.path, None)


def _count(
    queryset: QuerySet[Any],
    organisation: Organisation,
    *,
    year: int,
    quarter: int,
    structure: StructureRoot | None = None,
) -> tuple[GradeCounts, dict[str, GradeCounts]]:
    root = _root(organisation, structure)
    rows = (
        queryset.filter(structure_q(root), year=year, quarter=quarter)
        .annotate(branch=branch_of(root, organisation))
        .values("branch", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = GradeCounts()
    children: dict[str, GradeCounts] = {}
    for row in rows:
        total.add(row["grade"], row["n"])
        children.setdefault(row["branch"], GradeCounts()).add(row["grade"], row["n"])
    return total, children


def member_grade_records(
    organisation: Organisation,
    *,
    year: int,
    quarter: int = 0,
    grade: str | None = None,
    structure: StructureRoot | None = None,
) -> QuerySet[MemberGrade]:
    """The approved member grades behind a count (same filter as ``count_member_grades``)."""
    queryset = (
        MemberGrade.objects.current()
        .filter(
            structure_q(_root(organisation, structure)),
            step=MemberStep.APPROVAL,
            year=year,
            quarter=quarter,
        )
        .select_related("membership__person", "organisation")
    )
    if grade:
        queryset = queryset.filter(grade=grade)
    return queryset.order_by("organisation__path", "membership__person__full_name_folded", "pk")


def organisation_grade_records(
    organisation: Organisation,
    *,
    year: int,
    quarter: int = 0,
    grade: str | None = None,
    structure: StructureRoot | None = None,
) -> QuerySet[OrganisationGrade]:
    queryset = (
        OrganisationGrade.objects.current()
        .filter(
            structure_q(_root(organisation, structure)),
            step=OrganisationStep.APPROVAL,
            year=year,
            quarter=quarter,
        )
        .exclude(organisation=organisation)
        .select_related("organisation")
    )
    if grade:
        queryset = queryset.filter(grade=grade)
    return queryset.order_by("organisation__path", "pk")


@dataclass
class DistributionRow:
    """One child of the reported organisation (``None``: its own level, e.g. cells directly
    under a commune are children; members graded in the organisation itself are here)."""

    organisation: Organisation | None
    members: GradeCounts
    organisations: GradeCounts


@dataclass
class GradeDistribution:
    organisation: Organisation
    year: int
    quarter: int
    members: GradeCounts
    organisations: GradeCounts
    children: list[DistributionRow]


def get_grade_distribution(
    organisation: Organisation,
    *,
    year: int,
    quarter: int = 0,
    structure: StructureRoot | None = None,
) -> GradeDistribution:
    """Approved grades of members and organisations in ``organisation``'s subtree for the
    period, in total and per child, on the tree of ``structure`` (a resolved root; None:
    today's tree). Three queries whatever the size of the tree: the children, one ``GROUP BY``
    for members and one for organisations."""
    root = _root(organisation, structure)
    members, member_rows = count_member_grades(
        organisation, year=year, quarter=quarter, structure=root
    )
    organisations, org_rows = count_organisation_grades(
        organisation, year=year, quarter=quarter, structure=root
    )
    rows = [
        DistributionRow(
            organisation=child,
            members=member_rows.get(path, GradeCounts()),
            organisations=org_rows.get(path, GradeCounts()),
        )
        for child, path in children_on(organisation, root)
    ]
    own = member_rows.get(root.path)
    if own is not None and own.total:
        rows.append(DistributionRow(organisation=None, members=own, organisations=GradeCounts()))
    return GradeDistribution(
        organisation=organisation,
        year=year,
        quarter=quarter,
        members=members,
        organisations=organisations,
        children=rows,
    )
