"""All writes of the badges app: a cell's proposal of a member for a badge (early for the
seriously ill), the award recorded in the register, and the audited print of a proposal list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.rules import require_step_authority
from dangvien.audit.services import record
from dangvien.badges import selectors
from dangvien.badges.counters import AWARD_SUBJECT
from dangvien.badges.models import BadgeAward, BadgeProposal
from dangvien.core import counters
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_date as d
from dangvien.members.choices import ACTIVE_STATUSES
from dangvien.members.models import Membership
from dangvien.members.selectors import get_party_age

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.organisations.models import Organisation


def _lock_member(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("organisation", "person")
        .get(pk=membership.pk)
    )


def _check_milestone(milestone: int, on: dt.date) -> None:
    allowed = selectors.milestones(on)
    if milestone not in allowed:
        raise DomainError(
            _("Không có huy hiệu %(found)d năm tuổi đảng; các mốc là %(allowed)s.")
            % {"found": milestone, "allowed": ", ".join(str(m) for m in allowed)},
            rule="badge_milestones",
            found=milestone,
            required=", ".join(str(m) for m in allowed),
            field="milestone",
        )


def _check_award_date(award_date: dt.date) -> None:
    days = selectors.award_dates(award_date.year)
    if award_date not in days:
        raise DomainError(
            _("Ngày %(found)s không phải là đợt trao huy hiệu; các đợt năm %(year)d: %(days)s.")
            % {
                "found": d(award_date),
                "year": award_date.year,
                "days": ", ".join(d(day) for day in days),
            },
            rule="badge_award_days",
            found=d(award_date),
            required=", ".join(d(day) for day in days),
            field="award_date",
        )


def _check_party_age(
    membership: Membership, milestone: int, award_date: dt.date, *, early: bool
) -> tuple[int, int]:
    """The party age on ``award_date`` (years, months) after checking it reaches the
    milestone, or (early) the milestone minus the early-award window of the rule set."""
    age = get_party_age(membership, on=award_date)
    months = selectors.age_in_months(age)
    window = selectors.early_months(milestone, award_date) if early else 0
    required = milestone * 12 - window
    if months < required:
        found = _("%(y)d năm %(m)d tháng") % {"y": age.years, "m": age.months}
        need = _("%(y)d năm %(m)d tháng") % {"y": required // 12, "m": required % 12}
        raise DomainError(
            (
                _(
                    "Tuổi đảng của %(name)s vào ngày %(day)s là %(found)s (đã trừ thời gian "
                    "gián đoạn); huy hiệu %(milestone)d năm cần %(required)s%(early)s."
                )
            )
            % {
                "name": membership.person,
                "day": d(award_date),
                "found": found,
                "milestone": milestone,
                "required": need,
                "early": _(" (đã tính %d tháng tặng sớm)") % window if early else "",
            },
            rule="badge_early_months" if early else "badge_milestones",
            found=found,
            required=need,
            field="milestone",
        )
    return age.years, age.months


def _check_active(membership: Membership) -> None:
    if membership.status not in ACTIVE_STATUSES:
        raise DomainError(
            _("%(name)s đang ở trạng thái «%(status)s»: chỉ xét tặng cho đảng viên đang sinh hoạt.")
            % {"name": membership.person, "status": membership.get_status_display()},
            rule="badge_member_active",
            found=membership.get_status_display(),
            required=_("đảng viên đang sinh hoạt"),
        )


def _check_not_given(membership: Membership, milestone: int) -> None:
    if BadgeAward.objects.filter(membership=membership, milestone=milestone).exists():
        raise DomainError(
            _("%(name)s đã được tặng huy hiệu %(milestone)d năm tuổi đảng.")
            % {"name": membership.person, "milestone": milestone},
            rule="one_badge_per_milestone",
            found=milestone,
            required=_("mỗi mốc một lần"),
            field="milestone",
        )


@transaction.atomic
def propose_badge(
    membership: Membership,
    *,
    milestone: int,
    award_date: dt.date,
    actor: User,
    early_reason: str = "",
) -> BadgeProposal:
    """Put a member on the proposal list of an award day. With ``early_reason`` (the member is
    seriously ill) the badge may come up to ``badge_early_months`` (12) months early for
    milestones below ``badge_early_long_from_years`` (70), ``badge_early_months_long`` (24) from
    there on. Needs ``member.change`` on the member's cell."""
    membership = _lock_member(membership)
    cell = membership.organisation
    require_step_authority(actor, "member.change", cell, step=str(_("Đề nghị tặng huy hiệu Đảng")))
    _check_active(membership)
    _check_award_date(award_date)
    _check_milestone(milestone, award_date)
    _check_not_given(membership, milestone)
    early_reason = early_reason.strip()
    age_now = get_party_age(membership, on=award_date)
    early = bool(early_reason) and selectors.age_in_months(age_now) < milestone * 12
    years, months = _check_party_age(membership, milestone, award_date, early=early)
    if BadgeProposal.objects.filter(membership=membership, milestone=milestone).exists():
        raise DomainError(
            _("%(name)s đã có trong danh sách đề nghị huy hiệu %(milestone)d năm.")
            % {"name": membership.person, "milestone": milestone},
            rule="one_proposal_per_milestone",
            found=milestone,
            required=_("mỗi mốc một lần"),
            field="milestone",
        )
    try:
        with transaction.atomic():
            proposal = BadgeProposal.objects.create(
                membership=membership,
                organisation=cell,
                milestone=milestone,
                award_date=award_date,
                party_age_years=years,
                party_age_months=months,
                early=early,
                early_reason=early_reason if early else "",
                actor=actor,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(name)s đã có trong danh sách đề nghị huy hiệu %(milestone)d năm.")
            % {"name": membership.person, "milestone": milestone},
            rule="one_proposal_per_milestone",
            found=milestone,
            required=_("mỗi mốc một lần"),
            field="milestone",
        ) from exc
    record(
        actor=actor,
        action="badges.badge_proposal.created",
        target=proposal,
        organisation=cell,
        data={"milestone": milestone, "award_date": award_date, "early": early},
    )
    return proposal


