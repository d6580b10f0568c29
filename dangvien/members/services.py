"""All writes on memberships. The pipeline's ceremony calls ``admit_member``; committees that
start using the product enter their existing members with ``register_existing_member``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership, MembershipEvent


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later; the last day of the month when that day does not exist."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_not_member(person: Any) -> None:
    if Membership.objects.filter(person=person).exists():
        raise DomainError(
            _("%s đã có trong danh sách đảng viên.") % person,
            rule="one_membership_per_person",
        )


@transaction.atomic
def admit_member(
    *,
    person: Any,
    organisation: Any,
    decision_date: dt.date,
    decision_number: str,
    ceremony_date: dt.date,
    actor: Any,
    dossier: Any = None,
    probation_months: int = 12,
) -> Membership:
    """Create a probationary membership at the ceremony. Probation ends ``probation_months``
    (from the rule set) after the ceremony."""
    _check_not_member(person)
    if ceremony_date < decision_date:
        raise DomainError(
            _("Ngày kết nạp (%(c)s) không được trước ngày quyết định kết nạp (%(d)s).")
            % {"c": f"{ceremony_date:%d/%m/%Y}", "d": f"{decision_date:%d/%m/%Y}"},
            field="ceremony_date",
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person,
                organisation=organisation,
                admitted_in=organisation,
                dossier=dossier,
                status=MemberStatus.PROBATIONARY,
                decision_date=decision_date,
                decision_number=decision_number,
                ceremony_date=ceremony_date,
                probation_end=add_months(ceremony_date, probation_months),
            )
    except IntegrityError as exc:
        raise DomainError(_("%s đã có trong danh sách đảng viên.") % person) from exc
    MembershipEvent.objects.create(
        membership=membership,
        status=MemberStatus.PROBATIONARY,
        organisation=organisation,
        date=ceremony_date,
        decision_number=decision_number,
        actor=actor,
    )
    record(
        actor=actor,
        action="members.membership.admitted",
        target=membership,
        organisation=organisation,
        data={"decision_date": decision_date, "ceremony_date": ceremony_date},
    )
    return membership


@transaction.atomic
def register_existing_member(
    *,
    person: Any,
    organisation: Any,
    decision_date: dt.date,
    actor: Any,
    decision_number: str = "",
    ceremony_date: dt.date | None = None,
    official_date: dt.date | None = None,
    card_number: str | None = None,
    probation_months: int = 12,
) -> Membership:
    """Enter a member admitted before the product was used, with their dates as recorded."""
    _check_not_member(person)
    if ceremony_date and ceremony_date < decision_date:
        raise DomainError(
            _("Ngày kết nạp (%(c)s) không được trước ngày quyết định kết nạp (%(d)s).")
            % {"c": f"{ceremony_date:%d/%m/%Y}", "d": f"{decision_date:%d/%m/%Y}"},
            field="ceremony_date",
        )
    if official_date and official_date < (ceremony_date or decision_date):
        raise DomainError(
            _("Ngày công nhận chính thức (%s) không được trước ngày kết nạp.")
            % f"{official_date:%d/%m/%Y}",
            field="official_date",
        )
    if card_number and Membership.objects.filter(card_number=card_number).exists():
        raise DomainError(
            _("Số thẻ đảng %s đã được cấp cho đảng viên khác.") % card_number,
            rule="card_number_unique",
            found=card_number,
            field="card_number",
        )
    start = ceremony_date or decision_date
    membership = Membership.objects.create(
        person=person,
        organisation=organisation,
        admitted_in=organisation,
        status=MemberStatus.OFFICIAL if official_date else MemberStatus.PROBATIONARY,
        decision_date=decision_date,
        decision_number=decision_number,
        ceremony_date=ceremony_date,
        probation_end=add_months(start, probation_months),
        official_date=official_date,
        card_number=card_number or None,
    )
    MembershipEvent.objects.create(
        membership=membership,
        status=MemberStatus.PROBATIONARY,
        organisation=organisation,
        date=start,
        decision_number=decision_number,
        actor=actor,
        note=_("Nhập đảng viên hiện có"),
    )
    if official_date:
        MembershipEvent.objects.create(
            membership=membership,
            status=MemberStatus.OFFICIAL,
            organisation=organisation,
            date=official_date,
            actor=actor,
        )
    record(
        actor=actor,
        action="members.membership.registered",
        target=membership,
        organisation=organisation,
        data={"decision_date": decision_date, "official_date": official_date},
    )
    return membership
