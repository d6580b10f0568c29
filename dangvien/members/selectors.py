"""Reads of the members app: the filtered list, party age, timeline, probation checklist,
the residence-introduction figure for reports, and the worklist sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvien.core.formatting import format_date, percent_value
from dangvien.core.typing import AnyUser
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
    PartyCard,
    RecognitionStep,
    ResidenceLink,
    Transfer,
)

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation

# --- list ----------------------------------------------------------------------------------------


def list_members(*, user: AnyUser) -> QuerySet[Membership]:
    """Members visible to the user, in the list's order, with what the list page and its
    export show; the list's filters are ``members.filtersets.MemberFilterSet``."""
    return (
        Membership.objects.visible_to(user)
        .select_related("person", "person__ethnic_group", "organisation")
        .order_by("organisation__path", "person__full_name_folded", "pk")
    )


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
            due = deadlines.recognition_decision_due(vote.date) if vote else None
        detail = step.document_number if step else ""
        if step and step.votes_eligible is not None:
            detail = _("%(f)s/%(e)s tán thành") % {"f": step.votes_for, "e": step.votes_eligible}
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


# --- residence introductions (a figure for the reports) ----------------------------------------


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


def _member_url(membership_id: int, name: str = "members:member-detail") -> str:
    return reverse(name, args=[membership_id])


def work_probation_ending(user: AnyUser, today: dt.date) -> list[WorkItem]:
    from dangvien.core.worklist import WorkItem

    queryset = (
        Membership.objects.visible_to(user)
        .probation_ending(today, PROBATION_HORIZON_DAYS)
        .select_related("person", "organisation")
    )
    return [
        WorkItem(
            kind="members.probation_ending",
            label=_("Hết 12 tháng dự bị, chuẩn bị xét công nhận chính thức"),
            subject=str(m.person),
            organisation=m.organisation,
            due=cast(dt.date, m.probation_end),  # probation_ending() filters on it
            url=_member_url(m.pk, "members:member-probation"),
        )
        for m in queryset
    ]


def work_recognition_overdue(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Probationers whose cell vote or superior decision is past its working-day deadline."""
    from dangvien.core.worklist import WorkItem

    # 30 working days are at least 6 weeks: only probations that ended 6 weeks ago can be late.
    queryset = (
        Membership.objects.visible_to(user)
        .probationary()
        .filter(probation_end__lt=today - dt.timedelta(days=42))
        .select_related("person", "organisation")
        .prefetch_related("recognition_steps")
    )
    items = []
    for m in queryset:
        steps = {step.stage: step for step in m.recognition_steps.all()}
        vote = steps.get(RecognitionStage.CELL_VOTE)
        if vote is None:
            due = deadlines.recognition_cell_due(cast(dt.date, m.probation_end))
            label = _("Quá hạn chi bộ xét công nhận đảng viên chính thức")
        else:
            due = deadlines.recognition_decision_due(vote.date)
            label = _("Quá hạn quyết định công nhận đảng viên chính thức")
        if due < today:
            items.append(
                WorkItem(
                    kind="members.recognition_overdue",
                    label=label,
                    subject=str(m.person),
                    organisation=m.organisation,
                    due=due,
                    url=_member_url(m.pk, "members:member-probation"),
                )
            )
    return items


def work_cards_to_hand_over(user: AnyUser, today: dt.date) -> list[WorkItem]:
    from dangvien.core.worklist import WorkItem

    cards = (
        PartyCard.objects.filter(
            handed_over_on__isnull=True,
            replaced_on__isnull=True,
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
            url=reverse("members:transfer-detail", args=[t.pk]),
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
        .select_related("membership__person", "workplace_organisation")
    )
    return [
        WorkItem(
            kind="members.residence_pending",
            label=_("Giới thiệu đảng viên về sinh hoạt nơi cư trú"),
            subject=str(link.membership.person),
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
