"""Reads of the screening app: the flags that list members for screening, the month sheet of
a cell, the cases, the figures for reports, and the dues alert of the worklist."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.core.dates import add_months
from dangvien.core.typing import AnyUser
from dangvien.core.worklist import WorkItem
from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus
from dangvien.members.models import Membership, MembershipEvent
from dangvien.organisations.selectors import StructureRoot, structure_q
from dangvien.screening import registry
from dangvien.screening.choices import (
    ActivityStatus,
    CaseStatus,
    DuesStatus,
    RemovalForm,
)
from dangvien.screening.models import MonthRecord, ScreeningCase

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation

DUES_FLAG_LABEL = gettext_lazy("Ba tháng trong năm không đóng đảng phí, không có lý do")
INACTIVE_FLAG_LABEL = gettext_lazy("Ba tháng trong năm không sinh hoạt đảng, không có lý do")
LONG_ABSENCE_FLAG_LABEL = gettext_lazy("Mất liên lạc, vắng mặt dài ngày không rõ lý do")
KHT_FLAG_LABEL = gettext_lazy("Hai năm liền không hoàn thành nhiệm vụ (KHT)")

SCREENED_STATUSES = frozenset(ACTIVE_STATUSES | {MemberStatus.LOST_CONTACT})
"""Members a flag may list: the active ones and those who lost contact."""


def rule_value(key: str, on: dt.date) -> Any:
    """A value of the rule set in force on ``on`` (the earliest set for older dates)."""
    from dangvien.rules.selectors import get_rule_set_or_earliest

    return get_rule_set_or_earliest(on=on).value(key)


def reference_day(year: int, today: dt.date) -> dt.date:
    """The day a year is judged on: its last day, or today for the current year."""
    return min(dt.date(year, 12, 31), today)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- flag sources (registered in ScreeningConfig.ready) -----------------------------------------


def _months_without(
    memberships: QuerySet[Any], year: int, today: dt.date, condition: Q, key: str
) -> dict[int, list[dt.date]]:
    """{membership_id: months} of members with at least the rule's number of months in
    ``year`` matching ``condition`` (one query)."""
    threshold = int(rule_value(key, reference_day(year, today)))
    months: dict[int, list[dt.date]] = defaultdict(list)
    rows = (
        MonthRecord.objects.filter(condition, membership__in=memberships, month__year=year)
        .order_by("membership_id", "month")
        .values_list("membership_id", "month")
    )
    for membership_id, month in rows:
        months[membership_id].append(month)
    return {pk: found for pk, found in months.items() if len(found) >= threshold}


def _month_list(months: list[dt.date]) -> str:
    return ", ".join(f"{m:%m}" for m in months) + f"/{months[0]:%Y}"


def flag_unpaid_dues(memberships: QuerySet[Any], year: int, today: dt.date) -> dict[int, str]:
    found = _months_without(
        memberships, year, today, Q(dues=DuesStatus.UNPAID), "dues_unpaid_months_alert"
    )
    return {
        pk: _("%(n)d tháng chưa nộp đảng phí: %(months)s")
        % {"n": len(months), "months": _month_list(months)}
        for pk, months in found.items()
    }


def flag_inactive(memberships: QuerySet[Any], year: int, today: dt.date) -> dict[int, str]:
    found = _months_without(
        memberships, year, today, Q(activity=ActivityStatus.ABSENT), "inactive_months_alert"
    )
    return {
        pk: _("%(n)d tháng không sinh hoạt: %(months)s")
        % {"n": len(months), "months": _month_list(months)}
        for pk, months in found.items()
    }


def flag_long_absence(memberships: QuerySet[Any], year: int, today: dt.date) -> dict[int, str]:
    """Members in lost contact for at least ``long_absence_months`` months on the year's
    reference day (one query)."""
    day = reference_day(year, today)
    months = int(rule_value("long_absence_months", day))
    since = add_months(day, -months)
    rows = (
        memberships.filter(status=MemberStatus.LOST_CONTACT)
        .annotate(lost_on=Max("events__date", filter=Q(events__status=MemberStatus.LOST_CONTACT)))
        .filter(lost_on__lte=since)
        .values_list("pk", "lost_on")
    )
    return {
        pk: _("Mất liên lạc từ %(day)s (quá %(n)d tháng)")
        % {"day": f"{lost:%d/%m/%Y}", "n": months}
        for pk, lost in rows
    }


def flag_kht_years(memberships: QuerySet[Any], year: int, today: dt.date) -> dict[int, str]:
    """Members graded KHT by the grassroots committee for ``kht_consecutive_years`` (2) whole
    years in a row, the last of them ``year`` or the year before (this year's grade comes in
    December). The grade follows the membership, so a transfer between the two years changes
    nothing (``grading.selectors.final_grades``). One query."""
    from dangvien.grading.choices import Grade
    from dangvien.grading.selectors import final_grades

    n = int(rule_value("kht_consecutive_years", reference_day(year, today)))
    years = list(range(year - n, year + 1))
    # only the KHT grades, of the members read inside the statement (a province's members
    # listed as parameters took 1,2 s on the national dataset)
    grades = final_grades(memberships.values("pk"), years, grade=Grade.KHT)
    found: dict[int, str] = {}
    for pk in {membership_id for membership_id, _year in grades}:
        for last in (year, year - 1):
            run = list(range(last - n + 1, last + 1))
            if all(grades.get((pk, y)) == Grade.KHT for y in run):
                found[pk] = _("Xếp loại KHT các năm %s") % ", ".join(str(y) for y in run)
                break
    return found


# --- the screening list -------------------------------------------------------------------------


@dataclass
class Flag:
    code: str
    label: str
    detail: str


@dataclass
class FlaggedMember:
    membership: Membership
    flags: list[Flag] = field(default_factory=list)
    open_case: ScreeningCase | None = None


def _screened(user: AnyUser, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.visible_to(user)
        .in_subtree(organisation)
        .filter(status__in=SCREENED_STATUSES)
    )


def list_flagged_members(
    *, user: AnyUser, organisation: Organisation, year: int, today: dt.date
) -> list[FlaggedMember]:
    """The screening list: members of the subtree flagged by any registered source in
    ``year``, with their open case if any. One query per source, plus two."""
    memberships = _screened(user, organisation)
    hits: dict[int, list[Flag]] = defaultdict(list)
    for kind in registry.flag_kinds():
        for pk, detail in kind.source(memberships, year, today).items():
            hits[pk].append(Flag(kind.code, str(kind.label), detail))
    if not hits:
        return []
    rows = (
        Membership.objects.filter(pk__in=list(hits))
        .select_related("person", "organisation")
        .order_by("organisation__path", "person__full_name_folded", "pk")
    )
    cases = {
        case.membership_id: case
        for case in ScreeningCase.objects.open().filter(membership_id__in=list(hits))
    }
    return [FlaggedMember(m, hits[m.pk], cases.get(m.pk)) for m in rows]


def flags_for_membership(membership: Membership, *, on: dt.date) -> list[dict[str, str]]:
    """The flags of one member on ``on`` (the grounds written on a new case)."""
    memberships = Membership.objects.filter(pk=membership.pk)
    found = []
    for kind in registry.flag_kinds():
        detail = kind.source(memberships, on.year, on).get(membership.pk)
        if detail:
            found.append({"code": kind.code, "label": str(kind.label), "detail": detail})
    return found


def list_cases(
    *,
    user: AnyUser,
    organisation: Organisation,
    status: str = "",
    structure: StructureRoot | None = None,
) -> QuerySet[ScreeningCase]:
    """The cases of the subtree (those the user may see), where they were recorded on the tree
    of ``structure`` (a resolved root, as ``get_screening_figures`` counts them; None: today's
    tree), so a report's figure and its list are the same rows."""
    root = structure or StructureRoot(organisation.path, None)
    queryset = (
        ScreeningCase.objects.visible_to(user)
        .filter(structure_q(root))
        .select_related("membership__person", "organisation")
    )
    if status in CaseStatus.values:
        queryset = queryset.filter(status=status)
    elif status == "open":
        queryset = queryset.open()
    return queryset.order_by("-opened_on", "-pk")


