"""Reads of the badges app: the award days and milestones of the rule set, the list of members
due a badge on an award day (party age with gaps, as the member registry computes it), the
proposals, the register and the figures for reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from dangvien.badges.counters import SPEC as COUNTER
from dangvien.badges.counters import highest_badge
from dangvien.badges.models import COUNTED_MILESTONES, BadgeAward, BadgeProposal
from dangvien.core import counters
from dangvien.core.dates import add_months
from dangvien.core.typing import AnyUser
from dangvien.members.choices import ACTIVE_STATUSES
from dangvien.members.models import Membership
from dangvien.members.selectors import PartyAge, get_party_ages
from dangvien.organisations.selectors import StructureRoot, structure_q, subtree_ids_sql

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


def _rule_set(on: dt.date) -> Any:
    from dangvien.rules.selectors import get_rule_set_or_earliest

    return get_rule_set_or_earliest(on=on)


def milestones(on: dt.date) -> list[int]:
    """The badge milestones (years of party age) of the rule set in force on ``on``."""
    text = str(_rule_set(on).value("badge_milestones"))
    return sorted(int(part) for part in text.replace(";", ",").split(",") if part.strip())


def award_dates(year: int) -> list[dt.date]:
    """The award days of ``year`` (rule ``badge_award_days``, dd/mm, of the rule set in force on
    1 January of that year)."""
    text = str(_rule_set(dt.date(year, 1, 1)).value("badge_award_days"))
    days = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            day, month = part.strip().split("/")
            days.append(dt.date(year, int(month), int(day)))
    return sorted(days)


def next_award_date(on: dt.date) -> dt.date:
    """The first award day on or after ``on``."""
    for year in (on.year, on.year + 1):
        for day in award_dates(year):
            if day >= on:
                return day
    raise ValueError(on)  # pragma: no cover - every year has award days


def previous_award_date(award_date: dt.date) -> dt.date:
    """The award day before ``award_date``."""
    for year in (award_date.year, award_date.year - 1):
        earlier = [day for day in award_dates(year) if day < award_date]
        if earlier:
            return earlier[-1]
    raise ValueError(award_date)  # pragma: no cover


def early_months(milestone: int, on: dt.date) -> int:
    """How many months early a seriously ill member may receive the ``milestone`` badge."""
    rule_set = _rule_set(on)
    if milestone >= rule_set.int_value("badge_early_long_from_years"):
        return int(rule_set.int_value("badge_early_months_long"))
    return int(rule_set.int_value("badge_early_months"))


def age_in_months(age: PartyAge) -> int:
    return age.years * 12 + age.months


# --- the due list --------------------------------------------------------------------------------


@dataclass
class DueRow:
    membership: Membership
    milestone: int
    party_age: PartyAge
    new: bool  # reached since the previous award day (otherwise still owed from earlier)
    proposal: BadgeProposal | None = None


def _candidates_queryset(
    memberships: QuerySet[Membership], award_date: dt.date
) -> QuerySet[Membership]:
    """Members whose decision date is early enough to reach the first milestone by
    ``award_date`` even with an early award: the gaps only make party age shorter."""
    first = milestones(award_date)[0]
    latest = add_months(award_date, -(first * 12 - early_months(first, award_date)))
    return memberships.filter(status__in=ACTIVE_STATUSES, decision_date__lte=latest)


def _candidates(memberships: QuerySet[Membership], award_date: dt.date) -> list[Membership]:
    return list(
        _candidates_queryset(memberships, award_date)
        .select_related("person", "organisation")
        .order_by("organisation__path", "person__full_name_folded", "pk")
    )


def _due_rows(memberships: QuerySet[Membership], award_date: dt.date) -> list[DueRow]:
    """Four queries: the candidates, their events and late transfers (party age), their
    awards and proposals."""
    return _due(memberships, award_date)[0]


def _due(
    memberships: QuerySet[Membership], award_date: dt.date
) -> tuple[list[DueRow], Counter[int]]:
    """``_due_rows``, and the same members counted by the calendar as ``_calendar_due`` counts
    them ({milestone: members}), from what it read."""
    candidates = _candidates(memberships, award_date)
    calendar: Counter[int] = Counter()
    if not candidates:
        return [], calendar
    ages = get_party_ages(candidates, on=award_date)
    previous_day = previous_award_date(award_date)
    ids = [m.pk for m in candidates]
    awarded: dict[int, int] = {}
    for membership_id, milestone in BadgeAward.objects.filter(membership_id__in=ids).values_list(
        "membership_id", "milestone"
    ):
        awarded[membership_id] = max(milestone, awarded.get(membership_id, 0))
    proposals: dict[int, BadgeProposal] = {}
    for found in BadgeProposal.objects.filter(
        membership_id__in=ids, status=BadgeProposal.Status.PROPOSED
    ):
        proposals[found.membership_id] = found
    steps = milestones(award_date)
    limits = [(years, _latest_decision_date(award_date, years)) for years in reversed(steps)]
    rows = []
    for member in candidates:
        if member.decision_date <= limits[-1][1]:
            by_calendar = next(years for years, day in limits if member.decision_date <= day)
            if by_calendar > awarded.get(member.pk, 0):
                calendar[by_calendar] += 1
        age = ages[member.pk]
        proposal = proposals.get(member.pk)
        reached = [m for m in steps if m <= age.years and m > awarded.get(member.pk, 0)]
        if proposal is not None:  # proposed (maybe early), not yet awarded: carried forward
            rows.append(DueRow(member, proposal.milestone, age, True, proposal))
            continue
        if not reached:
            continue
        milestone = reached[-1]
        new = age_in_months(age) - _months_between(previous_day, award_date) < milestone * 12
        rows.append(DueRow(member, milestone, age, new, proposal))
    return rows, calendar


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def list_badges_due(
    *, user: AnyUser, organisation: Organisation, award_date: dt.date
) -> list[DueRow]:
    """Members of the subtree reaching a milestone by ``award_date`` who have not received
    that badge (the highest milestone reached), and those proposed for an early award on that
    day. Party age is counted with gaps (``members.selectors.get_party_ages``)."""
    memberships = Membership.objects.visible_to(user).in_subtree(organisation)
    return _due_rows(memberships, award_date)


def count_due_candidates(*, user: AnyUser, organisation: Organisation, award_date: dt.date) -> int:
    """How many members the due list would read (``list_badges_due``'s candidates: at least
    as many as its rows): one count, to decide whether the list is worth computing."""
    memberships = Membership.objects.visible_to(user).in_subtree(organisation)
    return int(_candidates_queryset(memberships, award_date).count())


def _latest_decision_date(award_date: dt.date, years: int) -> dt.date:
    """The last decision date whose party age, without gaps, reaches ``years`` on
    ``award_date`` (``add_months`` clamps month ends, so step past the naive answer)."""
    day = add_months(award_date, -12 * years)
    while add_months(day + dt.timedelta(days=1), 12 * years) <= award_date:
        day += dt.timedelta(days=1)
    return day


# the provinces and central blocs are at depth 2 of the tree; below them, a subtree is a
# commune's or smaller
SMALL_SUBTREE_DEPTH = 2


def count_badges_due(*, organisation: Organisation, award_date: dt.date) -> dict[int, int]:
    """{milestone: members due} in the subtree on ``award_date`` (for reports): the same
    figures as ``list_badges_due``, without loading every member.

    Most members never had a gap: their party age is the calendar time since the decision, so
    the milestone they are due is found from their decision day and the badges already
    awarded, read from the counters (``badges.counters``) by windows of decision days. Members
    with a gap status, a late transfer or an open proposal (a few) go through the full
    party-age computation of the due list; their calendar count is taken out of the
    counters' figures. A rule set with a milestone the counters have no column for is counted
    from the facts."""
    steps = milestones(award_date)
    members = Membership.objects.in_subtree(organisation)
    sets = _special_sets(members, organisation)
    first, *others = (rows.order_by().values("membership_id") for rows in sets)
    special = Q(pk__in=first.union(*others))
    due, by_calendar = _due(members.filter(special), award_date)
    found = Counter(row.milestone for row in due)
    if set(steps) <= set(COUNTED_MILESTONES):
        found.update(_counted_due(organisation.path, award_date, steps))
        found.subtract(by_calendar)  # counted by the calendar in the counters: taken out
    else:
        # the others, as anti-joins: ``NOT IN`` a set too large for the work memory (a
        # national subtree) is tested row by row
        plain = _calendar_due(members, award_date, steps).filter(
            *[~Exists(rows.filter(membership_id=OuterRef("pk"))) for rows in sets]
        )
        for row in plain:
            found[row["reached"]] += row["n"]
    return {m: found.get(m, 0) for m in steps}


def _special_sets(
    members: QuerySet[Membership], organisation: Organisation
) -> tuple[QuerySet[Any, Any], ...]:
    """The rows that make a member's party age need the full computation (a gap status, a late
    transfer) or their due badge a proposal's (an open proposal): three small sets, by key.
    Below the provinces each set is taken within the subtree: hashing the nation's 22.668 gap
    events cost a commune 13 of its 16 ms; a province's 165.000 members are better tested
    against the hashed sets (60 against 120 ms; national dataset, performance.md)."""
    from dangvien.members.choices import GAP_STATUSES
    from dangvien.members.models import MembershipEvent, Transfer, TransferStatus

    sets: tuple[QuerySet[Any, Any], ...] = (
        MembershipEvent.objects.filter(status__in=GAP_STATUSES),
        Transfer.objects.filter(status=TransferStatus.CONFIRMED, confirmed_on__gt=F("present_due")),
        BadgeProposal.objects.filter(status=BadgeProposal.Status.PROPOSED),
    )
    if organisation.depth > SMALL_SUBTREE_DEPTH:
        sets = tuple(rows.filter(membership_id__in=members.values("pk")) for rows in sets)
    return sets


def _calendar_due(
    members: QuerySet[Membership], award_date: dt.date, steps: list[int]
) -> QuerySet[Any, Any]:
    """{reached: n} rows of these members due a badge by the calendar: the highest milestone
    their decision day reaches on ``award_date`` is above their highest badge."""
    reached = Case(
        *[
            When(decision_date__lte=_latest_decision_date(award_date, years), then=Value(years))
            for years in reversed(steps)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        members.filter(
            status__in=ACTIVE_STATUSES,
            decision_date__lte=_latest_decision_date(award_date, steps[0]),
        )
        .annotate(reached=reached, awarded=highest_badge())
        .filter(reached__gt=F("awarded"))
        .values("reached")
        .annotate(n=Count("pk"))
    )


def _counted_due(path: str, award_date: dt.date, steps: list[int]) -> dict[int, int]:
    """``_calendar_due`` of every member of the subtree under ``path``, from the counters:
    for each milestone N, the members below N of the decision days that reach N but not the
    next milestone. One statement (the roll-ups on today's tree down to the communes, the
    cell rows below them)."""
    windows: dict[str, tuple[dt.date | None, dt.date]] = {}
    for i, years in enumerate(steps):
        higher = steps[i + 1] if i + 1 < len(steps) else None
        low = (
            None
            if higher is None
            else _latest_decision_date(award_date, higher) + dt.timedelta(days=1)
        )
        windows[f"below_{years}"] = (low, _latest_decision_date(award_date, years))
    sums = counters.subtree_sums(COUNTER, path=path, windows=windows)
    if sums is None:
        sums = counters.cell_sums(
            COUNTER, cells=subtree_ids_sql(StructureRoot(path, None)), windows=windows
        )
    return {years: sums[f"below_{years}"] for years in steps}


def count_badges_awarded(
    *,
    organisation: Organisation,
    start: dt.date,
    end: dt.date,
    structure: StructureRoot | None = None,
) -> dict[int, int]:
    """{milestone: badges awarded} with an award day in the period (one query), counted where
    they were awarded: on the tree of ``structure`` (a resolved root; None: today's tree)."""
    root = structure or StructureRoot(organisation.path, None)
    found = dict(
        BadgeAward.objects.filter(structure_q(root))
        .filter(award_date__range=(start, end))
        .values_list("milestone")
        .annotate(n=Count("pk"))
    )
    return {m: found.get(m, 0) for m in milestones(end)}


def list_proposals(
    *, user: AnyUser, organisation: Organisation, award_date: dt.date
) -> QuerySet[BadgeProposal]:
    return (
        BadgeProposal.objects.visible_to(user)
        .in_subtree(organisation)
        .filter(award_date=award_date)
        .select_related("membership__person", "organisation", "award")
        .order_by("milestone", "organisation__path", "membership__person__full_name_folded")
    )


def list_awards(
    *,
    user: AnyUser,
    organisation: Organisation,
    start: dt.date | None = None,
    end: dt.date | None = None,
    milestone: int | None = None,
    structure: StructureRoot | None = None,
) -> QuerySet[BadgeAward]:
    """The register's awards, where they were awarded on the tree of ``structure`` (a resolved
    root, as ``count_badges_awarded``; None: today's tree)."""
    root = structure or StructureRoot(organisation.path, None)
    queryset = BadgeAward.objects.visible_to(user).filter(structure_q(root))
    if start:
        queryset = queryset.filter(award_date__gte=start)
    if end:
        queryset = queryset.filter(award_date__lte=end)
    if milestone:
        queryset = queryset.filter(milestone=milestone)
    return queryset.select_related("membership__person", "organisation").order_by(
        "-award_date", "milestone", "membership__person__full_name_folded", "pk"
    )


def count_register(
    *,
    user: AnyUser,
    organisation: Organisation,
    start: dt.date,
    end: dt.date,
    structure: StructureRoot | None = None,
) -> list[tuple[int, int, int]]:
    """The register's counts by milestone: (milestone, awarded, of which early), one query; on
    the tree of ``structure`` like ``list_awards``."""
    root = structure or StructureRoot(organisation.path, None)
    found = {
        row["milestone"]: (row["n"], row["early"])
        for row in BadgeAward.objects.visible_to(user)
        .filter(structure_q(root))
        .filter(award_date__range=(start, end))
        .values("milestone")
        .annotate(n=Count("pk"), early=Count("pk", filter=Q(early=True)))
    }
    return [(m, *found.get(m, (0, 0))) for m in milestones(end)]
