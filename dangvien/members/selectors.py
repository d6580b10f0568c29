"""Reads of the members app: the filtered list, party age, timeline, probation checklist,
the residence-introduction figure for reports, and the worklist sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from dangvien.core.formatting import format_date, percent_value
from dangvien.core.memo import memoised
from dangvien.core.typing import AnyUser
from dangvien.core.urls import pk_url
from dangvien.core.worklist import WorkItem
from dangvien.members import deadlines
from dangvien.members.choices import (
    ACTIVE_STATUSES,
    GAP_STATUSES,
    MemberStatus,
    RecognitionStage,
    ResidenceExemption,
    TransferKind,
    TransferStatus,
)
from dangvien.members.models import (
    HelperAssignment,
    Membership,
    MembershipEvent,
    PartyCard,
    RecognitionAttachment,
    RecognitionStep,
    ResidenceLink,
    Transfer,
)

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation

# --- list ----------------------------------------------------------------------------------------


def list_members(*, user: AnyUser, counting: bool = False) -> QuerySet[Membership]:
    """Members visible to the user, in the list's order, with what the list page and its
    export show; the list's filters are ``members.filtersets.MemberFilterSet``. ``counting``:
    the same rows, shaped to be counted (``MembershipQuerySet.visible_to``)."""
    if counting:
        return Membership.objects.visible_to(user, counting=True)
    return (
        Membership.objects.visible_to(user)
        .select_related("person", "person__ethnic_group", "organisation")
        .order_by("organisation__path", "person__full_name_folded", "pk")
    )


# --- who acts next ------------------------------------------------------------------------------

ACTING_LEVELS = ("cell", "committee", "superior")
"""The three levels that act on a cell's cases: the cell itself (its meetings and papers), its
grassroots committee (verification, the committee's resolutions), and the committee directly
above that (decisions)."""

LEVEL_OF_ACTION = {
    "dossier.change": "cell",
    "member.change": "cell",
    "dossier.committee": "committee",
    "member.committee": "committee",
    "dossier.decide": "superior",
    "member.decide": "superior",
}


def superior_committee_kinds(on: dt.date) -> frozenset[str]:
    """The organisation kinds that act as the committee directly above the grassroots
    organisations on ``on`` (rule set ``superior_committee_kinds``): before 1/7/2025 the
    district or bloc committee, from then on (294-QĐ/TW) the commune-level or bloc committee."""
    values = deadlines.rule_set(on).values
    raw = str(values.get("superior_committee_kinds", ""))
    return frozenset(kind.strip() for kind in raw.split(",") if kind.strip())


def _ancestor_paths(organisation: Organisation) -> list[str]:
    step = organisation.steplen
    return [organisation.path[: step * depth] for depth in range(1, organisation.depth)]


def _valid_on(organisation: Organisation, on: dt.date | None) -> bool:
    return on is None or organisation.is_valid_on(on)


def _nearest_of_kinds(
    chain: list[Organisation], kinds: frozenset[str], on: dt.date | None
) -> Organisation | None:
    """The nearest organisation of ``chain`` (root … parent) of one of ``kinds`` that existed
    on ``on``."""
    for organisation in reversed(chain):
        if organisation.kind in kinds and _valid_on(organisation, on):
            return organisation
    return None


def deciding_committee(organisation: Organisation, *, on: dt.date) -> Organisation | None:
    """The committee that decides (admission, recognition) for a cell of ``organisation`` on
    ``on``: its nearest ancestor whose kind the rule set in force that day names in
    ``superior_committee_kinds`` and that existed that day (``valid_from``/``valid_to``). A
    dossier opened in 2024 under a district and decided in 2026 is decided by the commune
    committee that holds the cell in 2026. None when no ancestor qualifies (the structural
    level of ``acting_organisations`` applies then). One query."""
    from dangvien.organisations.models import Organisation

    kinds = superior_committee_kinds(on)
    if not kinds:
        return None
    chain = list(
        Organisation.objects.filter(path__in=_ancestor_paths(organisation), kind__in=kinds)
    )
    return _nearest_of_kinds(sorted(chain, key=lambda org: org.path), kinds, on)


def acting_organisations(
    cells: Any, *, on: dt.date | None = None
) -> dict[int, dict[str, Organisation]]:
    """For each cell (by pk): the organisation of each acting level. The grassroots committee
    is the nearest organisation at or above the cell whose kind is a grassroots one (a
    grassroots committee or cell, or a commune committee, which is the grassroots committee of
    its village cells); the superior is, on ``on``, the nearest ancestor of a kind the rule set
    names as deciding (``deciding_committee``), else the organisation right above the
    grassroots committee. One query for all the cells."""
    from dangvien.organisations.choices import GRASSROOTS_KINDS, OrganisationKind
    from dangvien.organisations.models import Organisation

    cells = {cell.pk: cell for cell in cells}
    paths: set[str] = set()
    for cell in cells.values():
        paths.update(_ancestor_paths(cell))
    by_path = {org.path: org for org in Organisation.objects.filter(path__in=paths)}
    grassroots_kinds = set(GRASSROOTS_KINDS) | {OrganisationKind.COMMUNE}
    kinds = superior_committee_kinds(on) if on is not None else frozenset()
    result: dict[int, dict[str, Organisation]] = {}
    for pk, cell in cells.items():
        # root … parent, by the cell's own ancestor paths (not a scan of every path: the
        # worklist of a province passes tens of thousands of cells)
        chain = [by_path[p] for p in _ancestor_paths(cell) if p in by_path]
        deciding = _nearest_of_kinds(chain, kinds, on) if kinds else None
        chain.append(cell)  # root … parent, cell
        committee_index = next(
            (i for i in range(len(chain) - 1, -1, -1) if chain[i].kind in grassroots_kinds),
            max(len(chain) - 2, 0),
        )
        superior_index = max(committee_index - 1, 0)
        result[pk] = {
            "cell": cell,
            "committee": chain[committee_index],
            "superior": deciding or chain[superior_index],
        }
    return result


# --- the denominator of a cell vote --------------------------------------------------------------


def count_official_members_on(
    organisation: Organisation, day: dt.date, *, exclude: Membership | None = None
) -> int:
    """Official members of the cell ``organisation`` on ``day``, counted from the status and
    transfer history (``MembershipEvent``): the latest status or official transfer event dated
    on or before ``day`` must put the member in this cell as an official member. Members whose
    history is not recorded (rows written before the events existed) count from their current
    fields. Two queries, whatever the number of members; a member who moved away or was
    recognised after the vote is counted as the cell was on the day of the vote."""
    from django.db.models import OuterRef, Subquery

    from dangvien.members.choices import EventKind
    from dangvien.members.models import MembershipEvent

    history = MembershipEvent.objects.filter(
        kind__in=[EventKind.STATUS, EventKind.TRANSFER, EventKind.REORGANISATION]
    )
    latest = history.filter(membership=OuterRef("pk"), date__lte=day).order_by("-date", "-pk")
    with_history = (
        Membership.objects.filter(
            pk__in=history.filter(organisation=organisation).values("membership")
        )
        .annotate(
            status_then=Subquery(latest.values("status")[:1]),
            cell_then=Subquery(latest.values("organisation")[:1]),
        )
        .filter(status_then=MemberStatus.OFFICIAL, cell_then=organisation.pk)
    )
    without_history = (
        Membership.objects.filter(organisation=organisation, status=MemberStatus.OFFICIAL)
        .filter(Q(official_date__isnull=True) | Q(official_date__lte=day))
        .exclude(pk__in=history.values("membership"))
    )
    if exclude is not None:
        with_history = with_history.exclude(pk=exclude.pk)
        without_history = without_history.exclude(pk=exclude.pk)
    return with_history.count() + without_history.count()


# --- party age -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    start: dt.date
    end: dt.date
    reason: str


@dataclass(frozen=True)
class PartyAge:
    start: dt.date
    on: dt.date
    years: int
    months: int
    days: int
    gaps: list[Gap] = field(default_factory=list)

    def __str__(self) -> str:
        parts = []
        if self.years:
            parts.append(_("%d năm") % self.years)
        if self.months:
            parts.append(_("%d tháng") % self.months)
        if not parts:
            parts.append(_("%d ngày") % self.days)
        return " ".join(parts)


def _months_and_days(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Full calendar months from start to end, then the remaining days."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if deadlines.add_months(start, months) > end:
        months -= 1
    return months, (end - deadlines.add_months(start, months)).days


def list_party_age_gaps(membership: Membership, *, on: dt.date) -> list[Gap]:
    """Periods that do not count: removal, expulsion, leaving, lost contact (until the member
    is active again), and transfers confirmed after the deadline to present the letter."""
    return _gaps(
        list(membership.events.order_by("date", "pk")),
        list(
            membership.transfers.filter(
                status=TransferStatus.CONFIRMED, confirmed_on__gt=F("present_due")
            )
        ),
        on=on,
    )


def _gaps(events: list[Any], late_transfers: list[Transfer], *, on: dt.date) -> list[Gap]:
    """The gaps of one member from their events (in date order) and their transfers confirmed
    after ``present_due``."""
    gaps: list[Gap] = []
    open_gap: tuple[dt.date, str] | None = None
    for event in events:
        if event.date > on:
            break
        if event.status in GAP_STATUSES and open_gap is None:
            open_gap = (event.date, event.get_status_display())
        elif event.status in ACTIVE_STATUSES and open_gap is not None:
            gaps.append(Gap(open_gap[0], event.date, open_gap[1]))
            open_gap = None
    if open_gap is not None:
        gaps.append(Gap(open_gap[0], on, open_gap[1]))
    for transfer in late_transfers:
        assert transfer.confirmed_on is not None
        if transfer.present_due < on:
            gaps.append(
                Gap(
                    transfer.present_due,
                    min(transfer.confirmed_on, on),
                    _("Chuyển sinh hoạt quá hạn xuất trình giấy giới thiệu"),
                )
            )
    return sorted(gaps, key=lambda gap: gap.start)


def _party_age(
    membership: Membership, events: list[Any], late_transfers: list[Transfer], *, on: dt.date
) -> PartyAge:
    end = on
    if membership.status == MemberStatus.DECEASED:
        deaths = [e.date for e in events if e.status == MemberStatus.DECEASED]
        if deaths:
            end = min(end, max(deaths))
    gaps = _gaps(events, late_transfers, on=end)
    start = membership.decision_date
    for gap in gaps:
        months, days = _months_and_days(gap.start, gap.end)
        start = deadlines.add_months(start, months) + dt.timedelta(days=days)
    if end <= start:
        return PartyAge(membership.decision_date, on, 0, 0, 0, gaps)
    total_months, days = _months_and_days(start, end)
    return PartyAge(membership.decision_date, on, total_months // 12, total_months % 12, days, gaps)


def get_party_age(membership: Membership, *, on: dt.date) -> PartyAge:
    """Party age on ``on``: from the admission decision date (29-QĐ/TW 4.5), minus the gaps,
    each gap subtracted as calendar months plus days. A deceased member's age stops at death."""
    return _party_age(
        membership,
        list(membership.events.order_by("date", "pk")),
        list(
            membership.transfers.filter(
                status=TransferStatus.CONFIRMED, confirmed_on__gt=F("present_due")
            )
        ),
        on=on,
    )


def get_party_ages(memberships: list[Membership], *, on: dt.date) -> dict[int, PartyAge]:
    """``get_party_age`` of many members in two queries (their events, their late transfers),
    for lists that need party age (badges): {membership id: party age on ``on``}."""
    from dangvien.members.models import MembershipEvent

    ids = [m.pk for m in memberships]
    events: dict[int, list[Any]] = {pk: [] for pk in ids}
    late: dict[int, list[Transfer]] = {pk: [] for pk in ids}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for event in MembershipEvent.objects.filter(membership_id__in=chunk).order_by(
            "membership_id", "date", "pk"
        ):
            events[event.membership_id].append(event)
        for transfer in Transfer.objects.filter(
            membership_id__in=chunk,
            status=TransferStatus.CONFIRMED,
            confirmed_on__gt=F("present_due"),
        ):
            late[transfer.membership_id].append(transfer)
    return {m.pk: _party_age(m, events[m.pk], late[m.pk], on=on) for m in memberships}


# --- timeline and probation ----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    label: str
    detail: str = ""
    organisation: Organisation | None = None


def get_timeline(membership: Membership) -> list[TimelineEntry]:
    """Everything that happened to the member, oldest first (fixed number of queries)."""
    entries: list[TimelineEntry] = [
        TimelineEntry(
            membership.decision_date,
            _("Quyết định kết nạp"),
            membership.decision_number,
            membership.admitted_in,
        )
    ]
    for event in membership.events.select_related("organisation").order_by("date", "pk"):
        label = (
            event.get_status_display()
            if event.kind == "status"
            else f"{event.get_kind_display()} — {event.organisation}"
        )
        detail = " · ".join(filter(None, [event.decision_number, event.note]))
        entries.append(TimelineEntry(event.date, label, detail, event.organisation))
    for assignment in HelperAssignment.objects.filter(membership=membership).select_related(
        "helper__person"
    ):
        entries.append(
            TimelineEntry(
                assignment.start_date,
                _("Phân công đảng viên giúp đỡ: %s") % assignment.helper.person,
            )
        )
        if assignment.end_date and assignment.end_reason:
            entries.append(
                TimelineEntry(
                    assignment.end_date,
                    _("Thôi giúp đỡ: %s") % assignment.helper.person,
                    assignment.end_reason,
                )
            )
    for step in RecognitionStep.objects.filter(membership=membership):
        detail = step.document_number
        if step.votes_eligible is not None:
            detail = _("%(f)s/%(e)s tán thành") % {"f": step.votes_for, "e": step.votes_eligible}
        if step.passed is False:
            detail = " · ".join(filter(None, [detail, _("không đạt"), step.note]))
        entries.append(TimelineEntry(step.date, step.get_stage_display(), detail))
    for card in PartyCard.objects.filter(membership=membership):
        entries.append(
            TimelineEntry(
                card.decision_date,
                _("Thẻ đảng số %(n)s (%(r)s)") % {"n": card.number, "r": card.get_reason_display()},
                card.decision_number,
            )
        )
        if card.handed_over_on:
            entries.append(
                TimelineEntry(
                    card.handed_over_on,
                    _("Trao thẻ đảng số %s") % card.number,
                    card.handed_over_note,
                )
            )
    for transfer in Transfer.objects.filter(membership=membership).select_related(
        "to_organisation"
    ):
        entries.append(
            TimelineEntry(
                transfer.started_on,
                _("Giới thiệu %(kind)s đến %(to)s")
                % {"kind": transfer.get_kind_display().lower(), "to": transfer.to_organisation},
                transfer.letter_number,
            )
        )
    for link in ResidenceLink.objects.filter(membership=membership, introduced_on__isnull=False):
        assert link.introduced_on is not None
        entries.append(
            TimelineEntry(
                link.introduced_on,
                _("Giới thiệu về sinh hoạt nơi cư trú"),
                link.residence_place or str(link.residence_organisation or ""),
            )
        )
    return sorted(entries, key=lambda entry: entry.date)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    date: dt.date | None = None
    detail: str = ""
    due: dt.date | None = None


def get_probation_checklist(membership: Membership) -> list[ChecklistItem]:
    """What is done and what is missing for the probation and the recognition."""
    from dangvien.members.services import new_member_certificate

    steps = {step.stage: step for step in membership.recognition_steps.all()}
    helper = (
        HelperAssignment.objects.filter(membership=membership)
        .select_related("helper__person")
        .order_by("-start_date", "-pk")
        .first()
    )
    certificate = new_member_certificate(membership)
    items = [
        ChecklistItem(
            "helper",
            _("Phân công đảng viên giúp đỡ"),
            helper is not None,
            helper.start_date if helper else None,
            str(helper.helper.person) if helper else "",
        ),
        ChecklistItem(
            "new_member_class",
            _("Lớp bồi dưỡng đảng viên mới (giấy chứng nhận)"),
            certificate is not None,
            certificate.certificate_date if certificate else None,
            (
                f"{certificate.training_class} · {certificate.certificate_number}"
                if certificate
                else ""
            ),
        ),
    ]
    end = membership.probation_end
    cell_due = deadlines.recognition_cell_due(end) if end else None
    for stage in RecognitionStage:
        step = steps.get(stage)
        due = None
        if stage == RecognitionStage.CELL_VOTE:
            due = cell_due
        elif stage == RecognitionStage.DECISION:
            vote = steps.get(RecognitionStage.CELL_VOTE)
            due = deadlines.recognition_decision_due(vote.date) if vote and vote.passed else None
        detail = step.document_number if step else ""
        if step and step.votes_eligible is not None:
            detail = _("lần %(r)s: %(f)s/%(e)s tán thành") % {
                "r": step.round,
                "f": step.votes_for,
                "e": step.votes_eligible,
            }
        if step and step.passed is False:
            detail = " · ".join(filter(None, [detail, _("không đạt")]))
        items.append(
            ChecklistItem(
                stage.value,
                str(stage.label),
                step is not None and step.passed is not False,
                step.date if step else None,
                detail,
                due,
            )
        )
    return items


def list_recognition_history(membership: Membership) -> list[RecognitionStep]:
    """Every recognition step of the member, the corrected and cancelled ones too (struck
    through on the page, with the reason), in order."""
    steps = list(
        RecognitionStep.history.filter(membership=membership)
        .select_related("corrects")
        .order_by("date", "round", "pk")
    )
    corrected = {step.corrects_id for step in steps if step.corrects_id}
    for step in steps:
        step.was_corrected = step.pk in corrected  # type: ignore[attr-defined]
    return steps


def get_recognition_vote_context(membership: Membership, *, today: dt.date) -> dict[str, Any]:
    """What the probation page shows around the recognition vote: the cell's official members
    today (the vote is counted again on its own date), the votes needed, every round so far in
    words, how many rounds are left and whether the case went up to the superior committee."""
    from dangvien.members import services
    from dangvien.rules.selectors import describe_votes_needed

    official = count_official_members_on(membership.organisation, today, exclude=membership)
    rounds = list(
        membership.recognition_steps.filter(stage=RecognitionStage.CELL_VOTE).order_by("round")
    )
    limit = services.recognition_rounds_limit(rounds[-1].date if rounds else today)
    failed = [step for step in rounds if step.passed is False]
    return {
        "official": official,
        "today": today,
        "needed": describe_votes_needed(
            deadlines.recognition_fraction(today),
            official,
            of=_("số đảng viên chính thức của chi bộ"),
        )
        if official
        else "",
        "rounds": [
            {
                "step": step,
                # what may follow is said for the latest round of a probationer only
                "text": services.describe_recognition_vote(
                    step,
                    with_next=step is rounds[-1] and membership.status == MemberStatus.PROBATIONARY,
                ),
            }
            for step in rounds
        ],
        "limit": limit,
        "left": max(limit - len(failed), 0) if not any(step.passed for step in rounds) else 0,
        "escalated": bool(failed) and len(failed) >= limit,
    }


# --- residence introductions (a figure for the reports) ----------------------------------------


def get_person_membership(person: Any, user: AnyUser) -> dict[str, Any] | None:
    """Person page section: the membership in the user's scope with its status history,
    recognition steps, cards and transfers. Five queries (one when the person is no member)."""
    membership = (
        Membership.objects.visible_to(user)
        .filter(person_id=person.pk)
        .select_related("organisation", "admitted_in", "temporary_organisation")
        .first()
    )
    if membership is None:
        return None
    return {
        "membership": membership,
        "events": list(
            MembershipEvent.objects.filter(membership=membership)
            .select_related("organisation")
            .order_by("date", "pk")
        ),
        "recognition_steps": list(
            RecognitionStep.objects.filter(membership=membership).order_by("date", "pk")
        ),
        "cards": list(
            PartyCard.objects.filter(membership=membership).order_by("decision_date", "pk")
        ),
        "transfers": list(
            Transfer.objects.visible_to(user)
            .filter(membership=membership)
            .select_related("from_organisation", "to_organisation")
            .order_by("-started_on", "-pk")
        ),
    }


def count_residence_introductions(
    *, organisation: Organisation, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """Members of workplace cells in ``organisation``'s subtree whose introduction to the
    residence cell fell due between ``start`` and ``end`` (inclusive). One query.

    Returns ``required`` (due in the period, not exempt from introduction), ``introduced``,
    ``on_time`` (introduced on or before the due date), ``exempt`` (exempt from introduction,
    not counted in ``required``), ``pending`` and ``on_time_percent`` (on_time ÷ required × 100,
    rounded half-up to one decimal; None when nothing was required).
    """
    rows = (
        ResidenceLink.objects.in_subtree(organisation)
        .filter(due__gte=start, due__lte=end)
        .aggregate(
            total=Count("pk"),
            exempt=Count("pk", filter=Q(exemption=ResidenceExemption.INTRODUCTION)),
            introduced=Count("pk", filter=Q(introduced_on__isnull=False)),
            on_time=Count("pk", filter=Q(introduced_on__lte=F("due"))),
        )
    )
    required = rows["total"] - rows["exempt"]
    return {
        "required": required,
        "introduced": rows["introduced"],
        "on_time": rows["on_time"],
        "exempt": rows["exempt"],
        "pending": required - rows["introduced"],
        "on_time_percent": percent_value(rows["on_time"], required),
    }


# --- transfers -----------------------------------------------------------------------------------


def list_transfers(*, user: AnyUser, direction: str = "", status: str = "") -> QuerySet[Transfer]:
    """Transfers seen from either side; ``direction`` "in" or "out" relative to the user's
    subtrees."""
    from dangvien.core.scoping import scope_q

    queryset = Transfer.objects.visible_to(user).select_related(
        "membership__person", "from_organisation", "to_organisation"
    )
    if direction == "in":
        queryset = queryset.filter(scope_q(user, "to_organisation"))
    elif direction == "out":
        queryset = queryset.filter(scope_q(user, "from_organisation"))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-started_on", "-pk")


# --- worklist sources ----------------------------------------------------------------------------

PROBATION_HORIZON_DAYS = 30
PROBATIONER_FIELDS = (
    "status",
    "probation_end",
    "ceremony_date",
    "decision_date",
    "organisation",
)
STEP_KEYS = 5000  # the probationers whose steps are read by key (more: by subquery)


def _member_url(membership_id: int, name: str = "members:member-detail") -> str:
    return pk_url(name, membership_id)


@dataclass(frozen=True)
class NextAction:
    """What must happen next for a probationary member: the label, the acting level and
    organisation, the due date (the legal deadline, or None when there is none yet), the
    date the case has waited since, and the item kind."""

    kind: str
    label: str
    level: str
    organisation: Any
    due: dt.date | None
    since: dt.date


def _recognition_next(
    m: Membership, steps: list[RecognitionStep], today: dt.date, limits: dict[dt.date, int]
) -> tuple[str, str, str, dt.date | None, dt.date]:
    """(kind, label, level, due, since) for one probationary member."""
    end = cast(dt.date, m.probation_end)
    latest: dict[str, RecognitionStep] = {}
    for step in sorted(steps, key=lambda step: (step.round, step.date, step.pk)):
        latest[step.stage] = step
    vote = latest.get(RecognitionStage.CELL_VOTE)
    if today < end and vote is None:
        return (
            "members.probation_ending",
            _("Hết 12 tháng dự bị, chuẩn bị xét công nhận chính thức"),
            "cell",
            end,
            m.ceremony_date or m.decision_date,
        )
    if vote is None:
        return (
            "members.recognition_cell_vote",
            _("Chi bộ xét công nhận đảng viên chính thức"),
            "cell",
            deadlines.recognition_cell_due(end),
            end,
        )
    if vote.passed is False:
        if vote.date not in limits:
            limits[vote.date] = deadlines.rule_int("failed_votes_escalate_after", vote.date)
        if vote.round >= limits[vote.date]:
            return (
                "members.recognition_escalated",
                _(
                    "Cấp ủy cấp trên quyết định: chi bộ biểu quyết %(rounds)s lần không đạt"
                    " (công nhận chính thức hoặc xóa tên)"
                )
                % {"rounds": vote.round},
                "superior",
                deadlines.recognition_decision_due(vote.date),
                vote.date,
            )
        return (
            "members.recognition_revote",
            _("Chi bộ biểu quyết lại lần %(round)s (lần %(failed)s không đạt) hoặc đề nghị xóa tên")
            % {"round": vote.round + 1, "failed": vote.round},
            "cell",
            deadlines.recognition_cell_due(end),
            vote.date,
        )
    due = deadlines.recognition_decision_due(vote.date)
    if RecognitionStage.GRASSROOTS_RESOLUTION not in latest:
        return (
            "members.recognition_committee",
            _("Đảng ủy cơ sở xét, đề nghị công nhận đảng viên chính thức (15-KNĐ)"),
            "committee",
            due,
            vote.date,
        )
    return (
        "members.recognition_decision",
        _("Quyết định công nhận đảng viên chính thức"),
        "superior",
        due,
        latest[RecognitionStage.GRASSROOTS_RESOLUTION].date,
    )


def list_probationer_work(user: AnyUser, today: dt.date) -> list[tuple[WorkItem, bool]]:
    """Every probationary member in scope with their next action, as (item, due): ``due`` is
    true when the action is overdue or due within the horizon (30 days before the end of the
    probation; the worklist horizon for the recognition steps). Two queries plus one for the
    acting organisations. Inside a request it runs once: the due list and the waiting list
    both read it (``core.memo``)."""
    return memoised(
        f"members.probationer_work:{user.pk}:{today.isoformat()}",
        lambda: _probationer_work(today, _probationers(user)),
    )


def _probationers(user: AnyUser) -> QuerySet[Membership]:
    return Membership.objects.visible_to(user, status=MemberStatus.PROBATIONARY).filter(
        probation_end__isnull=False
    )


def _may_be_due(today: dt.date) -> Q:
    """The probationers whose next action can be due on ``today``: their 12 months end within
    the probation horizon (or are over), or a recognition step is recorded. Every other one
    waits for the end of the probation (``members.probation_ending``, due that day, beyond the
    horizon): never due, whatever the worklist horizon."""
    from django.db.models import Exists, OuterRef

    return Q(probation_end__lte=today + dt.timedelta(days=PROBATION_HORIZON_DAYS)) | Q(
        Exists(RecognitionStep.objects.filter(membership=OuterRef("pk")))
    )


def _near_probationer_work(user: AnyUser, today: dt.date) -> list[tuple[WorkItem, bool]]:
    """``list_probationer_work`` of the probationers whose action may be due (``_may_be_due``):
    every due one, and the waiting ones near it. Once per request (the due list and the
    waiting list both read it)."""

    def compute() -> list[tuple[WorkItem, bool]]:
        # the keys first: joined to the people at once, the planner misjudges how few they
        # are (the step condition) and hashes every person
        near = list(_probationers(user).filter(_may_be_due(today)).values_list("pk", flat=True))
        return _probationer_work(today, Membership.objects.filter(pk__in=near))

    return memoised(f"members.probationer_work_near:{user.pk}:{today.isoformat()}", compute)


def _probationer_work(
    today: dt.date, probationers: QuerySet[Membership]
) -> list[tuple[WorkItem, bool]]:
    from dangvien.core.worklist import WorkItem

    members = list(
        probationers.select_related("organisation")
        # what the items read: a province builds a thousand (every field of the person and the
        # membership cost a third of the time); the name, not the person: a membership and its
        # person point at each other, a cycle that only the garbage collector frees
        .only(*PROBATIONER_FIELDS)
        .annotate(person_name=F("person__full_name"))
        .order_by("probation_end", "pk")
    )
    if not members:
        return []
    # the steps in one query, grouped by hand: a prefetch builds a queryset per member
    steps_of: dict[int, list[RecognitionStep]] = {m.pk: [] for m in members}
    # by key when they are few (an index lookup each; a subquery makes the planner hash every
    # recognition step of the database)
    steps = RecognitionStep.objects.all()
    if len(members) <= STEP_KEYS:
        steps = steps.filter(membership__in=[m.pk for m in members])
    else:
        steps = steps.filter(membership__in=probationers.values("pk"))
    for step in steps:
        steps_of.setdefault(step.membership_id, []).append(step)
    horizon = today + dt.timedelta(days=deadlines.rule_int("worklist_horizon_days", today))
    probation_horizon = today + dt.timedelta(days=PROBATION_HORIZON_DAYS)
    acting = acting_organisations({m.organisation for m in members}, on=today)
    limits: dict[dt.date, int] = {}
    result: list[tuple[WorkItem, bool]] = []
    for m in members:
        kind, label, level, due, since = _recognition_next(m, steps_of[m.pk], today, limits)
        organisation = acting[m.organisation_id][level]
        is_due = due is not None and due <= (
            probation_horizon if kind == "members.probation_ending" else horizon
        )
        if is_due and due is not None and due < today and kind != "members.probation_ending":
            kind = "members.recognition_overdue"
        where = "" if organisation.pk == m.organisation_id else str(m.organisation)
        if is_due:
            detail = where
        else:
            detail = " · ".join(
                filter(
                    None,
                    [
                        _("hạn %(day)s") % {"day": format_date(due)}
                        if due
                        else _("chờ từ %(day)s") % {"day": format_date(since)},
                        where,
                    ],
                )
            )
        item = WorkItem(
            kind=kind,
            label=str(label),
            subject=m.person_name,
            organisation=organisation,
            due=due if is_due and due is not None else (due or since),
            url=_member_url(m.pk, "members:member-probation"),
            detail=detail,
        )
        result.append((item, is_due))
    return result


def work_probation_ending(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Worklist source: probationers whose next action is overdue or due soon (only those
    that may be are built: ``_may_be_due``)."""
    return [item for item, due in _near_probationer_work(user, today) if due]


def waiting_probationers(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Waiting source: every other probationer, with the organisation that acts next."""
    return [item for item, due in list_probationer_work(user, today) if not due]


def oldest_waiting_probationers(
    user: AnyUser, today: dt.date, limit: int
) -> tuple[list[WorkItem], int]:
    """The first ``limit`` items of ``waiting_probationers`` (in the worklist's order: the date
    shown, then the name) and how many there are, building only the near ones
    (``_may_be_due``) and, of the others, whose item shows the end of their probation, those
    up to the ``limit``-th end (ties included: the names order them). The ends are read
    without the people (one query)."""
    near = [item for item, due in _near_probationer_work(user, today) if not due]
    # every one has an end (``_probationers``)
    far = cast(
        list[tuple[dt.date, int]],
        sorted(
            _probationers(user)
            .exclude(_may_be_due(today))
            .order_by()
            .values_list("probation_end", "pk")
        ),
    )
    built: list[WorkItem] = []
    if far and limit >= 1:
        cut = far[min(limit, len(far)) - 1][0]
        chosen = [pk for end, pk in far if end <= cut]
        built = [
            item
            for item, _due in _probationer_work(today, _probationers(user).filter(pk__in=chosen))
        ]
    items = sorted(near + built, key=lambda item: (item.due, item.subject))[:limit]
    return items, len(near) + len(far)


def work_cards_to_hand_over(user: AnyUser, today: dt.date) -> list[WorkItem]:
    from dangvien.core.worklist import WorkItem

    cards = (
        PartyCard.objects.filter(
            handed_over_on__isnull=True,
            replaced_on__isnull=True,
            superseded=False,
            membership__in=Membership.objects.visible_to(user),
        )
        .select_related("membership__person", "membership__organisation")
        .order_by("decision_date")
    )
    return [
        WorkItem(
            kind="members.card_hand_over",
            label=_("Trao thẻ đảng tại buổi sinh hoạt chi bộ gần nhất"),
            subject=str(card.membership.person),
            organisation=card.membership.organisation,
            due=card.decision_date,
            url=_member_url(card.membership_id),
            detail=_("Thẻ số %s") % card.number,
        )
        for card in cards
    ]


def work_transfers_unconfirmed(user: AnyUser, today: dt.date) -> list[WorkItem]:
    from dangvien.core.worklist import WorkItem

    return [
        WorkItem(
            kind="members.transfer_unconfirmed",
            label=_("Chờ nơi đến tiếp nhận sinh hoạt đảng"),
            subject=str(t.membership.person),
            organisation=t.to_organisation,
            due=t.present_due,
            url=pk_url("members:transfer-detail", t.pk),
            detail=f"{t.from_organisation} → {t.to_organisation}",
        )
        for t in list_transfers(user=user, status=TransferStatus.OPEN)
    ]


def work_residence_pending(user: AnyUser, today: dt.date) -> list[WorkItem]:
    from dangvien.core.worklist import WorkItem

    links = (
        ResidenceLink.objects.visible_to(user)
        .pending()
        .filter(membership__status__in=ACTIVE_STATUSES)
        .select_related("workplace_organisation")
        .only("due", "membership", "workplace_organisation")
        .annotate(person_name=F("membership__person__full_name"))
    )
    return [
        WorkItem(
            kind="members.residence_pending",
            label=_("Giới thiệu đảng viên về sinh hoạt nơi cư trú"),
            subject=link.person_name,  # type: ignore[attr-defined]  # annotated above
            organisation=link.workplace_organisation,
            due=link.due,
            url=_member_url(link.membership_id),
        )
        for link in links
    ]


def describe_transfer(transfer: Transfer) -> str:
    kind = _("tạm thời") if transfer.kind == TransferKind.TEMPORARY else _("chính thức")
    return _("%(kind)s, giới thiệu ngày %(day)s") % {
        "kind": kind,
        "day": format_date(transfer.started_on),
    }


def recognition_scans(membership: Membership) -> list[RecognitionAttachment]:
    """The scans attached to the member's recognition steps (or the membership), oldest first
    (one query)."""
    return list(
        RecognitionAttachment.objects.filter(membership=membership).select_related(
            "uploaded_by", "step"
        )
    )


def checklist_with_scans(
    membership: Membership, checklist: list[ChecklistItem], scans: list[RecognitionAttachment]
) -> list[dict[str, Any]]:
    """Each checklist row with its current recognition step (when recorded) and the scans
    attached to that step, for the probation page's «Đính kèm bản đã ký» (one query)."""
    steps = {step.stage: step for step in RecognitionStep.objects.filter(membership=membership)}
    return [
        {
            "item": item,
            "step": steps.get(item.key),
            "scans": [
                scan for scan in scans if item.key in steps and scan.step_id == steps[item.key].pk
            ],
        }
        for item in checklist
    ]