def count_official_members(cell: Organisation) -> int:
    """Every official member of the cell: the denominator of its votes, absent ones included."""
    return Membership.objects.official_in(cell).count()


# --- the month sheet ----------------------------------------------------------------------------


@dataclass
class SheetRow:
    membership: Membership
    dues: str
    activity: str
    unpaid_in_year: int
    absent_in_year: int


def get_month_sheet(*, organisation: Organisation, month: dt.date) -> list[SheetRow]:
    """One row per member of the cell (active, or in lost contact) with the month's record and
    the year's counts so far: three queries whatever the size of the cell."""
    members = list(
        Membership.objects.filter(organisation=organisation, status__in=SCREENED_STATUSES)
        .filter(decision_date__lt=add_months(month, 1))
        .select_related("person")
        .order_by("person__full_name_folded", "pk")
    )
    ids = [m.pk for m in members]
    records = {
        r.membership_id: r for r in MonthRecord.objects.filter(membership_id__in=ids, month=month)
    }
    counts = (
        MonthRecord.objects.filter(membership_id__in=ids, month__year=month.year)
        .values("membership_id")
        .annotate(
            unpaid=Count("pk", filter=Q(dues=DuesStatus.UNPAID)),
            absent=Count("pk", filter=Q(activity=ActivityStatus.ABSENT)),
        )
    )
    year_counts = {row["membership_id"]: (row["unpaid"], row["absent"]) for row in counts}
    rows = []
    for member in members:
        record = records.get(member.pk)
        unpaid, absent = year_counts.get(member.pk, (0, 0))
        rows.append(
            SheetRow(
                member,
                record.dues if record else "",
                record.activity if record else "",
                unpaid,
                absent,
            )
        )
    return rows


# --- figures for reports (set-based, a fixed number of queries) ---------------------------------


