"""All writes of the screening app: the month's dues and attendance, and the screening case
from the cell's secret ballot to the competent committee's decision. A removal is written by
``dangvien.members.services.change_status`` (the member registry owns the status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.rules import require_step_authority
from dangvien.audit.services import record
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_date as d
from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus
from dangvien.members.models import Membership
from dangvien.screening import selectors
from dangvien.screening.choices import (
    ActivityStatus,
    CaseStatus,
    DuesStatus,
    RemovalForm,
    StepKind,
)
from dangvien.screening.models import (
    MonthRecord,
    MonthRecordChange,
    ScreeningCase,
    ScreeningStep,
)

if TYPE_CHECKING:
    from dangvien.accounts.models import User


def _today() -> dt.date:
    return timezone.localdate()


def _check_not_future(day: dt.date, field: str) -> None:
    today = _today()
    if day > today:
        raise DomainError(
            _("Ngày %(day)s không được sau ngày hôm nay (%(today)s).")
            % {"day": d(day), "today": d(today)},
            rule="date_not_in_future",
            found=d(day),
            required=_("không sau %s") % d(today),
            field=field,
        )


# --- dues and attendance per month ---------------------------------------------------------------


@dataclass(frozen=True)
class MonthEntry:
    """What the cell records for one member and month ("" leaves a value unrecorded)."""

    membership: Membership
    month: dt.date
    dues: str = ""
    activity: str = ""


def _check_entry(entry: MonthEntry, today: dt.date) -> None:
    if entry.month.day != 1:
        raise DomainError(
            _("Tháng phải ghi là ngày đầu tháng; nhận được %s.") % d(entry.month),
            rule="month_first_day",
            found=d(entry.month),
            required="01/mm/yyyy",
            field="month",
        )
    if entry.month > today.replace(day=1):
        raise DomainError(
            _("Tháng %(month)s chưa đến (hôm nay %(today)s).")
            % {"month": f"{entry.month:%m/%Y}", "today": d(today)},
            rule="date_not_in_future",
            found=f"{entry.month:%m/%Y}",
            required=_("không sau tháng %s") % f"{today:%m/%Y}",
            field="month",
        )
    if entry.dues not in ("", *DuesStatus.values):
        raise DomainError(
            _("Tình trạng đảng phí «%s» không hợp lệ.") % entry.dues,
            rule="dues_status",
            found=entry.dues,
            required=", ".join(str(label) for label in DuesStatus.labels),
            field="dues",
        )
    if entry.activity not in ("", *ActivityStatus.values):
        raise DomainError(
            _("Tình trạng sinh hoạt «%s» không hợp lệ.") % entry.activity,
            rule="activity_status",
            found=entry.activity,
            required=", ".join(str(label) for label in ActivityStatus.labels),
            field="activity",
        )
    member = entry.membership
    if entry.month < member.decision_date.replace(day=1):
        raise DomainError(
            _("%(name)s chưa là đảng viên trong tháng %(month)s (kết nạp ngày %(day)s).")
            % {
                "name": member.person,
                "month": f"{entry.month:%m/%Y}",
                "day": d(member.decision_date),
            },
            rule="month_after_admission",
            found=f"{entry.month:%m/%Y}",
            required=_("từ tháng %s") % f"{member.decision_date:%m/%Y}",
            field="month",
        )


@transaction.atomic
def record_months(
    entries: Sequence[MonthEntry], *, actor: User, source: str = "sheet"
) -> dict[str, int]:
    """Record dues status and attendance for members and months (the cell's month sheet or an
    imported file). New months are created, changed ones updated with a ``MonthRecordChange``
    each; unchanged ones are left alone. Needs ``member.change`` on each member's cell. One
    audit event per cell. Returns the counts created / changed / unchanged."""
    today = _today()
    cells = {}
    for entry in entries:
        _check_entry(entry, today)
        cell = entry.membership.organisation
        if cell.pk not in cells:
            require_step_authority(
                actor, "member.change", cell, step=str(_("Ghi đảng phí, sinh hoạt hằng tháng"))
            )
            cells[cell.pk] = cell
    keys = {(e.membership.pk, e.month) for e in entries}
    if len(keys) != len(entries):
        raise DomainError(
            _("Một đảng viên được ghi hai lần cho cùng một tháng."),
            rule="one_record_per_month",
            field="month",
        )
    ids = sorted({key[0] for key in keys})
    months = sorted({key[1] for key in keys})
    existing = {
        (r.membership_id, r.month): r
        for r in MonthRecord.objects.select_for_update().filter(
            membership_id__in=ids, month__in=months
        )
    }
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    per_cell: dict[int, dict[str, int]] = {pk: {"created": 0, "changed": 0} for pk in cells}
    new_rows, changes, changed_rows = [], [], []
    for entry in entries:
        current = existing.get((entry.membership.pk, entry.month))
        cell_id = entry.membership.organisation_id
        if current is None:
            if not entry.dues and not entry.activity:
                counts["unchanged"] += 1
                continue
            new_rows.append(
                MonthRecord(
                    membership=entry.membership,
                    organisation_id=cell_id,
                    month=entry.month,
                    dues=entry.dues,
                    activity=entry.activity,
                    actor=actor,
                )
            )
            counts["created"] += 1
            per_cell[cell_id]["created"] += 1
            continue
        if (current.dues, current.activity) == (entry.dues, entry.activity):
            counts["unchanged"] += 1
            continue
        changes.append(
            MonthRecordChange(
                record=current,
                old_dues=current.dues,
                new_dues=entry.dues,
                old_activity=current.activity,
                new_activity=entry.activity,
                actor=actor,
            )
        )
        current.dues, current.activity, current.actor = entry.dues, entry.activity, actor
        changed_rows.append(current)
        counts["changed"] += 1
        per_cell[cell_id]["changed"] += 1
    try:
        with transaction.atomic():
            MonthRecord.objects.bulk_create(new_rows, batch_size=500)
    except IntegrityError as exc:  # a concurrent save of the same sheet got there first
        raise DomainError(
            _("Tháng này vừa được người khác ghi; hãy tải lại trang và ghi lại."),
            rule="one_record_per_month",
            field="month",
        ) from exc
    if changed_rows:
        MonthRecord.objects.bulk_update(changed_rows, ["dues", "activity", "actor"])
        MonthRecordChange.objects.bulk_create(changes, batch_size=500)
    for cell_id, cell_counts in per_cell.items():
        if not any(cell_counts.values()):
            continue
        record(
            actor=actor,
            action="screening.month_record.saved",
            target=cells[cell_id],
            organisation=cells[cell_id],
            data={
                **cell_counts,
                "source": source,
                "months": sorted({f"{m:%m/%Y}" for m in months}),
            },
        )
    return counts


# --- screening cases -----------------------------------------------------------------------------


def _lock_member(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("organisation", "person")
        .get(pk=membership.pk)
    )


def _lock_case(case: ScreeningCase) -> ScreeningCase:
    return (
        ScreeningCase.objects.select_for_update()
        .select_related("membership__person", "organisation")
        .get(pk=case.pk)
    )


def _check_vote(
    *,
    cell: object,
    day: dt.date,
    votes_for: int,
    votes_against: int,
    present: int,
    votes_eligible: int,
) -> bool:
    """Check a cell's vote count and say whether it passed: votes for ÷ every official member
    of the cell (absent ones counted) ≥ ``screening_vote_fraction``."""
    from dangvien.organisations.models import Organisation

    assert isinstance(cell, Organisation)
    registry_count = selectors.count_official_members(cell)
    if votes_eligible < registry_count:
        raise DomainError(
            _(
                "Tổng số đảng viên chính thức của chi bộ là %(required)d (kể cả đảng viên vắng "
                "mặt); số ghi là %(found)d."
            )
            % {"required": registry_count, "found": votes_eligible},
            rule="screening_vote_denominator",
            found=votes_eligible,
            required=registry_count,
            field="votes_eligible",
        )
    if present > votes_eligible:
        raise DomainError(
            _("Số có mặt (%(present)d) lớn hơn tổng số đảng viên chính thức (%(total)d).")
            % {"present": present, "total": votes_eligible},
            rule="screening_vote_count",
            found=present,
            required=_("không quá %d") % votes_eligible,
            field="present",
        )
    if votes_for + votes_against > present:
        raise DomainError(
            _("Số phiếu (%(votes)d) lớn hơn số đảng viên có mặt (%(present)d).")
            % {"votes": votes_for + votes_against, "present": present},
            rule="screening_vote_count",
            found=votes_for + votes_against,
            required=_("không quá %d") % present,
            field="votes_for",
        )
    if votes_eligible == 0:
        raise DomainError(
            _("Chi bộ không có đảng viên chính thức để biểu quyết."),
            rule="screening_vote_denominator",
            found=0,
            required=_("ít nhất 1"),
            field="votes_eligible",
        )
    fraction = Fraction(str(selectors.rule_value("screening_vote_fraction", day)))
    return Fraction(votes_for, votes_eligible) >= fraction


@transaction.atomic
def open_screening_case(
    membership: Membership,
    *,
    date: dt.date,
    votes_for: int,
    votes_against: int,
    present: int,
    votes_eligible: int,
    actor: User,
    document_number: str = "",
    note: str = "",
) -> ScreeningCase:
    """The cell's secret ballot on listing a member for education and help before removal is
    considered (Chỉ thị 28-CT/TW; 02-HD/BTCTW step 1). Listed when the votes for reach
    ``screening_vote_fraction`` (2/3) of **all** official members of the cell, absent ones
    included; the help period then runs ``screening_help_months``. A ballot that does not
    reach it is kept as a case «not listed». Needs ``member.change`` on the cell."""
    membership = _lock_member(membership)
    cell = membership.organisation
    require_step_authority(actor, "member.change", cell, step=str(StepKind.BALLOT.label))
    if membership.status not in selectors.SCREENED_STATUSES:
        raise DomainError(
            _("%(name)s đang ở trạng thái «%(status)s», không thể rà soát.")
            % {"name": membership.person, "status": membership.get_status_display()},
            rule="screening_member_active",
            found=membership.get_status_display(),
            required=", ".join(str(MemberStatus(s).label) for s in sorted(ACTIVE_STATUSES)),
        )
    if ScreeningCase.objects.open().filter(membership=membership).exists():
        raise DomainError(
            _("%s đang trong một đợt rà soát chưa kết thúc.") % membership.person,
            rule="one_open_screening_case",
            required=_("một đợt rà soát đang mở cho mỗi đảng viên"),
        )
    _check_not_future(date, "date")
    passed = _check_vote(
        cell=cell,
        day=date,
        votes_for=votes_for,
        votes_against=votes_against,
        present=present,
        votes_eligible=votes_eligible,
    )
    help_months = int(selectors.rule_value("screening_help_months", date))
    try:
        with transaction.atomic():
            case = ScreeningCase.objects.create(
                membership=membership,
                organisation=cell,
                status=CaseStatus.HELPING if passed else CaseStatus.NOT_LISTED,
                grounds=selectors.flags_for_membership(membership, on=date),
                opened_on=date,
                help_until=add_months(date, help_months) if passed else None,
                closed_on=None if passed else date,
                actor=actor,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%s đang trong một đợt rà soát chưa kết thúc.") % membership.person,
            rule="one_open_screening_case",
            required=_("một đợt rà soát đang mở cho mỗi đảng viên"),
        ) from exc
    ScreeningStep.objects.create(
        case=case,
        kind=StepKind.BALLOT,
        date=date,
        votes_for=votes_for,
        votes_against=votes_against,
        present=present,
        votes_eligible=votes_eligible,
        passed=passed,
        document_number=document_number.strip(),
        note=note.strip(),
        actor=actor,
    )
    record(
        actor=actor,
        action="screening.screening_case.opened",
        target=case,
        organisation=cell,
        data={
            "member": membership.pk,
            "date": date,
            "votes_for": votes_for,
            "votes_eligible": votes_eligible,
            "present": present,
            "listed": passed,
        },
    )
    return case


def _check_status(case: ScreeningCase, expected: str) -> None:
    if case.status != expected:
        raise DomainError(
            _("Đợt rà soát đang ở tình trạng «%(found)s»; bước này cần «%(required)s».")
            % {"found": case.get_status_display(), "required": CaseStatus(expected).label},
            rule="screening_case_status",
            found=case.get_status_display(),
            required=CaseStatus(expected).label,
        )


def _check_after(day: dt.date, case: ScreeningCase) -> None:
    if day < case.opened_on:
        raise DomainError(
            _("Ngày %(day)s trước ngày chi bộ bỏ phiếu (%(opened)s).")
            % {"day": d(day), "opened": d(case.opened_on)},
            rule="events_in_date_order",
            found=d(day),
            required=_("từ %s trở đi") % d(case.opened_on),
            field="date",
        )


@transaction.atomic
def record_progress(
    case: ScreeningCase, *, date: dt.date, actor: User, document_number: str = "", note: str = ""
) -> ScreeningCase:
    """The cell concludes that the member has progressed: the help ends, the case closes."""
    case = _lock_case(case)
    require_step_authority(
        actor, "member.change", case.organisation, step=str(StepKind.PROGRESSED.label)
    )
    _check_status(case, CaseStatus.HELPING)
    _check_not_future(date, "date")
    _check_after(date, case)
    ScreeningStep.objects.create(
        case=case,
        kind=StepKind.PROGRESSED,
        date=date,
        document_number=document_number.strip(),
        note=note.strip(),
        actor=actor,
    )
    case.status, case.closed_on = CaseStatus.PROGRESSED, date
    case.save(update_fields=["status", "closed_on"])
    record(
        actor=actor,
        action="screening.screening_case.progressed",
        target=case,
        organisation=case.organisation,
        data={"date": date},
    )
    return case


@transaction.atomic
def propose_removal(
    case: ScreeningCase,
    *,
    form: str,
    date: dt.date,
    votes_for: int,
    votes_against: int,
    present: int,
    votes_eligible: int,
    actor: User,
    document_number: str = "",
    note: str = "",
) -> ScreeningCase:
    """The cell votes to propose removing the member (xóa tên, khai trừ or cho ra khỏi Đảng) to
    the competent committee; same count as the ballot (2/3 of all official members). A vote
    that fails is recorded and the help goes on."""
    case = _lock_case(case)
    require_step_authority(
        actor, "member.change", case.organisation, step=str(StepKind.PROPOSAL.label)
    )
    _check_status(case, CaseStatus.HELPING)
    if form not in RemovalForm.values:
        raise DomainError(
            _("Hình thức «%s» không hợp lệ.") % form,
            rule="removal_form",
            found=form,
            required=", ".join(str(label) for label in RemovalForm.labels),
            field="form",
        )
    _check_not_future(date, "date")
    _check_after(date, case)
    passed = _check_vote(
        cell=case.organisation,
        day=date,
        votes_for=votes_for,
        votes_against=votes_against,
        present=present,
        votes_eligible=votes_eligible,
    )
    ScreeningStep.objects.create(
        case=case,
        kind=StepKind.PROPOSAL,
        date=date,
        votes_for=votes_for,
        votes_against=votes_against,
        present=present,
        votes_eligible=votes_eligible,
        passed=passed,
        removal_form=form,
        document_number=document_number.strip(),
        note=note.strip(),
        actor=actor,
    )
    if passed:
        case.status, case.removal_form = CaseStatus.PROPOSED, form
        case.save(update_fields=["status", "removal_form"])
    record(
        actor=actor,
        action="screening.screening_case.removal_proposed",
        target=case,
        organisation=case.organisation,
        data={"form": form, "date": date, "votes_for": votes_for, "passed": passed},
    )
    return case


@transaction.atomic
def decide_screening_case(
    case: ScreeningCase,
    *,
    removed: bool,
    date: dt.date,
    actor: User,
    decision_number: str = "",
    note: str = "",
) -> ScreeningCase:
    """The competent committee decides on the cell's proposal. A removal is written by the
    member registry (``members.services.change_status``: a removed / expelled / left event,
    a gap in party age, a decrease in Biểu 1); otherwise the member stays and the case closes.
    Needs ``member.decide`` on the cell."""
    from dangvien.members.services import change_status

    case = _lock_case(case)
    require_step_authority(
        actor, "member.decide", case.organisation, step=str(StepKind.DECISION.label)
    )
    _check_status(case, CaseStatus.PROPOSED)
    _check_not_future(date, "date")
    _check_after(date, case)
    if removed:
        reason = note.strip() or _("%(form)s theo đề nghị của chi bộ (rà soát, sàng lọc)") % {
            "form": RemovalForm(case.removal_form).label
        }
        change_status(
            case.membership,
            status=case.removal_form,
            date=date,
            actor=actor,
            decision_number=decision_number.strip(),
            note=reason,
        )
    ScreeningStep.objects.create(
        case=case,
        kind=StepKind.DECISION,
        date=date,
        passed=removed,
        removal_form=case.removal_form,
        document_number=decision_number.strip(),
        note=note.strip(),
        actor=actor,
    )
    case.status = CaseStatus.REMOVED if removed else CaseStatus.KEPT
    case.closed_on = date
    case.save(update_fields=["status", "closed_on"])
    record(
        actor=actor,
        action="screening.screening_case.decided",
        target=case,
        organisation=case.organisation,
        data={"removed": removed, "form": case.removal_form, "date": date},
    )
    return case
