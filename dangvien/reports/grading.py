"""The grading figures of the report page: approved grades of members and of party
organisations for one subtree and period (a year or a quarter), by child, with the same period
a year earlier (Biểu-style: this period / same period last year / ratio × 100).

Seven queries whatever the size of the tree (pinned in ``tests/test_grading.py``): the
children; member grades and organisation grades, this period and a year earlier (one
``GROUP BY Substr(path)`` each, in ``grading.selectors``); membership at the period's end; the
number of organisations to grade.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext

from dangvien.core.formatting import percent_value
from dangvien.grading.choices import GRADE_ORDER, GRADE_SHORT, Grade
from dangvien.grading.periods import period_bounds, period_label
from dangvien.grading.selectors import (
    GRADABLE_ORGANISATION_KINDS,
    DistributionRow,
    GradeCounts,
    count_member_grades,
    count_organisation_grades,
    get_grade_distribution,
)
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import StructureRoot, organisations_q
from dangvien.reports.periods import Period


@dataclass
class GradeLine:
    """One row of the Biểu-style table: a grade (or the total), this period and a year ago."""

    key: str
    label: str
    count: int
    share: Decimal | None  # of those graded
    previous: int
    ratio: Decimal | None  # count ÷ previous × 100


@dataclass
class GradingReport:
    organisation: Organisation
    year: int
    quarter: int
    label: str
    previous_label: str
    members_at_end: int
    organisations_to_grade: int
    members: list[GradeLine]
    organisations: list[GradeLine]
    member_counts: GradeCounts
    organisation_counts: GradeCounts
    children: list[DistributionRow]
    # the tree the figures are counted on: None is today's tree, a date the tree of that day
    structure_on: dt.date | None = None

    @property
    def members_not_graded(self) -> int:
        return max(self.members_at_end - self.member_counts.total, 0)

    @property
    def organisations_not_graded(self) -> int:
        return max(self.organisations_to_grade - self.organisation_counts.total, 0)

    @property
    def members_good_share(self) -> Decimal | None:
        """HTT or better, of those graded (21-NQ/TW's goal: over 90%)."""
        counts = self.member_counts.counts
        return percent_value(counts[Grade.HTXS] + counts[Grade.HTT], self.member_counts.total)


def _lines(current: GradeCounts, previous: GradeCounts, total_label: str) -> list[GradeLine]:
    lines = [
        GradeLine(
            key="total",
            label=total_label,
            count=current.total,
            share=None,
            previous=previous.total,
            ratio=percent_value(current.total, previous.total),
        )
    ]
    for grade in GRADE_ORDER:
        lines.append(
            GradeLine(
                key=grade,
                label=gettext("%(short)s — %(label)s")
                % {"short": GRADE_SHORT[grade], "label": Grade(grade).label},
                count=current.counts[grade],
                share=percent_value(current.counts[grade], current.total),
                previous=previous.counts[grade],
                ratio=percent_value(current.counts[grade], previous.counts[grade]),
            )
        )
    return lines


def get_grading_report(
    *,
    organisation: Organisation,
    year: int,
    quarter: int = 0,
    structure: StructureRoot | None = None,
) -> GradingReport:
    """``structure``: the subtree as the tree was on a date (a resolved root,
    ``organisations.selectors.resolve_structure``), for this period and the same period a year
    earlier alike; None is today's tree. No query more on a past tree."""
    from django.utils.translation import gettext

    from dangvien.reports.selectors import _membership_at_end

    root = structure or StructureRoot(organisation.path, None)
    distribution = get_grade_distribution(organisation, year=year, quarter=quarter, structure=root)
    previous_members, _rows = count_member_grades(
        organisation, year=year - 1, quarter=quarter, structure=root
    )
    previous_orgs, _rows = count_organisation_grades(
        organisation, year=year - 1, quarter=quarter, structure=root
    )
    start, end = period_bounds(year, quarter)
    at_end = _membership_at_end(root, Period(start, end))
    to_grade = (
        Organisation.objects.filter(organisations_q(root), kind__in=GRADABLE_ORGANISATION_KINDS)
        .exclude(pk=organisation.pk)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .count()
    )
    return GradingReport(
        organisation=organisation,
        year=year,
        quarter=quarter,
        label=period_label(year, quarter),
        previous_label=period_label(year - 1, quarter),
        members_at_end=at_end["total"],
        organisations_to_grade=to_grade,
        members=_lines(distribution.members, previous_members, gettext("Đảng viên được xếp loại")),
        organisations=_lines(
            distribution.organisations, previous_orgs, gettext("Tổ chức đảng được xếp loại")
        ),
        member_counts=distribution.members,
        organisation_counts=distribution.organisations,
        children=distribution.children,
        structure_on=root.on,
    )