@transaction.atomic
def award_badge(
    membership: Membership,
    *,
    milestone: int,
    award_date: dt.date,
    badge_number: str,
    decision_number: str,
    decision_date: dt.date,
    actor: User,
) -> BadgeAward:
    """Record a badge in the register: its number, the decision, the award day. The member's
    proposal for that milestone (if any) is marked awarded and decides whether the award is
    early. Needs ``member.decide`` on the member's cell."""
    membership = _lock_member(membership)
    cell = membership.organisation
    require_step_authority(
        actor, "member.decide", cell, step=str(_("Quyết định tặng huy hiệu Đảng"))
    )
    badge_number, decision_number = badge_number.strip(), decision_number.strip()
    if not badge_number or not decision_number:
        raise DomainError(
            _("Cần ghi số huy hiệu và số quyết định."),
            rule="badge_register_fields",
            required=_("số huy hiệu, số quyết định"),
            field="badge_number" if not badge_number else "decision_number",
        )
    if decision_date > award_date:
        raise DomainError(
            _("Ngày quyết định (%(decision)s) sau ngày trao (%(award)s).")
            % {"decision": d(decision_date), "award": d(award_date)},
            rule="badge_decision_before_award",
            found=d(decision_date),
            required=_("không sau %s") % d(award_date),
            field="decision_date",
        )
    if decision_date > timezone.localdate():
        raise DomainError(
            _("Ngày quyết định (%(day)s) chưa đến.") % {"day": d(decision_date)},
            rule="date_not_in_future",
            found=d(decision_date),
            required=_("không sau %s") % d(timezone.localdate()),
            field="decision_date",
        )
    _check_active(membership)
    _check_milestone(milestone, award_date)
    _check_not_given(membership, milestone)
    proposal = (
        BadgeProposal.objects.select_for_update()
        .filter(membership=membership, milestone=milestone)
        .first()
    )
    early = bool(proposal and proposal.early)
    _check_party_age(membership, milestone, award_date, early=early)
    if BadgeAward.objects.filter(badge_number=badge_number).exists():
        raise DomainError(
            _("Số huy hiệu %s đã được ghi cho đảng viên khác.") % badge_number,
            rule="unique_badge_number",
            found=badge_number,
            required=_("một số chưa dùng"),
            field="badge_number",
        )
    # the member's counter row moves to their new highest badge (the member is locked above)
    counted = counters.Tracker(AWARD_SUBJECT, [membership.pk])
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                membership=membership,
                organisation=cell,
                proposal=proposal,
                milestone=milestone,
                award_date=award_date,
                badge_number=badge_number,
                decision_number=decision_number,
                decision_date=decision_date,
                early=early,
                actor=actor,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Huy hiệu này vừa được ghi; hãy tải lại trang."),
            rule="one_badge_per_milestone",
            found=milestone,
            required=_("mỗi mốc một lần"),
        ) from exc
    counted.done()
    if proposal is not None:
        proposal.status = BadgeProposal.Status.AWARDED
        proposal.save(update_fields=["status"])
    record(
        actor=actor,
        action="badges.badge_award.recorded",
        target=award,
        organisation=cell,
        data={
            "milestone": milestone,
            "badge_number": badge_number,
            "decision_number": decision_number,
            "award_date": award_date,
            "early": early,
        },
    )
    return award


@transaction.atomic
def export_proposal_list(
    *, organisation: Organisation, award_date: dt.date, rows: int, actor: User
) -> None:
    """Audit the print of a proposal list (the document itself is built by
    ``badges.exporters.build_proposal_docx``). Needs ``export.run`` on the organisation."""
    require_step_authority(actor, "export.run", organisation, step=str(_("In danh sách đề nghị")))
    record(
        actor=actor,
        action="badges.proposal_list.exported",
        target=organisation,
        organisation=organisation,
        data={"award_date": award_date, "rows": rows},
    )