@dataclass
class ScreeningFigures:
    opened: int  # cases whose ballot was held in the period
    listed: int  # of which the cell listed the member (ballot passed)
    by_status: dict[str, int]  # every case of the subtree by its status today
    removals: dict[str, int]  # removal events dated in the period, by form
    removals_from_screening: int  # of which ended a screening case
    dues_alerts: int  # members with the rule's number of unpaid months in the period's year
    inactive_alerts: int


def get_screening_figures(
    *,
    organisation: Organisation,
    start: dt.date,
    end: dt.date,
    structure: StructureRoot | None = None,
) -> ScreeningFigures:
    """The screening pipeline, removals by form (Biểu 1-BTCTW, decreases: khai trừ, xóa tên,
    xin ra khỏi Đảng) and the dues alerts, for a subtree and a period. Five queries.

    ``structure``: the subtree as the tree was on a date (a report's resolved root,
    ``organisations.selectors.resolve_structure``); None is today's tree. The cases, removal
    events and month records are counted where they were recorded, so a merged cell's
    figures follow it on today's tree and stay with its old organisation on the old tree."""
    root = structure or StructureRoot(organisation.path, None)
    cases = ScreeningCase.objects.filter(structure_q(root))
    opened = cases.filter(opened_on__range=(start, end)).aggregate(
        opened=Count("pk"), listed=Count("pk", filter=~Q(status=CaseStatus.NOT_LISTED))
    )
    by_status = Counter(dict(cases.values_list("status").annotate(n=Count("pk"))))
    removal_statuses = [form.value for form in RemovalForm]
    removals = Counter(
        dict(
            MembershipEvent.objects.filter(
                structure_q(root),
                status__in=removal_statuses,
                date__range=(start, end),
            )
            .values_list("status")
            .annotate(n=Count("pk"))
        )
    )
    from_screening = cases.filter(status=CaseStatus.REMOVED, closed_on__range=(start, end)).count()
    year = end.year
    records = MonthRecord.objects.filter(structure_q(root), month__year=year)
    dues_threshold = int(rule_value("dues_unpaid_months_alert", end))
    inactive_threshold = int(rule_value("inactive_months_alert", end))
    alerts = (
        records.values("membership_id")
        .annotate(
            unpaid=Count("pk", filter=Q(dues=DuesStatus.UNPAID)),
            absent=Count("pk", filter=Q(activity=ActivityStatus.ABSENT)),
        )
        .aggregate(
            dues=Count("membership_id", filter=Q(unpaid__gte=dues_threshold)),
            inactive=Count("membership_id", filter=Q(absent__gte=inactive_threshold)),
        )
    )
    return ScreeningFigures(
        opened=opened["opened"],
        listed=opened["listed"],
        by_status={status: by_status.get(status, 0) for status in CaseStatus.values},
        removals={form: removals.get(form, 0) for form in removal_statuses},
        removals_from_screening=from_screening,
        dues_alerts=alerts["dues"] or 0,
        inactive_alerts=alerts["inactive"] or 0,
    )


def list_dues_alert_members(
    *, user: AnyUser, organisation: Organisation, year: int, today: dt.date
) -> QuerySet[Membership]:
    """The members behind the dues-alert figure (drill-down)."""
    flagged = flag_unpaid_dues(_all_in(user, organisation), year, today)
    return (
        Membership.objects.filter(pk__in=list(flagged))
        .select_related("person", "organisation")
        .order_by("organisation__path", "person__full_name_folded")
    )


def _all_in(user: AnyUser, organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.visible_to(user).in_subtree(organisation)


# --- worklist ------------------------------------------------------------------------------------


def work_dues_alerts(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Members in the user's scope with the rule's number of unpaid months this year and no
    open screening case: the cell should consider them (two queries)."""
    threshold = int(rule_value("dues_unpaid_months_alert", today))
    memberships = Membership.objects.visible_to(user).filter(status__in=SCREENED_STATUSES)
    rows = (
        MonthRecord.objects.filter(
            membership__in=memberships.exclude(
                screening_cases__status__in=[CaseStatus.HELPING, CaseStatus.PROPOSED]
            ),
            month__year=today.year,
            dues=DuesStatus.UNPAID,
        )
        .select_related("membership__person", "membership__organisation")
        .order_by("membership_id", "month")
    )
    months: dict[int, list[MonthRecord]] = defaultdict(list)
    for record in rows:
        months[record.membership_id].append(record)
    items = []
    for found in months.values():
        if len(found) < threshold:
            continue
        member = found[0].membership
        items.append(
            WorkItem(
                kind="screening.dues_alert",
                label=_("%(n)d tháng trong năm chưa nộp đảng phí, không có lý do")
                % {"n": len(found)},
                subject=str(member.person),
                organisation=member.organisation,
                due=add_months(found[threshold - 1].month, 1),
                url=f"{reverse('screening:flag-list')}?org={member.organisation_id}"
                f"&year={today.year}",
                detail=_month_list([r.month for r in found]),
            )
        )
    return items
