"""All writes on memberships. The pipeline's ceremony calls ``admit_member``; committees that
start using the product enter their existing members with ``register_existing_member``, or
many at once (the Excel import) with ``bulk_register_members``.

Every function is keyword-only after its target, takes an explicit ``actor``, runs in one
transaction, locks the rows it reads then writes, and writes its audit row in that transaction.
Every refusal is a ``DomainError`` naming the rule, the value found and the value required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.rules import require_step_authority
from dangvien.audit.services import record
from dangvien.core import corrections, counters
from dangvien.core.bulk import insert_rows
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_date
from dangvien.core.importing import ProgressCallback, claim_in_file, no_progress
from dangvien.members import deadlines
from dangvien.members.choices import (
    ACTIVE_STATUSES,
    GAP_STATUSES,
    WORKPLACE_AREA_KINDS,
    CardReason,
    EventKind,
    MemberStatus,
    RecognitionStage,
    ResidenceExemption,
    TransferKind,
    TransferStatus,
)
from dangvien.members.counters import SUBJECT as COUNTED
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
from dangvien.organisations.services import require_in_force
from dangvien.people.services import follow_membership

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.organisations.models import Organisation
    from dangvien.people.models import Person
    from dangvien.training.models import Enrolment

__all__ = [
    "admit_member",
    "assign_helper",
    "bulk_register_members",
    "cancel_card",
    "cancel_recognition_step",
    "cancel_transfer",
    "change_status",
    "confirm_transfer",
    "correct_card",
    "correct_recognition_step",
    "correct_transfer",
    "end_temporary_transfer",
    "hand_over_card",
    "issue_card",
    "open_residence_requirement",
    "recognise_official",
    "record_recognition_step",
    "record_residence_introduction",
    "register_existing_member",
    "remove_probationary",
    "start_transfer",
]

d = format_date

# Step authority for recognition: the action (accounts.rules.ROLE_ACTIONS says which roles hold
# it) needed to record each step. The cell prepares and votes; the grassroots committee
# resolves; the deciding bodies decide.
RECOGNITION_ACTIONS: dict[str, str] = {
    RecognitionStage.SELF_REVIEW: "member.change",
    RecognitionStage.HELPER_COMMENT: "member.change",
    RecognitionStage.OPINIONS: "member.change",
    RecognitionStage.CELL_VOTE: "member.change",
    RecognitionStage.GRASSROOTS_RESOLUTION: "member.committee",
    RecognitionStage.DECISION: "member.decide",
}


def _today() -> dt.date:
    return timezone.localdate()


def _check_not_member(person: Person) -> None:
    if Membership.objects.filter(person=person).exists():
        raise DomainError(
            _("%s đã có trong danh sách đảng viên.") % person,
            rule="one_membership_per_person",
            found=str(person),
            required=_("mỗi người một hồ sơ đảng viên"),
        )


def _check_not_before(
    day: dt.date, limit: dt.date, *, message: str, rule: str, field: str = ""
) -> None:
    """Refuse ``day`` earlier than ``limit``. ``message`` is translated, with ``%(day)s`` and
    ``%(limit)s`` for the two dates."""
    if day < limit:
        raise DomainError(
            message % {"day": d(day), "limit": d(limit)},
            rule=rule,
            found=d(day),
            required=_("từ %s trở đi") % d(limit),
            field=field or None,
        )


def _check_not_future(day: dt.date, field: str, label: str) -> None:
    today = _today()
    if day > today:
        raise DomainError(
            _("%(label)s (%(day)s) không được sau ngày hôm nay (%(today)s).")
            % {"label": label, "day": d(day), "today": d(today)},
            rule="date_not_in_future",
            found=d(day),
            required=_("không sau %s") % d(today),
            field=field,
        )


def _check_cell(organisation: Organisation, field: str = "organisation") -> None:
    if not organisation.is_cell:
        raise DomainError(
            _("«%(org)s» không phải là chi bộ: đảng viên sinh hoạt ở chi bộ.")
            % {"org": organisation},
            rule="member_in_a_cell",
            found=organisation.get_kind_display(),
            required=_("chi bộ"),
            field=field,
        )


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )


def _last_event(membership: Membership) -> MembershipEvent | None:
    return membership.events.order_by("-date", "-pk").first()


def _check_event_order(membership: Membership, day: dt.date, field: str = "date") -> None:
    last = _last_event(membership)
    if last is not None and day < last.date:
        raise DomainError(
            _(
                "Ngày %(day)s trước diễn biến gần nhất (%(status)s ngày %(last)s): các diễn biến "
                "của đảng viên phải theo thứ tự thời gian."
            )
            % {"day": d(day), "status": last.get_status_display(), "last": d(last.date)},
            rule="events_in_date_order",
            found=d(day),
            required=_("từ %s trở đi") % d(last.date),
            field=field,
        )


def open_residence_requirement(
    membership: Membership, *, organisation: Organisation, since: dt.date, actor: User
) -> ResidenceLink | None:
    """A workplace cell's member must be introduced to the residence cell: open the duty."""
    if organisation.area_kind not in WORKPLACE_AREA_KINDS:
        return None
    link, _created = ResidenceLink.objects.get_or_create(
        membership=membership,
        workplace_organisation=organisation,
        required_from=since,
        defaults={"due": deadlines.residence_due(since), "actor": actor},
    )
    return link


def _create_card(
    membership: Membership,
    *,
    number: str,
    reason: str,
    decision_number: str,
    decision_date: dt.date,
    actor: User,
    handed_over_on: dt.date | None = None,
    handed_over_note: str = "",
) -> PartyCard:
    number = (number or "").strip()
    if not number:
        raise DomainError(
            _("Chưa nhập số thẻ đảng."),
            rule="card_number_required",
            required=_("số thẻ"),
            field="number",
        )
    taken = (
        PartyCard.objects.filter(number=number).exclude(membership=membership).exists()
        or Membership.objects.filter(card_number=number).exclude(pk=membership.pk).exists()
    )
    if taken:
        raise DomainError(
            _("Số thẻ đảng %s đã được cấp cho đảng viên khác.") % number,
            rule="card_number_unique",
            found=number,
            required=_("số thẻ chưa cấp cho ai"),
            field="number",
        )
    try:
        with transaction.atomic():
            card = PartyCard.objects.create(
                membership=membership,
                number=number,
                reason=reason,
                decision_number=decision_number,
                decision_date=decision_date,
                handed_over_on=handed_over_on,
                handed_over_note=handed_over_note,
                actor=actor,
            )
    except IntegrityError as exc:  # the same issue recorded at the same moment
        raise DomainError(
            _("Thẻ số %s theo quyết định này đã được cấp; không cấp thêm thẻ.") % number,
            rule="card_issue_repeated",
            found=number,
            field="decision_number",
        ) from exc
    membership.card_number = number
    try:
        with transaction.atomic():
            membership.save(update_fields=["card_number"])
    except IntegrityError as exc:  # a concurrent issue of the same number
        raise DomainError(
            _("Số thẻ đảng %s đã được cấp cho đảng viên khác.") % number,
            rule="card_number_unique",
            found=number,
            field="number",
        ) from exc
    return card


# --- entry into the registry -------------------------------------------------------------------


@transaction.atomic
def admit_member(
    *,
    person: Person,
    organisation: Organisation,
    decision_date: dt.date,
    decision_number: str,
    ceremony_date: dt.date,
    actor: User,
    dossier: Any = None,
    probation_months: int | None = None,
) -> Membership:
    """Create a probationary membership at the ceremony. Probation ends ``probation_months``
    (the rule set in force on the ceremony unless given) after the ceremony."""
    _check_not_member(person)
    _check_ceremony_after_decision(ceremony_date, decision_date)
    months = (
        probation_months
        if probation_months is not None
        else deadlines.rule_int("probation_months", ceremony_date)
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
                probation_end=add_months(ceremony_date, months),
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%s đã có trong danh sách đảng viên.") % person, rule="one_membership_per_person"
        ) from exc
    MembershipEvent.objects.create(
        membership=membership,
        status=MemberStatus.PROBATIONARY,
        organisation=organisation,
        date=ceremony_date,
        decision_number=decision_number,
        actor=actor,
    )
    counters.count_new(COUNTED, [membership.pk])
    open_residence_requirement(
        membership, organisation=organisation, since=ceremony_date, actor=actor
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
    person: Person,
    organisation: Organisation,
    decision_date: dt.date,
    actor: User,
    decision_number: str = "",
    ceremony_date: dt.date | None = None,
    official_date: dt.date | None = None,
    card_number: str | None = None,
    probation_months: int | None = None,
    residence_introduced_on: dt.date | None = None,
) -> Membership:
    """Enter a member admitted before the product was used, with their dates as recorded.

    A card number given here is recorded as a card already handed over (on the official date).
    """
    _check_not_member(person)
    _check_cell(organisation)
    _check_member_dates(decision_date, ceremony_date, official_date, today=_today())
    start = ceremony_date or decision_date
    if probation_months is not None:
        end = add_months(start, probation_months)
    else:
        try:
            end = deadlines.probation_end(start)
        except DomainError:
            # Admitted before the first rule set in the database: probation lengths differed
            # (research brief §2); the recorded official date is the end of that probation.
            if official_date is None:
                raise
            end = official_date
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person,
                organisation=organisation,
                admitted_in=organisation,
                status=MemberStatus.OFFICIAL if official_date else MemberStatus.PROBATIONARY,
                decision_date=decision_date,
                decision_number=decision_number,
                ceremony_date=ceremony_date,
                probation_end=end,
                official_date=official_date,
            )
    except IntegrityError as exc:  # the same person registered at the same moment
        raise DomainError(
            _("%s đã có trong danh sách đảng viên.") % person, rule="one_membership_per_person"
        ) from exc
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
    counters.count_new(COUNTED, [membership.pk])
    if card_number:
        if not official_date:
            raise DomainError(
                _("Thẻ đảng chỉ cấp cho đảng viên chính thức: chưa có ngày công nhận chính thức."),
                rule="card_for_official_members",
                found=_("đảng viên dự bị"),
                required=_("đảng viên chính thức"),
                field="card_number",
            )
        _create_card(
            membership,
            number=card_number,
            reason=CardReason.FIRST,
            decision_number="",
            decision_date=official_date,
            actor=actor,
            handed_over_on=official_date,
            handed_over_note=_("Đã trao trước khi nhập vào phần mềm"),
        )
    link = open_residence_requirement(
        membership, organisation=organisation, since=start, actor=actor
    )
    if link is not None and residence_introduced_on:
        link.introduced_on = residence_introduced_on
        link.save(update_fields=["introduced_on"])
    record(
        actor=actor,
        action="members.membership.registered",
        target=membership,
        organisation=organisation,
        data={"decision_date": decision_date, "official_date": official_date},
    )
    return membership


# --- status over time ----------------------------------------------------------------------------

_STATUS_CHANGES: dict[str, frozenset[str]] = {
    # target status: statuses it may follow
    MemberStatus.REMOVED: frozenset(ACTIVE_STATUSES | {MemberStatus.LOST_CONTACT}),
    MemberStatus.EXPELLED: frozenset(ACTIVE_STATUSES | {MemberStatus.LOST_CONTACT}),
    MemberStatus.LEFT: frozenset(ACTIVE_STATUSES),
    MemberStatus.DECEASED: frozenset(ACTIVE_STATUSES | {MemberStatus.LOST_CONTACT}),
    MemberStatus.TRANSFERRED_OUT: frozenset(ACTIVE_STATUSES),
    MemberStatus.EXEMPT: frozenset({MemberStatus.OFFICIAL}),
    MemberStatus.LOST_CONTACT: frozenset(ACTIVE_STATUSES),
    # back to official: end of an exemption, contact found again, rehabilitation
    MemberStatus.OFFICIAL: frozenset(
        {MemberStatus.EXEMPT, MemberStatus.LOST_CONTACT, MemberStatus.TRANSFERRED_OUT}
    ),
    # re-admission starts a new probation (Charter Art. 4; research brief §1.5)
    MemberStatus.PROBATIONARY: frozenset(
        {MemberStatus.REMOVED, MemberStatus.LEFT, MemberStatus.EXPELLED}
    ),
}
_NEEDS_REASON = frozenset(
    {MemberStatus.REMOVED, MemberStatus.EXPELLED, MemberStatus.LEFT, MemberStatus.EXEMPT}
)


DEFAULT_PROBATION_MONTHS = 12
BULK_BATCH = 1000
LOOKUP_CHUNK = 500
MEMBER_ROW_FIELDS = frozenset(
    {
        "person_id",
        "organisation",
        "decision_date",
        "decision_number",
        "ceremony_date",
        "official_date",
        "card_number",
    }
)


def _probation_months_table() -> list[tuple[dt.date, int]]:
    """(effective from, probation months) of every rule set, newest first."""
    from dangvien.rules.models import RuleSet

    table = []
    for effective_from, values in RuleSet.objects.order_by("-effective_from").values_list(
        "effective_from", "values"
    ):
        months = (values or {}).get("probation_months")
        if months is not None:
            table.append((effective_from, int(months)))
    return table


def _probation_months(table: list[tuple[dt.date, int]], day: dt.date) -> int:
    for effective_from, months in table:
        if effective_from <= day:
            return months
    return DEFAULT_PROBATION_MONTHS


def _existing(model: Any, field: str, values: Sequence[Any]) -> set[Any]:
    found: set[Any] = set()
    ordered = sorted(set(values))
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        found.update(model.objects.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))
    return found


def _in_row(exc: DomainError, row: int) -> DomainError:
    return DomainError(
        _("Dòng %(row)d: %(message)s") % {"row": row, "message": exc.message},
        rule=exc.rule,
        found=exc.found,
        required=exc.required,
        field=exc.field,
    )


def _check_ceremony_after_decision(ceremony: dt.date, decision: dt.date) -> None:
    _check_not_before(
        ceremony,
        decision,
        message=_("Ngày kết nạp (%(day)s) không được trước ngày quyết định kết nạp (%(limit)s)."),
        rule="ceremony_after_decision",
        field="ceremony_date",
    )


def _check_member_dates(
    decision: dt.date, ceremony: dt.date | None, official: dt.date | None, *, today: dt.date
) -> None:
    """The date rules of entering an existing member, one or many (labels translated only on
    refusal)."""
    if decision > today:
        _check_not_future(decision, "decision_date", _("Ngày quyết định kết nạp"))
    if ceremony:
        _check_ceremony_after_decision(ceremony, decision)
    if official and official < (ceremony or decision):
        raise DomainError(
            _("Ngày công nhận chính thức (%s) không được trước ngày kết nạp.") % d(official),
            rule="official_after_ceremony",
            found=d(official),
            required=_("từ %s trở đi") % d(ceremony or decision),
            field="official_date",
        )
    if official and official > today:
        _check_not_future(official, "official_date", _("Ngày công nhận chính thức"))


@transaction.atomic
def bulk_register_members(
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: User,
    source: Mapping[str, Any] | None = None,
    row_numbers: Sequence[int] | None = None,
    progress: ProgressCallback = no_progress,
) -> list[int]:
    """Enter many members admitted before the product was used (the Excel import); returns
    the new memberships' ids, in order.

    Each row has ``person_id``, ``organisation`` (a cell), ``decision_date`` and optionally
    ``decision_number``, ``ceremony_date``, ``official_date``, ``card_number``. The checks of
    ``register_existing_member`` run on every row first (a cell in the actor's scope, dates in
    order and not in the future, one membership per person, card numbers unique); the first
    refusal raises a ``DomainError`` naming its row (``row_numbers[i]``, else ``i + 1``) and
    nothing is written. Probation is ``probation_months`` of the rule set in force on the
    ceremony, or the Party Statute's 12 months before the first rule set. The memberships and
    their events go in with multi-row INSERTs; one audit row
    (``members.membership.bulk_registered``, with ``source``) records the count.

    Unlike ``register_existing_member``, a card number is stored on the membership only (no
    ``PartyCard`` row), as the import has always done.
    """
    from dangvien.core.scoping import can

    if row_numbers is not None and len(row_numbers) != len(rows):
        raise ValueError("row_numbers must match rows")
    table = _probation_months_table()
    today = _today()
    allowed: set[int] = set()
    people: dict[int, int] = {}
    cards: dict[str, int] = {}
    memberships: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        label = row_numbers[index] if row_numbers is not None else index + 1
        try:
            unknown = set(row) - MEMBER_ROW_FIELDS
            if unknown:
                raise DomainError(_("Trường không hợp lệ: %s.") % ", ".join(sorted(unknown)))
            organisation = row["organisation"]
            if organisation.pk not in allowed:
                _check_cell(organisation)
                if not can(actor, "member.change", organisation):
                    raise DomainError(
                        _("Tổ chức «%s» nằm ngoài phạm vi bạn được phân quyền quản lý.")
                        % organisation,
                        rule="scope",
                        field="organisation",
                    )
                allowed.add(organisation.pk)
            decision = row["decision_date"]
            ceremony = row.get("ceremony_date")
            official = row.get("official_date")
            _check_member_dates(decision, ceremony, official, today=today)
            person_id = row["person_id"]
            if person_id in people:
                raise DomainError(
                    _("Người này đã có ở dòng %d: mỗi người một hồ sơ đảng viên.")
                    % people[person_id],
                    rule="one_membership_per_person",
                    required=_("mỗi người một hồ sơ đảng viên"),
                )
            people[person_id] = label
            card = row.get("card_number") or None
            if card:
                claim_in_file(
                    cards,
                    card,
                    label,
                    message=_("Số thẻ đảng %(value)s trùng với dòng %(row)d."),
                    rule="unique_card_number",
                    field="card_number",
                )
        except DomainError as exc:
            raise _in_row(exc, label) from exc
        start = ceremony or decision
        memberships.append(
            {
                "person_id": person_id,
                "organisation_id": organisation.pk,
                "admitted_in_id": organisation.pk,
                "dossier_id": None,
                "status": MemberStatus.OFFICIAL if official else MemberStatus.PROBATIONARY,
                "decision_date": decision,
                "decision_number": row.get("decision_number") or "",
                "ceremony_date": ceremony,
                "probation_end": add_months(start, _probation_months(table, start)),
                "official_date": official,
                "card_number": card,
            }
        )
    members = _existing(Membership, "person_id", list(people))
    if members:
        person_id = min(members, key=lambda pk: people[pk])
        raise _in_row(
            DomainError(
                _("Người này đã có trong danh sách đảng viên."),
                rule="one_membership_per_person",
                required=_("mỗi người một hồ sơ đảng viên"),
            ),
            people[person_id],
        )
    taken = _existing(Membership, "card_number", list(cards))
    if taken:
        card = min(taken, key=lambda value: cards[value])
        raise _in_row(
            DomainError(
                _("Số thẻ đảng %s đã được cấp cho đảng viên khác.") % card,
                rule="unique_card_number",
                found=card,
                field="card_number",
            ),
            cards[card],
        )
    note = _("Nhập đảng viên hiện có")
    actor_id = getattr(actor, "pk", None)
    ids: list[int] = []
    for index in range(0, len(memberships), BULK_BATCH):
        batch = memberships[index : index + BULK_BATCH]
        batch_ids = insert_rows(Membership, batch)
        events = []
        for membership, pk in zip(batch, batch_ids, strict=True):
            events.append(
                {
                    "membership_id": pk,
                    "status": MemberStatus.PROBATIONARY,
                    "organisation_id": membership["organisation_id"],
                    "date": membership["ceremony_date"] or membership["decision_date"],
                    "decision_number": membership["decision_number"],
                    "note": note,
                    "actor_id": actor_id,
                }
            )
            if membership["official_date"]:
                events.append(
                    {
                        "membership_id": pk,
                        "status": MemberStatus.OFFICIAL,
                        "organisation_id": membership["organisation_id"],
                        "date": membership["official_date"],
                        "decision_number": "",
                        "note": "",
                        "actor_id": actor_id,
                    }
                )
        insert_rows(MembershipEvent, events, returning=False)
        ids.extend(batch_ids)
        progress("write", len(ids), len(memberships))
    counters.count_new(COUNTED, ids)  # once: new ids are a dense range, read as one
    if ids:
        from dangvien.people.services import common_organisation

        organisations = {row["organisation"].pk: row["organisation"] for row in rows}
        record(
            actor=actor,
            action="members.membership.bulk_registered",
            target=None,
            organisation=common_organisation(organisations.values()),
            data={"count": len(ids), **(source or {})},
        )
    return ids


@transaction.atomic
def change_status(
    membership: Membership,
    *,
    status: str,
    date: dt.date,
    actor: User,
    decision_number: str = "",
    note: str = "",
) -> Membership:
    """Record a change of status (removal, expulsion, leaving, death, exemption, lost contact,
    return, re-admission) as a dated event. Recognition as official has its own service."""
    membership = _lock(membership)
    require_in_force(membership.organisation, date)
    old = membership.status
    allowed = _STATUS_CHANGES.get(status)
    if allowed is None or old not in allowed:
        raise DomainError(
            _("Không thể chuyển từ «%(old)s» sang «%(new)s».")
            % {
                "old": MemberStatus(old).label,
                "new": MemberStatus(status).label if status in MemberStatus.values else status,
            },
            rule="status_transition",
            found=MemberStatus(old).label,
            required=", ".join(str(MemberStatus(s).label) for s in sorted(allowed or [])) or "—",
            field="status",
        )
    if status in _NEEDS_REASON and not note.strip():
        raise DomainError(
            _("Cần ghi lý do khi chuyển sang «%s».") % MemberStatus(status).label,
            rule="status_reason_required",
            required=_("lý do"),
            field="note",
        )
    _check_not_future(date, "date", _("Ngày"))
    _check_event_order(membership, date)
    counted = counters.Tracker(COUNTED, [membership.pk])
    MembershipEvent.objects.create(
        membership=membership,
        status=status,
        organisation=membership.organisation,
        date=date,
        decision_number=decision_number,
        note=note.strip(),
        actor=actor,
    )
    membership.status = status
    fields = ["status"]
    if status == MemberStatus.PROBATIONARY:  # re-admission: a new probation from this date
        membership.probation_end = deadlines.probation_end(date)
        membership.official_date = None
        fields += ["probation_end", "official_date"]
    if status in GAP_STATUSES | {MemberStatus.DECEASED, MemberStatus.TRANSFERRED_OUT}:
        HelperAssignment.objects.filter(membership=membership, end_date__isnull=True).update(
            end_date=date, end_reason=str(MemberStatus(status).label)
        )
    membership.save(update_fields=fields)
    counted.done()
    record(
        actor=actor,
        action="members.membership.status_changed",
        target=membership,
        organisation=membership.organisation,
        data={"from": old, "to": status, "date": date, "decision_number": decision_number},
    )
    return membership


# --- probation -----------------------------------------------------------------------------------


def _check_probationary(membership: Membership) -> None:
    if membership.status != MemberStatus.PROBATIONARY:
        raise DomainError(
            _("%(person)s không phải đảng viên dự bị (trạng thái hiện tại: %(status)s).")
            % {"person": membership.person, "status": membership.get_status_display()},
            rule="probationary_member",
            found=membership.get_status_display(),
            required=MemberStatus.PROBATIONARY.label,
        )


@transaction.atomic
def assign_helper(
    membership: Membership,
    *,
    helper: Membership,
    start_date: dt.date,
    actor: User,
    replace_reason: str = "",
) -> HelperAssignment:
    """Assign an official member to help a probationary member; a second assignment replaces
    the current one (which is kept, ended on ``start_date``, with the reason)."""
    membership = _lock(membership)
    _check_probationary(membership)
    if helper.pk == membership.pk or helper.status != MemberStatus.OFFICIAL:
        raise DomainError(
            _("Người giúp đỡ phải là đảng viên chính thức; %(helper)s là «%(status)s».")
            % {"helper": helper.person, "status": helper.get_status_display()},
            rule="helper_is_official",
            found=helper.get_status_display(),
            required=MemberStatus.OFFICIAL.label,
            field="helper",
        )
    if helper.organisation_id != membership.organisation_id:
        raise DomainError(
            _("Người giúp đỡ phải là đảng viên chính thức của chi bộ %(cell)s.")
            % {"cell": membership.organisation},
            rule="helper_same_cell",
            found=_("đảng viên của chi bộ khác"),
            required=str(membership.organisation),
            field="helper",
        )
    if membership.ceremony_date and start_date < membership.ceremony_date:
        raise DomainError(
            _("Ngày phân công (%(s)s) trước ngày kết nạp (%(c)s).")
            % {"s": d(start_date), "c": d(membership.ceremony_date)},
            rule="helper_after_ceremony",
            found=d(start_date),
            required=_("từ %s trở đi") % d(membership.ceremony_date),
            field="start_date",
        )
    current = (
        HelperAssignment.objects.select_for_update()
        .filter(membership=membership, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if current.helper_id == helper.pk:
            raise DomainError(
                _("%s đang là người giúp đỡ.") % helper.person,
                rule="helper_changes",
                found=str(helper.person),
                required=_("một đảng viên khác"),
                field="helper",
            )
        if not replace_reason.strip():
            raise DomainError(
                _("Đã có người giúp đỡ (%s): cần ghi lý do thay người.") % current.helper.person,
                rule="helper_replace_reason",
                required=_("lý do thay"),
                field="replace_reason",
            )
        _check_not_before(
            start_date,
            current.start_date,
            message=_("Ngày thay (%(day)s) trước ngày phân công người hiện tại (%(limit)s)."),
            rule="events_in_date_order",
            field="start_date",
        )
        current.end_date = start_date
        current.end_reason = replace_reason.strip()
        current.save(update_fields=["end_date", "end_reason"])
    try:
        with transaction.atomic():
            assignment = HelperAssignment.objects.create(
                membership=membership, helper=helper, start_date=start_date, actor=actor
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Đã có người giúp đỡ."), rule="one_current_helper", field="helper"
        ) from exc
    record(
        actor=actor,
        action="members.helper_assignment.created",
        target=membership,
        organisation=membership.organisation,
        data={
            "helper": helper.pk,
            "replaced": current.helper_id if current else None,
            "reason": replace_reason.strip(),
            "start_date": start_date,
        },
    )
    return assignment


# --- recognition as an official member -----------------------------------------------------------

_PREPARATION = (
    RecognitionStage.SELF_REVIEW,
    RecognitionStage.HELPER_COMMENT,
    RecognitionStage.OPINIONS,
)


def _steps(membership: Membership) -> dict[str, RecognitionStep]:
    """The latest round of each recognition step."""
    return {
        step.stage: step for step in membership.recognition_steps.order_by("round", "date", "pk")
    }


def _failed_cell_votes(membership: Membership) -> list[RecognitionStep]:
    return list(
        membership.recognition_steps.filter(
            stage=RecognitionStage.CELL_VOTE, passed=False
        ).order_by("round")
    )


def recognition_rounds_limit(on: dt.date) -> int:
    """How many times the cell may vote on a recognition before the case goes up a level
    (rule set ``failed_votes_escalate_after``: 29-QĐ/TW 4.2 c, three rounds)."""
    return deadlines.rule_int("failed_votes_escalate_after", on)


def recognition_escalated(membership: Membership) -> bool:
    """The cell voted the limit of rounds without reaching the fraction: the superior
    committee decides (recognise, or remove from the list)."""
    failed = _failed_cell_votes(membership)
    if not failed:
        return False
    return len(failed) >= recognition_rounds_limit(failed[-1].date)


def _official_denominator_label() -> str:
    return _("số đảng viên chính thức của chi bộ")


def describe_recognition_vote(step: RecognitionStep, *, with_next: bool = True) -> str:
    """The result of a recognition cell vote in words, with what it needed and what follows:
    "Chi bộ biểu quyết lần 1 không đạt: 11/18 tán thành; cần ít nhất 12/18 …"."""
    from dangvien.rules.selectors import describe_votes_needed

    eligible = step.votes_eligible or 0
    needed = describe_votes_needed(
        deadlines.recognition_fraction(step.date), eligible, of=_official_denominator_label()
    )
    if step.passed:
        return _(
            "Chi bộ biểu quyết lần %(round)s đạt: %(votes_for)s/%(eligible)s tán thành"
            " (%(needed)s)."
        ) % {
            "round": step.round,
            "votes_for": step.votes_for,
            "eligible": eligible,
            "needed": needed,
        }
    limit = recognition_rounds_limit(step.date)
    if not with_next:
        follow = ""
    elif step.round >= limit:
        follow = _(
            "Chi bộ đã biểu quyết %(limit)s lần không đạt: theo quy định báo cáo cấp ủy cấp trên"
            " xem xét, quyết định công nhận chính thức hoặc xóa tên."
        ) % {"limit": limit}
    else:
        follow = _(
            "Chi bộ có thể biểu quyết lại (còn %(left)s lần) hoặc đề nghị cấp ủy có thẩm quyền"
            " xóa tên."
        ) % {"left": limit - step.round}
    return (
        _(
            "Chi bộ biểu quyết lần %(round)s không đạt: %(votes_for)s/%(eligible)s tán thành;"
            " %(needed)s. %(follow)s"
        )
        % {
            "round": step.round,
            "votes_for": step.votes_for,
            "eligible": eligible,
            "needed": needed,
            "follow": follow,
        }
    ).strip()


def _require_step(
    steps: dict[str, RecognitionStep], stage: str, *, passed: bool = False
) -> RecognitionStep:
    step = steps.get(stage)
    if step is None or (passed and not step.passed):
        label = RecognitionStage(stage).label
        raise DomainError(
            _("Chưa có «%s»%s.")
            % (label, _(" với kết quả đạt") if passed and step is not None else ""),
            rule="recognition_order",
            found=_("chưa có") if step is None else _("không đạt"),
            required=str(label),
        )
    return step


def member_statuses(person_ids: Any) -> dict[int, str]:
    """Registered with ``training``: ``{person id: member status}`` for the members among
    ``person_ids`` (who may attend which kind of class)."""
    return dict(
        Membership.objects.filter(person_id__in=list(person_ids)).values_list("person_id", "status")
    )


def new_member_candidates(cells: Any) -> Any:
    """Registered with ``training``: the probationary members of ``cells`` without a
    new-member class certificate in force."""
    from dangvien.people.models import Person
    from dangvien.training.models import Enrolment, TrainingClass

    certified = Enrolment.objects.certificates().filter(
        training_class__kind=TrainingClass.Kind.NEW_MEMBER
    )
    return Person.objects.filter(
        membership__organisation__in=cells, membership__status=MemberStatus.PROBATIONARY
    ).exclude(pk__in=certified.values("person_id"))


def new_member_certificate(membership: Membership) -> Enrolment | None:
    """The completed enrolment of the member in a new-member class (training app), or None."""
    from dangvien.training.models import Enrolment, TrainingClass

    return (
        Enrolment.objects.certificates()
        .filter(
            person_id=membership.person_id,
            training_class__kind=TrainingClass.Kind.NEW_MEMBER,
        )
        .select_related("training_class")
        .order_by("certificate_date", "pk")
        .first()
    )


VOTED_RECOGNITION_STAGES = frozenset(
    {RecognitionStage.CELL_VOTE, RecognitionStage.GRASSROOTS_RESOLUTION}
)


def committee_resolution_passed(day: dt.date, total: int | None, votes_for: int | None) -> bool:
    """The grassroots committee's resolution (15-KNĐ): its votes are counted over the
    COMMITTEE's members (not the cell's), within the rule set's committee bound; it proposes
    the recognition with ≥ ``grassroots_vote_fraction`` of them. Without figures (a resolution
    entered from the paper alone) it is taken as the committee's proposal."""
    from dangvien.rules.selectors import check_committee_total

    if total is None and votes_for is None:
        return True
    rules = deadlines.rule_set(day)
    check_committee_total(total, rules)
    if total is None or total < 1 or votes_for is None or votes_for > total:
        raise DomainError(
            _(
                "Nghị quyết đảng ủy cơ sở: nhập tổng số cấp ủy viên đảng ủy cơ sở (từ 1) và"
                " số tán thành (từ 0 đến tổng số đó); đã nhập %(found)s/%(total)s."
            )
            % {"found": "—" if votes_for is None else votes_for, "total": total or "—"},
            rule="committee_votes",
            found=votes_for,
            required=_("0–%(total)s") % {"total": total or "—"},
            field="votes_for" if total else "votes_eligible",
        )
    fraction: Fraction = rules.fraction("grassroots_vote_fraction")
    # below the fraction it is recorded as not proposing: the superior committee decides
    # (removal), or the resolution is corrected
    return bool(Fraction(votes_for, total) >= fraction)


@transaction.atomic
def record_recognition_step(
    membership: Membership,
    *,
    stage: str,
    date: dt.date,
    actor: User,
    document_number: str = "",
    votes_eligible: int | None = None,
    votes_for: int | None = None,
    note: str = "",
) -> RecognitionStep:
    """Record one step of the recognition dossier, up to the grassroots resolution.

    The cell vote needs the three preparation papers and the new-member certificate, is held
    no earlier than the end of the probation, and passes with ≥ the rule set's fraction of ALL
    the cell's official members (not of those present). A failed vote is recorded too.
    """
    if stage in RECOGNITION_ACTIONS:
        require_step_authority(
            actor,
            RECOGNITION_ACTIONS[stage],
            membership.organisation,
            step=str(RecognitionStage(stage).label),
        )
    membership = _lock(membership)
    require_in_force(membership.organisation, date)
    _check_probationary(membership)
    if stage not in RecognitionStage.values or stage == RecognitionStage.DECISION:
        raise DomainError(
            _("Bước «%s» không ghi ở đây.") % stage, rule="recognition_stage", field="stage"
        )
    steps = _steps(membership)
    round_ = 1
    previous = steps.get(stage)
    if previous is not None and not (
        stage == RecognitionStage.CELL_VOTE and previous.passed is False
    ):
        raise DomainError(
            _("«%(stage)s» đã được ghi ngày %(day)s.")
            % {"stage": RecognitionStage(stage).label, "day": d(previous.date)},
            rule="recognition_step_once",
            found=d(previous.date),
            required=_("chưa ghi"),
            field="stage",
        )
    if previous is not None:
        # a new round of a failed cell vote, as long as the rule set allows one
        limit = recognition_rounds_limit(previous.date)
        if previous.round >= limit:
            raise DomainError(
                _(
                    "Chi bộ đã biểu quyết %(rounds)s lần không đạt (lần cuối ngày %(day)s);"
                    " quy định tối đa %(limit)s lần, sau đó báo cáo cấp ủy cấp trên xem xét,"
                    " quyết định công nhận chính thức hoặc xóa tên."
                )
                % {"rounds": previous.round, "day": d(previous.date), "limit": limit},
                rule="failed_votes_escalate_after",
                found=previous.round,
                required=_("tối đa %(limit)s lần") % {"limit": limit},
                field="stage",
            )
        _check_not_before(
            date,
            previous.date,
            message=_("Lần biểu quyết này (%(day)s) trước lần trước (%(limit)s)."),
            rule="recognition_order",
            field="date",
        )
        round_ = previous.round + 1
    _check_not_future(date, "date", _("Ngày"))
    start = membership.ceremony_date or membership.decision_date
    if date < start:
        raise DomainError(
            _("Ngày %(day)s trước ngày kết nạp (%(start)s).") % {"day": d(date), "start": d(start)},
            rule="recognition_after_ceremony",
            found=d(date),
            required=_("từ %s trở đi") % d(start),
            field="date",
        )
    passed: bool | None = None
    if stage == RecognitionStage.CELL_VOTE:
        assert membership.probation_end is not None
        _check_not_before(
            date,
            membership.probation_end,
            message=_(
                "Chi bộ chỉ xét công nhận chính thức khi hết 12 tháng dự bị: ngày họp "
                "%(day)s, hết dự bị ngày %(limit)s."
            ),
            rule="probation_months",
            field="date",
        )
        for prep in _PREPARATION:
            _require_step(steps, prep)
        if new_member_certificate(membership) is None:
            raise DomainError(
                _("Chưa có giấy chứng nhận lớp bồi dưỡng đảng viên mới."),
                rule="new_member_certificate",
                found=_("chưa có"),
                required=_("giấy chứng nhận hoàn thành lớp đảng viên mới"),
            )
        from dangvien.members.selectors import count_official_members_on

        official = count_official_members_on(membership.organisation, date, exclude=membership)
        if votes_eligible is None:
            votes_eligible = official
        if votes_eligible < official or votes_eligible == 0:
            raise DomainError(
                _(
                    "Tổng số đảng viên chính thức của chi bộ ngày %(day)s là %(official)d;"
                    " biểu quyết phải tính trên tất cả đảng viên chính thức, không chỉ số có"
                    " mặt (đã nhập %(found)d)."
                )
                % {"day": d(date), "official": official, "found": votes_eligible},
                rule="recognition_vote_denominator",
                found=votes_eligible,
                required=max(official, 1),
                field="votes_eligible",
            )
        if votes_for is None or votes_for > votes_eligible:
            raise DomainError(
                _("Số tán thành (%(f)s) phải từ 0 đến %(e)d.")
                % {"f": votes_for if votes_for is not None else "—", "e": votes_eligible},
                rule="votes_for_range",
                found=votes_for,
                required=f"0–{votes_eligible}",
                field="votes_for",
            )
        fraction = deadlines.recognition_fraction(date)
        passed = Fraction(votes_for, votes_eligible) >= fraction
    elif stage == RecognitionStage.GRASSROOTS_RESOLUTION:
        vote = _require_step(steps, RecognitionStage.CELL_VOTE, passed=True)
        _check_not_before(
            date,
            vote.date,
            message=_("Nghị quyết đảng ủy cơ sở (%(day)s) trước nghị quyết chi bộ (%(limit)s)."),
            rule="recognition_order",
            field="date",
        )
        passed = committee_resolution_passed(date, votes_eligible, votes_for)
    voted = stage in VOTED_RECOGNITION_STAGES
    step = RecognitionStep.objects.create(
        membership=membership,
        stage=stage,
        round=round_,
        date=date,
        document_number=document_number.strip(),
        votes_eligible=votes_eligible if voted else None,
        votes_for=votes_for if voted else None,
        passed=passed,
        note=note.strip(),
        actor=actor,
    )
    record(
        actor=actor,
        action="members.recognition_step.recorded",
        target=membership,
        organisation=membership.organisation,
        data={
            "stage": stage,
            "round": round_,
            "date": date,
            "votes_eligible": step.votes_eligible,
            "votes_for": step.votes_for,
            "passed": passed,
            "escalated": passed is False and round_ >= recognition_rounds_limit(date),
        },
    )
    return step


def _require_decision_authority(
    actor: User, membership: Membership, on: dt.date, label: str
) -> Organisation:
    """The recognition decision (and the removal from the list) belongs to the deciding
    committee of its date (``selectors.deciding_committee``: the rule set's
    ``superior_committee_kinds``, the district before 1/7/2025, the commune-level committee
    after): the actor's ``member.decide`` (``RECOGNITION_ACTIONS``) must cover it. Returns
    where the decision was taken."""
    from dangvien.members.selectors import LEVEL_OF_ACTION, deciding_committee

    action = RECOGNITION_ACTIONS[RecognitionStage.DECISION]
    where = membership.organisation
    if LEVEL_OF_ACTION.get(action) == "superior":
        where = deciding_committee(membership.organisation, on=on) or where
    if where.pk != membership.organisation_id:
        label = _("%(step)s, thẩm quyền của %(organisation)s") % {
            "step": label,
            "organisation": where.name,
        }
    require_step_authority(actor, action, where, step=label, on=on)
    return where


@transaction.atomic
def recognise_official(
    membership: Membership, *, date: dt.date, decision_number: str, actor: User
) -> Membership:
    """The superior committee's decision. The member is official from the end of the 12
    months, even when the cell met late or the decision comes late (29-QĐ/TW 4.2 b)."""
    deciding = _require_decision_authority(
        actor, membership, date, str(RecognitionStage.DECISION.label)
    )
    membership = _lock(membership)
    _check_probationary(membership)
    steps = _steps(membership)
    escalated = recognition_escalated(membership)
    if escalated:
        # the cell voted the limit of rounds without the fraction: the superior committee
        # decides on the report, without a cell or grassroots resolution that passed
        last_vote = steps[RecognitionStage.CELL_VOTE]
        _check_not_future(date, "date", _("Ngày quyết định"))
        _check_not_before(
            date,
            last_vote.date,
            message=_(
                "Ngày quyết định (%(day)s) trước lần biểu quyết cuối của chi bộ (%(limit)s)."
            ),
            rule="recognition_order",
            field="date",
        )
    else:
        grassroots = _require_step(steps, RecognitionStage.GRASSROOTS_RESOLUTION, passed=True)
        _check_not_future(date, "date", _("Ngày quyết định"))
        _check_not_before(
            date,
            grassroots.date,
            message=_("Ngày quyết định (%(day)s) trước nghị quyết đảng ủy cơ sở (%(limit)s)."),
            rule="recognition_order",
            field="date",
        )
    if not decision_number.strip():
        raise DomainError(
            _("Cần số quyết định công nhận đảng viên chính thức."),
            rule="decision_number_required",
            required=_("số quyết định"),
            field="decision_number",
        )
    official_date = membership.probation_end
    assert official_date is not None
    counted = counters.Tracker(COUNTED, [membership.pk])
    RecognitionStep.objects.create(
        membership=membership,
        stage=RecognitionStage.DECISION,
        date=date,
        document_number=decision_number.strip(),
        passed=True,
        actor=actor,
    )
    MembershipEvent.objects.create(
        membership=membership,
        status=MemberStatus.OFFICIAL,
        organisation=membership.organisation,
        date=official_date,
        decision_number=decision_number.strip(),
        note=_("Quyết định ngày %s") % d(date),
        actor=actor,
    )
    membership.status = MemberStatus.OFFICIAL
    membership.official_date = official_date
    membership.save(update_fields=["status", "official_date"])
    counted.done()
    HelperAssignment.objects.filter(membership=membership, end_date__isnull=True).update(
        end_date=official_date, end_reason=_("Đã công nhận chính thức")
    )
    record(
        actor=actor,
        action="members.membership.recognised",
        target=membership,
        organisation=membership.organisation,
        data={
            "decision_date": date,
            "official_date": official_date,
            "escalated": escalated,
            "decided_by": deciding.code,
        },
    )
    return membership


@transaction.atomic
def remove_probationary(
    membership: Membership, *, date: dt.date, decision_number: str, reason: str, actor: User
) -> Membership:
    """Not qualified: the competent committee removes the probationary member from the list
    (xóa tên, Charter Art. 5.2), with the reason."""
    _require_decision_authority(actor, membership, date, str(_("Xóa tên đảng viên dự bị")))
    membership = _lock(membership)
    _check_probationary(membership)
    if not reason.strip():
        raise DomainError(
            _("Cần ghi lý do xóa tên."),
            rule="status_reason_required",
            required=_("lý do"),
            field="reason",
        )
    if not decision_number.strip():
        raise DomainError(
            _("Cần số quyết định xóa tên (không công nhận đảng viên chính thức)."),
            rule="decision_number_required",
            required=_("số quyết định"),
            field="decision_number",
        )
    _check_not_future(date, "date", _("Ngày quyết định"))
    _check_event_order(membership, date)
    RecognitionStep.objects.update_or_create(
        membership=membership,
        stage=RecognitionStage.DECISION,
        defaults={
            "date": date,
            "document_number": decision_number.strip(),
            "passed": False,
            "note": reason.strip(),
            "actor": actor,
        },
    )
    counted = counters.Tracker(COUNTED, [membership.pk])
    MembershipEvent.objects.create(
        membership=membership,
        status=MemberStatus.REMOVED,
        organisation=membership.organisation,
        date=date,
        decision_number=decision_number.strip(),
        note=reason.strip(),
        actor=actor,
    )
    membership.status = MemberStatus.REMOVED
    membership.save(update_fields=["status"])
    counted.done()
    HelperAssignment.objects.filter(membership=membership, end_date__isnull=True).update(
        end_date=date, end_reason=_("Xóa tên")
    )
    record(
        actor=actor,
        action="members.membership.removed",
        target=membership,
        organisation=membership.organisation,
        data={"date": date, "decision_number": decision_number, "reason": reason.strip()},
    )
    return membership


# --- corrections of recognition steps ------------------------------------------------------------
#
# A recognition step recorded wrong (date, number, votes) is corrected by a new row for the same
# round (``corrects``); one recorded by mistake is cancelled. The wrong row keeps its values,
# marked superseded with the reason (core.corrections, as for cards, transfers and the
# admission steps). The decision is not corrected here: it made the member official.


def _lock_recognition_step(step: RecognitionStep) -> tuple[RecognitionStep, Membership]:
    membership = _lock(step.membership)
    current = RecognitionStep.history.select_for_update().get(pk=step.pk)
    if current.superseded:
        raise DomainError(
            _("«%(stage)s» ngày %(day)s đã được sửa hoặc hủy trước đó.")
            % {"stage": current.get_stage_display(), "day": d(current.date)},
            rule="recognition_step_superseded",
            found=_("đã sửa hoặc hủy"),
            required=_("bước đang có hiệu lực"),
        )
    if current.stage == RecognitionStage.DECISION:
        raise DomainError(
            _("Quyết định công nhận, xóa tên không sửa, hủy ở đây."),
            rule="recognition_stage",
            found=current.get_stage_display(),
            required=_("một bước trước quyết định"),
        )
    _check_probationary(membership)
    return current, membership


def _later_steps(membership: Membership, step: RecognitionStep) -> list[RecognitionStep]:
    """The steps in force that rest on ``step``: after a preparation paper, the cell's vote;
    after a cell round, the next round and the committee's resolution; after the resolution,
    nothing (the decision ends the probation)."""
    steps = list(membership.recognition_steps.exclude(pk=step.pk))
    if step.stage in _PREPARATION:
        return [x for x in steps if x.stage not in _PREPARATION]
    if step.stage == RecognitionStage.CELL_VOTE:
        return [
            x
            for x in steps
            if x.stage == RecognitionStage.GRASSROOTS_RESOLUTION
            or (x.stage == RecognitionStage.CELL_VOTE and x.round > step.round)
        ]
    return []


def _check_recognition_date(membership: Membership, step: RecognitionStep, day: dt.date) -> None:
    _check_not_future(day, "date", _("Ngày"))
    start = membership.ceremony_date or membership.decision_date
    _check_not_before(
        day,
        start,
        message=_("Ngày %(day)s trước ngày kết nạp (%(limit)s)."),
        rule="recognition_after_ceremony",
        field="date",
    )
    steps = list(membership.recognition_steps.exclude(pk=step.pk))
    if step.stage == RecognitionStage.CELL_VOTE:
        assert membership.probation_end is not None
        _check_not_before(
            day,
            membership.probation_end,
            message=_(
                "Chi bộ chỉ xét công nhận chính thức khi hết 12 tháng dự bị: ngày họp "
                "%(day)s, hết dự bị ngày %(limit)s."
            ),
            rule="probation_months",
            field="date",
        )
        before = [x.date for x in steps if x.stage in _PREPARATION] + [
            x.date for x in steps if x.stage == step.stage and x.round < step.round
        ]
    elif step.stage == RecognitionStage.GRASSROOTS_RESOLUTION:
        before = [x.date for x in steps if x.stage == RecognitionStage.CELL_VOTE and x.passed]
    else:
        before = []
    after = [x.date for x in _later_steps(membership, step)]
    earliest, latest = max(before, default=None), min(after, default=None)
    if (earliest and day < earliest) or (latest and day > latest):
        raise DomainError(
            _("Ngày %(day)s phải nằm giữa bước trước (%(earliest)s) và bước sau (%(latest)s).")
            % {"day": d(day), "earliest": d(earliest), "latest": d(latest)},
            rule="recognition_order",
            found=d(day),
            required=_("%(earliest)s – %(latest)s")
            % {"earliest": d(earliest), "latest": d(latest)},
            field="date",
        )


@transaction.atomic
def correct_recognition_step(
    step: RecognitionStep,
    *,
    actor: User,
    reason: str,
    date: dt.date | None = None,
    document_number: str | None = None,
    note: str | None = None,
    votes_eligible: int | None = None,
    votes_for: int | None = None,
) -> RecognitionStep:
    """Correct a recognition step of a probationary member: a new row for the same round with
    the right values replaces it; the old row is kept, superseded, with the reason. Votes are
    checked again (the cell's over all its official members on the corrected date, the
    committee's over its members); a corrected result that would contradict a later step
    (another round, the committee's resolution) is refused: cancel that step first."""
    require_step_authority(
        actor,
        RECOGNITION_ACTIONS[step.stage],
        step.membership.organisation,
        step=str(RecognitionStage(step.stage).label),
    )
    old, membership = _lock_recognition_step(step)
    reason = corrections.check_reason(reason)
    day = date or old.date
    _check_recognition_date(membership, old, day)
    eligible = old.votes_eligible if votes_eligible is None else votes_eligible
    voted_for = old.votes_for if votes_for is None else votes_for
    passed = old.passed
    if old.stage == RecognitionStage.CELL_VOTE:
        from dangvien.members.selectors import count_official_members_on

        official = count_official_members_on(membership.organisation, day, exclude=membership)
        eligible = max(eligible or 0, official) if votes_eligible is None else eligible
        if eligible is None or eligible < official or eligible == 0:
            raise DomainError(
                _(
                    "Tổng số đảng viên chính thức của chi bộ ngày %(day)s là %(official)d;"
                    " biểu quyết phải tính trên tất cả đảng viên chính thức (đã nhập %(found)s)."
                )
                % {"day": d(day), "official": official, "found": eligible},
                rule="recognition_vote_denominator",
                found=eligible,
                required=max(official, 1),
                field="votes_eligible",
            )
        if voted_for is None or voted_for > eligible:
            raise DomainError(
                _("Số tán thành (%(f)s) phải từ 0 đến %(e)d.")
                % {"f": "—" if voted_for is None else voted_for, "e": eligible},
                rule="votes_for_range",
                found=voted_for,
                required=f"0–{eligible}",
                field="votes_for",
            )
        passed = Fraction(voted_for, eligible) >= deadlines.recognition_fraction(day)
    elif old.stage == RecognitionStage.GRASSROOTS_RESOLUTION:
        passed = committee_resolution_passed(day, eligible, voted_for)
    if passed != old.passed and _later_steps(membership, old):
        raise DomainError(
            _(
                "Với số phiếu đã sửa, «%(stage)s» đổi kết quả nhưng đã có bước sau dựa trên"
                " kết quả cũ: hãy hủy các bước sau trước."
            )
            % {"stage": old.get_stage_display()},
            rule="recognition_order",
            found=_("đạt") if passed else _("không đạt"),
            required=_("đạt") if old.passed else _("không đạt"),
            field="votes_for",
        )
    new = corrections.supersede(
        old,
        flags={"superseded": True, "superseded_reason": reason},
        changes={
            "date": day,
            "actor": actor,
            "document_number": old.document_number
            if document_number is None
            else document_number.strip(),
            "note": old.note if note is None else note.strip(),
            "votes_eligible": eligible if old.stage in VOTED_RECOGNITION_STAGES else None,
            "votes_for": voted_for if old.stage in VOTED_RECOGNITION_STAGES else None,
            "passed": passed,
        },
    )
    record(
        actor=actor,
        action="members.recognition_step.corrected",
        target=membership,
        organisation=membership.organisation,
        data={
            "stage": old.stage,
            "round": old.round,
            "step": old.pk,
            "replacement": new.pk,
            "reason": reason,
            "changed": corrections.changed(
                old, new, ("date", "document_number", "votes_eligible", "votes_for", "passed")
            ),
        },
    )
    return new


@transaction.atomic
def cancel_recognition_step(step: RecognitionStep, *, actor: User, reason: str) -> Membership:
    """Cancel a recognition step recorded by mistake: the row is kept, superseded with the
    reason. Only a step no later step rests on (cancel from the latest back); the rounds of
    the cell's vote and the escalation follow."""
    require_step_authority(
        actor,
        RECOGNITION_ACTIONS[step.stage],
        step.membership.organisation,
        step=str(RecognitionStage(step.stage).label),
    )
    old, membership = _lock_recognition_step(step)
    reason = corrections.check_reason(reason)
    later = _later_steps(membership, old)
    if later:
        raise DomainError(
            _("«%(stage)s» đã có bước sau («%(later)s»): hãy hủy bước sau trước.")
            % {"stage": old.get_stage_display(), "later": later[0].get_stage_display()},
            rule="cancel_latest_only",
            found=str(later[0].get_stage_display()),
            required=_("bước mới nhất"),
        )
    corrections.mark(old, superseded=True, superseded_reason=reason)
    record(
        actor=actor,
        action="members.recognition_step.cancelled",
        target=membership,
        organisation=membership.organisation,
        data={"stage": old.stage, "round": old.round, "step": old.pk, "reason": reason},
    )
    return membership


# --- cards ---------------------------------------------------------------------------------------


@transaction.atomic
def issue_card(
    membership: Membership,
    *,
    number: str,
    decision_date: dt.date,
    actor: User,
    decision_number: str = "",
    reason: str = CardReason.FIRST,
) -> PartyCard:
    """Issue a party card (official members only); a reissue after loss or damage, or an
    exchange, replaces the current card and keeps it in the history."""
    membership = _lock(membership)
    if membership.status not in (MemberStatus.OFFICIAL, MemberStatus.EXEMPT):
        raise DomainError(
            _("Thẻ đảng chỉ cấp cho đảng viên chính thức (%(person)s: %(status)s).")
            % {"person": membership.person, "status": membership.get_status_display()},
            rule="card_for_official_members",
            found=membership.get_status_display(),
            required=MemberStatus.OFFICIAL.label,
        )
    if reason not in CardReason.values:
        raise DomainError(_("Lý do cấp thẻ không hợp lệ."), rule="card_reason", field="reason")
    _check_not_future(decision_date, "decision_date", _("Ngày quyết định cấp thẻ"))
    current = (
        PartyCard.objects.select_for_update()
        .filter(membership=membership, replaced_on__isnull=True, superseded=False)
        .first()
    )
    if current is None and membership.card_number:
        # A card recorded on the membership before card history existed (imports, bulk data):
        # keep it as the first card so that a reissue or exchange replaces it visibly.
        current = PartyCard.objects.create(
            membership=membership,
            number=membership.card_number,
            reason=CardReason.FIRST,
            decision_date=membership.official_date or membership.decision_date,
            handed_over_on=membership.official_date or membership.decision_date,
            handed_over_note=_("Đã trao trước khi nhập vào phần mềm"),
            actor=actor,
        )
    if reason == CardReason.FIRST and current is not None:
        raise DomainError(
            _("Đảng viên đã có thẻ số %s: chọn cấp lại (mất, hư hỏng) hoặc đổi thẻ.")
            % current.number,
            rule="card_first_once",
            found=current.number,
            required=_("cấp lại hoặc đổi thẻ"),
            field="reason",
        )
    if reason != CardReason.FIRST and current is None:
        raise DomainError(
            _("Đảng viên chưa có thẻ nào để cấp lại: chọn cấp lần đầu."),
            rule="card_reissue_needs_card",
            found=_("chưa có thẻ"),
            required=_("một thẻ đang dùng"),
            field="reason",
        )
    if current is not None and (
        current.number,
        current.reason,
        current.decision_number,
        current.decision_date,
    ) == ((number or "").strip(), reason, decision_number.strip(), decision_date):
        # The same issue sent twice (a double click, a retried request): one card only.
        raise DomainError(
            _(
                "Thẻ số %(number)s đã được cấp theo quyết định %(decision)s ngày %(day)s; "
                "yêu cầu gửi lặp lại không cấp thêm thẻ."
            )
            % {
                "number": current.number,
                "decision": current.decision_number or "—",
                "day": d(current.decision_date),
            },
            rule="card_issue_repeated",
            found=current.number,
            required=_("một quyết định cấp thẻ mới"),
            field="decision_number",
        )
    if current is not None:
        _check_not_before(
            decision_date,
            current.decision_date,
            message=_("Ngày quyết định (%(day)s) trước ngày cấp thẻ hiện tại (%(limit)s)."),
            rule="events_in_date_order",
            field="decision_date",
        )
        current.replaced_on = decision_date
        current.save(update_fields=["replaced_on"])
        membership.card_number = None
        membership.save(update_fields=["card_number"])
    card = _create_card(
        membership,
        number=number,
        reason=reason,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        actor=actor,
    )
    record(
        actor=actor,
        action="members.party_card.issued",
        target=membership,
        organisation=membership.organisation,
        data={
            "number": card.number,
            "reason": reason,
            "replaced": current.number if current else None,
        },
    )
    return card


def _check_card_in_force(card: PartyCard) -> None:
    if card.superseded:
        raise DomainError(
            _("Bản ghi thẻ số %(n)s đã được sửa hoặc hủy (%(reason)s).")
            % {"n": card.number, "reason": card.superseded_reason},
            rule="card_superseded",
            found=_("đã sửa hoặc hủy"),
            required=_("thẻ đang có hiệu lực"),
        )
    if card.replaced_on is not None:
        raise DomainError(
            _("Thẻ số %(n)s đã được thay ngày %(day)s; chỉ sửa, hủy được thẻ đang dùng.")
            % {"n": card.number, "day": d(card.replaced_on)},
            rule="card_current_only",
            found=d(card.replaced_on),
            required=_("thẻ đang dùng"),
        )


def _lock_card(card: PartyCard) -> PartyCard:
    return (
        PartyCard.objects.select_for_update()
        .select_related("membership__organisation", "membership__person")
        .get(pk=card.pk)
    )


@transaction.atomic
def correct_card(
    card: PartyCard,
    *,
    actor: User,
    reason: str,
    number: str | None = None,
    decision_number: str | None = None,
    decision_date: dt.date | None = None,
) -> PartyCard:
    """Correct the card in use recorded with a wrong number, decision or date: a new card row
    with the right values replaces it (``corrects``); the wrong row keeps its values, marked
    superseded with the reason. The member's card number follows. Recorded by whoever issues
    cards (``member.decide``, on the member's cell or above)."""
    card = _lock_card(card)
    membership = _lock(card.membership)
    require_step_authority(
        actor, "member.decide", membership.organisation, step=str(_("Sửa bản ghi thẻ đảng"))
    )
    _check_card_in_force(card)
    reason = corrections.check_reason(reason)
    day = decision_date or card.decision_date
    _check_not_future(day, "decision_date", _("Ngày quyết định cấp thẻ"))
    corrections.mark(card, superseded=True, superseded_reason=reason)
    membership.card_number = None
    membership.save(update_fields=["card_number"])
    new = _create_card(
        membership,
        number=card.number if number is None else number,
        reason=card.reason,
        decision_number=card.decision_number if decision_number is None else decision_number,
        decision_date=day,
        actor=actor,
        handed_over_on=card.handed_over_on,
        handed_over_note=card.handed_over_note,
    )
    new.corrects = card
    new.save(update_fields=["corrects"])
    record(
        actor=actor,
        action="members.party_card.corrected",
        target=membership,
        organisation=membership.organisation,
        data={
            "card": card.pk,
            "replacement": new.pk,
            "from": [card.number, card.decision_number, card.decision_date],
            "to": [new.number, new.decision_number, new.decision_date],
            "reason": reason,
        },
    )
    return new


@transaction.atomic
def cancel_card(card: PartyCard, *, actor: User, reason: str) -> Membership:
    """Cancel the card in use recorded by mistake: the row is kept, marked superseded with the
    reason; the card it had replaced (if any) is the card in use again."""
    card = _lock_card(card)
    membership = _lock(card.membership)
    require_step_authority(
        actor, "member.decide", membership.organisation, step=str(_("Hủy bản ghi thẻ đảng"))
    )
    _check_card_in_force(card)
    reason = corrections.check_reason(reason)
    corrections.mark(card, superseded=True, superseded_reason=reason)
    previous = (
        PartyCard.objects.select_for_update()
        .filter(membership=membership, superseded=False, replaced_on=card.decision_date)
        .order_by("-decision_date", "-pk")
        .first()
    )
    if previous is not None:
        previous.replaced_on = None
        previous.save(update_fields=["replaced_on"])
    membership.card_number = previous.number if previous is not None else None
    membership.save(update_fields=["card_number"])
    record(
        actor=actor,
        action="members.party_card.cancelled",
        target=membership,
        organisation=membership.organisation,
        data={
            "card": card.pk,
            "number": card.number,
            "restored": previous.number if previous else None,
            "reason": reason,
        },
    )
    return membership


@transaction.atomic
def hand_over_card(card: PartyCard, *, date: dt.date, actor: User, meeting: str = "") -> PartyCard:
    """The cell hands the card over at its regular meeting after the decision."""
    card = (
        PartyCard.objects.select_for_update()
        .select_related("membership__organisation")
        .get(pk=card.pk)
    )
    _check_card_in_force(card)
    if card.handed_over_on is not None:
        raise DomainError(
            _("Thẻ số %(n)s đã trao ngày %(day)s.")
            % {"n": card.number, "day": d(card.handed_over_on)},
            rule="card_handed_over_once",
            found=d(card.handed_over_on),
            required=_("chưa trao"),
        )
    _check_not_before(
        date,
        card.decision_date,
        message=_("Ngày trao thẻ (%(day)s) trước ngày quyết định cấp thẻ (%(limit)s)."),
        rule="card_after_decision",
        field="date",
    )
    _check_not_future(date, "date", _("Ngày trao thẻ"))
    card.handed_over_on = date
    card.handed_over_note = meeting.strip()
    card.save(update_fields=["handed_over_on", "handed_over_note"])
    record(
        actor=actor,
        action="members.party_card.handed_over",
        target=card.membership,
        organisation=card.membership.organisation,
        data={"number": card.number, "date": date, "meeting": meeting.strip()},
    )
    return card


# --- transfers -----------------------------------------------------------------------------------


def _check_destination(organisation: Organisation, day: dt.date) -> None:
    _check_cell(organisation, "to_organisation")
    if not organisation.is_valid_on(day):
        raise DomainError(
            _("Chi bộ «%(org)s» không còn hoạt động vào ngày %(day)s (hiệu lực đến %(to)s).")
            % {"org": organisation, "day": d(day), "to": d(organisation.valid_to)},
            rule="destination_cell_active",
            found=_("hiệu lực đến %s") % d(organisation.valid_to),
            required=_("chi bộ đang hoạt động ngày %s") % d(day),
            field="to_organisation",
        )


@transaction.atomic
def start_transfer(
    membership: Membership,
    *,
    to_organisation: Organisation,
    kind: str,
    reason_date: dt.date,
    started_on: dt.date,
    actor: User,
    letter_number: str = "",
    note: str = "",
) -> Transfer:
    """The sending side introduces the member to another cell (official or temporary).

    Deadlines from the rule set: the transfer starts within ``transfer_start_working_days`` of
    the decision or the change of residence, and the letter is presented within
    ``transfer_present_working_days``. A late start is recorded, not refused. One open transfer
    per member (a database constraint decides between simultaneous starts).
    """
    membership = _lock(membership)
    if membership.status not in ACTIVE_STATUSES:
        raise DomainError(
            _("Chỉ chuyển sinh hoạt cho đảng viên đang sinh hoạt (%(person)s: %(status)s).")
            % {"person": membership.person, "status": membership.get_status_display()},
            rule="transfer_active_member",
            found=membership.get_status_display(),
            required=_("dự bị, chính thức hoặc miễn sinh hoạt"),
        )
    if kind not in TransferKind.values:
        raise DomainError(
            _("Loại chuyển sinh hoạt không hợp lệ."), rule="transfer_kind", field="kind"
        )
    open_transfer = Transfer.objects.filter(
        membership=membership, status=TransferStatus.OPEN
    ).first()
    if open_transfer is not None:
        raise DomainError(
            _(
                "%(person)s đang có một lần chuyển sinh hoạt chưa hoàn tất "
                "(đến %(org)s, từ %(day)s)."
            )
            % {
                "person": membership.person,
                "org": open_transfer.to_organisation,
                "day": d(open_transfer.started_on),
            },
            rule="one_open_transfer",
            found=_("1 lần chuyển đang mở"),
            required=_("không có lần chuyển nào đang mở"),
        )
    _check_destination(to_organisation, started_on)
    if to_organisation.pk in (membership.organisation_id, membership.temporary_organisation_id):
        raise DomainError(
            _("Đảng viên đang sinh hoạt ở «%s».") % to_organisation,
            rule="transfer_to_another_cell",
            found=str(to_organisation),
            required=_("một chi bộ khác"),
            field="to_organisation",
        )
    if kind == TransferKind.TEMPORARY and membership.temporary_organisation_id:
        raise DomainError(
            _(
                "Đảng viên đang sinh hoạt tạm thời ở «%s»: kết thúc trước khi chuyển "
                "tạm thời nơi khác."
            )
            % membership.temporary_organisation,
            rule="one_temporary_cell",
            found=str(membership.temporary_organisation),
            required=_("không sinh hoạt tạm thời nơi nào"),
        )
    _check_not_before(
        started_on,
        reason_date,
        message=_(
            "Ngày giới thiệu chuyển đi (%(day)s) trước ngày có quyết định/thay đổi "
            "nơi cư trú (%(limit)s)."
        ),
        rule="transfer_dates",
        field="started_on",
    )
    _check_not_future(started_on, "started_on", _("Ngày giới thiệu chuyển đi"))
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                membership=membership,
                kind=kind,
                from_organisation=membership.organisation,
                to_organisation=to_organisation,
                reason_date=reason_date,
                started_on=started_on,
                letter_number=letter_number.strip(),
                start_due=deadlines.transfer_start_due(reason_date),
                present_due=deadlines.transfer_present_due(started_on),
                note=note.strip(),
                started_by=actor,
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%s đang có một lần chuyển sinh hoạt chưa hoàn tất.") % membership.person,
            rule="one_open_transfer",
            found=_("1 lần chuyển đang mở"),
            required=_("không có lần chuyển nào đang mở"),
        ) from exc
    record(
        actor=actor,
        action="members.transfer.started",
        target=membership,
        organisation=membership.organisation,
        data={
            "transfer": transfer.pk,
            "kind": kind,
            "to": to_organisation.code,
            "started_on": started_on,
            "late": started_on > transfer.start_due,
        },
    )
    return transfer


def _lock_transfer(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("membership", "from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )


def _check_open(transfer: Transfer) -> None:
    if transfer.status != TransferStatus.OPEN:
        raise DomainError(
            _("Lần chuyển sinh hoạt này không còn mở (%s).") % transfer.get_status_display(),
            rule="transfer_open",
            found=transfer.get_status_display(),
            required=TransferStatus.OPEN.label,
        )


@transaction.atomic
def confirm_transfer(transfer: Transfer, *, confirmed_on: dt.date, actor: User) -> Transfer:
    """The receiving side confirms the member presented the letter: the member moves cell (or
    gets a temporary cell). Never two main cells, never none: the move is one update."""
    transfer = _lock_transfer(transfer)
    _check_open(transfer)
    membership = _lock(transfer.membership)
    _check_not_before(
        confirmed_on,
        transfer.started_on,
        message=_("Ngày tiếp nhận (%(day)s) trước ngày giới thiệu chuyển đi (%(limit)s)."),
        rule="transfer_dates",
        field="confirmed_on",
    )
    _check_not_future(confirmed_on, "confirmed_on", _("Ngày tiếp nhận"))
    _check_destination(transfer.to_organisation, confirmed_on)
    _check_event_order(membership, confirmed_on, "confirmed_on")
    counted = counters.Tracker(COUNTED, [membership.pk])
    if transfer.kind == TransferKind.OFFICIAL:
        membership.organisation = transfer.to_organisation
        membership.temporary_organisation = None
        kind = EventKind.TRANSFER
    else:
        membership.temporary_organisation = transfer.to_organisation
        kind = EventKind.TEMPORARY_IN
    membership.save(update_fields=["organisation", "temporary_organisation"])
    MembershipEvent.objects.create(
        membership=membership,
        status=membership.status,
        kind=kind,
        organisation=transfer.to_organisation,
        date=confirmed_on,
        decision_number=transfer.letter_number,
        note=_("Từ %s") % transfer.from_organisation,
        actor=actor,
    )
    counted.done()
    transfer.status = TransferStatus.CONFIRMED
    transfer.confirmed_on = confirmed_on
    transfer.confirmed_by = actor
    transfer.save(update_fields=["status", "confirmed_on", "confirmed_by"])
    if transfer.kind == TransferKind.OFFICIAL:
        # the person's record moves with the membership: the old cell no longer reads it
        follow_membership(
            membership.person,
            organisation=transfer.to_organisation,
            actor=actor,
            reason="members.transfer.confirmed",
        )
        open_residence_requirement(
            membership, organisation=transfer.to_organisation, since=confirmed_on, actor=actor
        )
    record(
        actor=actor,
        action="members.transfer.confirmed",
        target=membership,
        organisation=transfer.to_organisation,
        data={
            "transfer": transfer.pk,
            "from": transfer.from_organisation.code,
            "confirmed_on": confirmed_on,
            "late": confirmed_on > transfer.present_due,
        },
    )
    return transfer


@transaction.atomic
def cancel_transfer(transfer: Transfer, *, actor: User, note: str = "") -> Transfer:
    """The sending side withdraws an open transfer (the member stays where they are)."""
    transfer = _lock_transfer(transfer)
    _check_open(transfer)
    transfer.status = TransferStatus.CANCELLED
    transfer.ended_on = _today()
    transfer.note = "\n".join(filter(None, [transfer.note, note.strip()]))
    transfer.save(update_fields=["status", "ended_on", "note"])
    record(
        actor=actor,
        action="members.transfer.cancelled",
        target=transfer.membership,
        organisation=transfer.from_organisation,
        data={"transfer": transfer.pk, "note": note.strip()},
    )
    return transfer


@transaction.atomic
def correct_transfer(
    transfer: Transfer,
    *,
    actor: User,
    reason: str,
    to_organisation: Organisation | None = None,
    reason_date: dt.date | None = None,
    started_on: dt.date | None = None,
    letter_number: str | None = None,
) -> Transfer:
    """Correct an open transfer recorded with a wrong destination, date or letter number: a
    new transfer row with the right values (and its deadlines) replaces it (``corrects``); the
    wrong one keeps its values, with status ``corrected`` and the reason. A confirmed transfer
    is not corrected here (the member has moved: record a new transfer)."""
    transfer = _lock_transfer(transfer)
    require_step_authority(
        actor,
        "member.change",
        transfer.from_organisation,
        step=str(_("Sửa giới thiệu chuyển sinh hoạt")),
    )
    _check_open(transfer)
    reason = corrections.check_reason(reason)
    corrections.mark(
        transfer, status=TransferStatus.CORRECTED, ended_on=_today(), correction_reason=reason
    )
    new = start_transfer(
        transfer.membership,
        to_organisation=to_organisation or transfer.to_organisation,
        kind=transfer.kind,
        reason_date=reason_date or transfer.reason_date,
        started_on=started_on or transfer.started_on,
        letter_number=transfer.letter_number if letter_number is None else letter_number,
        note=transfer.note,
        actor=actor,
    )
    new.corrects = transfer
    new.correction_reason = reason
    new.save(update_fields=["corrects", "correction_reason"])
    record(
        actor=actor,
        action="members.transfer.corrected",
        target=transfer.membership,
        organisation=transfer.from_organisation,
        data={
            "transfer": transfer.pk,
            "replacement": new.pk,
            "from": [str(transfer.to_organisation), transfer.started_on, transfer.letter_number],
            "to": [str(new.to_organisation), new.started_on, new.letter_number],
            "reason": reason,
        },
    )
    return new


@transaction.atomic
def end_temporary_transfer(transfer: Transfer, *, date: dt.date, actor: User) -> Transfer:
    """A temporary transfer ends: the member is back in the main cell only."""
    transfer = _lock_transfer(transfer)
    if transfer.kind != TransferKind.TEMPORARY or transfer.status != TransferStatus.CONFIRMED:
        raise DomainError(
            _("Chỉ kết thúc được lần chuyển sinh hoạt tạm thời đã tiếp nhận."),
            rule="temporary_transfer_end",
            found=f"{transfer.get_kind_display()} — {transfer.get_status_display()}",
            required=_("chuyển tạm thời, đã tiếp nhận"),
        )
    membership = _lock(transfer.membership)
    assert transfer.confirmed_on is not None
    _check_not_before(
        date,
        transfer.confirmed_on,
        message=_("Ngày kết thúc (%(day)s) trước ngày tiếp nhận (%(limit)s)."),
        rule="transfer_dates",
        field="date",
    )
    _check_event_order(membership, date)
    counted = counters.Tracker(COUNTED, [membership.pk])
    membership.temporary_organisation = None
    membership.save(update_fields=["temporary_organisation"])
    MembershipEvent.objects.create(
        membership=membership,
        status=membership.status,
        kind=EventKind.TEMPORARY_END,
        organisation=membership.organisation,
        date=date,
        note=_("Kết thúc sinh hoạt tạm thời ở %s") % transfer.to_organisation,
        actor=actor,
    )
    counted.done()
    transfer.status = TransferStatus.ENDED
    transfer.ended_on = date
    transfer.save(update_fields=["status", "ended_on"])
    record(
        actor=actor,
        action="members.transfer.ended",
        target=membership,
        organisation=transfer.from_organisation,
        data={"transfer": transfer.pk, "date": date},
    )
    return transfer


# --- residence-cell link -------------------------------------------------------------------------


@transaction.atomic
def record_residence_introduction(
    link: ResidenceLink,
    *,
    actor: User,
    introduced_on: dt.date | None = None,
    residence_organisation: Organisation | None = None,
    residence_place: str = "",
    exemption: str = "",
    exemption_reason: str = "",
) -> ResidenceLink:
    """Record the introduction to the residence cell, or an exemption of 33-HD/BTCTW §1
    (exempt from residence activity: still introduced; exempt from introduction: not)."""
    link = ResidenceLink.objects.select_for_update().select_related("membership").get(pk=link.pk)
    if exemption not in ResidenceExemption.values:
        raise DomainError(
            _("Loại miễn không hợp lệ."), rule="residence_exemption", field="exemption"
        )
    if exemption and not exemption_reason.strip():
        raise DomainError(
            _("Cần ghi lý do miễn (theo Hướng dẫn 33-HD/BTCTW)."),
            rule="residence_exemption_reason",
            required=_("lý do miễn"),
            field="exemption_reason",
        )
    if exemption != ResidenceExemption.INTRODUCTION:
        if introduced_on is None:
            raise DomainError(
                _("Cần ngày giới thiệu về nơi cư trú."),
                rule="residence_introduction_date",
                required=_("ngày giới thiệu"),
                field="introduced_on",
            )
        _check_not_before(
            introduced_on,
            link.required_from,
            message=_("Ngày giới thiệu (%(day)s) trước ngày phát sinh nghĩa vụ (%(limit)s)."),
            rule="residence_introduction_date",
            field="introduced_on",
        )
        _check_not_future(introduced_on, "introduced_on", _("Ngày giới thiệu"))
    if residence_organisation is not None and not residence_organisation.is_cell:
        _check_cell(residence_organisation, "residence_organisation")
    link.introduced_on = introduced_on if exemption != ResidenceExemption.INTRODUCTION else None
    link.residence_organisation = residence_organisation
    link.residence_place = residence_place.strip()
    link.exemption = exemption
    link.exemption_reason = exemption_reason.strip()
    link.save(
        update_fields=[
            "introduced_on",
            "residence_organisation",
            "residence_place",
            "exemption",
            "exemption_reason",
        ]
    )
    record(
        actor=actor,
        action="members.residence_link.recorded",
        target=link.membership,
        organisation=link.workplace_organisation,
        data={
            "introduced_on": link.introduced_on,
            "exemption": exemption,
            "on_time": bool(link.introduced_on and link.introduced_on <= link.due),
        },
    )
    return link


@transaction.atomic
def record_form_print(
    membership: Membership,
    *,
    code: str,
    step: RecognitionStep | None,
    reference: str,
    actor: User,
) -> None:
    """Audit the print of a recognition form (built by ``members.printing``): an export, so it
    needs ``export.run`` on the member's cell."""
    require_step_authority(actor, "export.run", membership.organisation, step=_("In biểu mẫu"))
    record(
        actor=actor,
        action="members.form.exported",
        target=membership,
        organisation=membership.organisation,
        data={"form": code, "step": step.pk if step is not None else None, "reference": reference},
    )


def attach_recognition_scan(
    membership: Membership,
    *,
    upload: Any,
    actor: User,
    step: RecognitionStep | None = None,
    reference: str = "",
) -> tuple[RecognitionAttachment, bool]:
    """Keep a scanned signed copy of a printed recognition form (10–13, 15-KNĐ, the decision)
    with its recognition ``step`` (or the membership). The file is checked by
    ``core.scans.check_scan`` as for an admission step (PDF, JPEG or PNG by content, not empty,
    10 MB at most). Needs ``member.change`` on the member's cell. Idempotent: the same file
    attached again to the membership answers the row already kept (``created`` False)."""
    from dangvien.core.scans import check_scan, store_scan

    require_step_authority(
        actor, "member.change", membership.organisation, step=_("Đính kèm bản scan")
    )
    if step is not None and step.membership_id != membership.pk:
        raise DomainError(
            _("Bước được chọn không thuộc hồ sơ công nhận của đảng viên này."),
            rule="attachment_step",
            field="step",
        )
    scan = check_scan(upload)
    with transaction.atomic():
        membership = _lock(membership)
        attachment, created = store_scan(
            RecognitionAttachment,
            upload,
            scan,
            owner={"membership": membership},
            step=step,
            reference=reference[:64],
            uploaded_by=actor,
        )
        if not created:
            return attachment, False
        record(
            actor=actor,
            action="members.scan.attached",
            target=attachment,
            organisation=membership.organisation,
            data={
                "membership": membership.pk,
                "step": step.pk if step is not None else None,
                "stage": step.stage if step is not None else None,
                "name": attachment.name,
                "size": scan.size,
                "type": scan.kind,
                "reference": attachment.reference,
            },
        )
    return attachment, True


# --- reorganisation (issue 11): a cell merged or split hands its members over ----------------


def reorganisation_member_ids(
    organisation_ids: list[int], effective_date: dt.date
) -> dict[int, list[int]]:
    """The active members whose cell (or temporary cell) is one of ``organisation_ids``, as
    ``{organisation id: [membership ids]}`` (one query)."""
    held: dict[int, list[int]] = {pk: [] for pk in organisation_ids}
    rows = Membership.objects.filter(status__in=ACTIVE_STATUSES).filter(
        Q(organisation_id__in=organisation_ids) | Q(temporary_organisation_id__in=organisation_ids)
    )
    for pk, cell, temporary in rows.values_list(
        "pk", "organisation_id", "temporary_organisation_id"
    ):
        held[cell if cell in held else temporary].append(pk)
    return held


def latest_member_fact(organisation_ids: list[int]) -> dt.date | None:
    """The date of the latest membership event recorded at these organisations."""
    latest: dt.date | None = MembershipEvent.objects.filter(
        organisation_id__in=organisation_ids
    ).aggregate(latest=Max("date"))["latest"]
    return latest


@transaction.atomic
def reorganisation_transfer(
    source: Organisation,
    target: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Sequence[int] | None = None,
    event: Any = None,
) -> list[int]:
    """Members of ``source`` follow their cell's merge or split into ``target`` on
    ``effective_date``: a membership event (kind ``reorganisation``) dated that day, the
    membership's current cell and the person's managing organisation updated; old rows are
    never rewritten. Called by ``organisations.reorganisation`` through the registry (the
    caller checked the authority and the dates). Returns the memberships moved."""
    _check_cell(target, "into")
    rows = Membership.objects.select_for_update().filter(status__in=ACTIVE_STATUSES)
    rows = rows.filter(Q(organisation=source) | Q(temporary_organisation=source))
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    memberships = list(rows.select_related("person").order_by("pk"))
    counted = counters.Tracker(COUNTED, [membership.pk for membership in memberships])
    decision = getattr(event, "decision_number", "") or ""
    note = _("Sắp xếp tổ chức: từ «%(source)s» sang «%(target)s»") % {
        "source": source.name,
        "target": target.name,
    }
    events = []
    for membership in memberships:
        if membership.organisation_id == source.pk:
            membership.organisation = target
            kind = EventKind.REORGANISATION
        else:
            membership.temporary_organisation = target
            kind = EventKind.TEMPORARY_IN
        events.append(
            MembershipEvent(
                membership=membership,
                status=membership.status,
                kind=kind,
                organisation=target,
                date=effective_date,
                decision_number=decision[:64],
                note=note,
                actor=actor if getattr(actor, "pk", None) else None,
            )
        )
    Membership.objects.bulk_update(memberships, ["organisation", "temporary_organisation"])
    MembershipEvent.objects.bulk_create(events)
    counted.done()
    for membership in memberships:
        if membership.organisation_id == target.pk:
            follow_membership(
                membership.person,
                organisation=target,
                actor=actor,
                reason="members.reorganisation",
            )
    if memberships:
        record(
            actor=actor,
            action="members.membership.reorganised",
            target=target,
            organisation=target,
            data={
                "from": source.code,
                "to": target.code,
                "date": effective_date,
                "memberships": [membership.pk for membership in memberships],
            },
        )
    return [membership.pk for membership in memberships]


def reorganisation_transfer_ids(
    organisation_ids: list[int], effective_date: dt.date
) -> dict[int, list[int]]:
    """The open transfers to or from these cells, as ``{organisation id: [transfer ids]}``
    (one query): held by the receiving cell when it is one of them, else by the sending cell."""
    held: dict[int, list[int]] = {pk: [] for pk in organisation_ids}
    rows = Transfer.objects.filter(status=TransferStatus.OPEN).filter(
        Q(from_organisation_id__in=organisation_ids) | Q(to_organisation_id__in=organisation_ids)
    )
    for pk, sending, receiving in rows.values_list(
        "pk", "from_organisation_id", "to_organisation_id"
    ):
        held[receiving if receiving in held else sending].append(pk)
    return held


def _reorganisation_transfers(source: Organisation, ids: Sequence[int] | None) -> list[Transfer]:
    rows = (
        Transfer.objects.select_for_update(of=("self",))
        .filter(status=TransferStatus.OPEN)
        .filter(Q(from_organisation=source) | Q(to_organisation=source))
        .select_related("membership__organisation", "from_organisation", "to_organisation")
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return list(rows.order_by("pk"))


def _cancel_for_reorganisation(transfer: Transfer, *, day: dt.date, actor: User, note: str) -> None:
    transfer.status = TransferStatus.CANCELLED
    transfer.ended_on = day
    transfer.note = "\n".join(filter(None, [transfer.note, note]))
    transfer.save(update_fields=["status", "ended_on", "note"])
    record(
        actor=actor,
        action="members.transfer.cancelled",
        target=transfer.membership,
        organisation=transfer.from_organisation,
        data={"transfer": transfer.pk, "note": note, "reorganisation": True},
    )


@transaction.atomic
def reorganisation_redirect_transfers(
    source: Organisation,
    target: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Sequence[int] | None = None,
    event: Any = None,
) -> list[int]:
    """The open transfers to or from ``source``, a cell that ends on ``effective_date``: the
    receiving side becomes ``target``; the sending side follows the member (an open transfer
    starts from the member's cell, and the members were handed over first, so it is where the
    reorganisation put them). A transfer whose member is now in its destination (two cells
    merged) has nothing left to do: it is cancelled. One audit row per transfer; the row keeps
    its letter, dates and deadlines. Called through the registry (``organisations``)."""
    _check_cell(target, "into")
    note = _("Sắp xếp tổ chức: «%(source)s» kết thúc, thay bằng «%(target)s»") % {
        "source": source.name,
        "target": target.name,
    }
    handled = []
    for transfer in _reorganisation_transfers(source, ids):
        before = (transfer.from_organisation, transfer.to_organisation)
        sending = transfer.membership.organisation
        receiving = target if transfer.to_organisation_id == source.pk else before[1]
        handled.append(transfer.pk)
        if sending.pk == receiving.pk:
            _cancel_for_reorganisation(
                transfer,
                day=effective_date,
                actor=actor,
                note=_("%(note)s: đảng viên đã sinh hoạt ở «%(cell)s».")
                % {"note": note, "cell": receiving.name},
            )
            continue
        transfer.from_organisation, transfer.to_organisation = sending, receiving
        transfer.save(update_fields=["from_organisation", "to_organisation"])
        record(
            actor=actor,
            action="members.transfer.reorganised",
            target=transfer.membership,
            organisation=receiving,
            data={
                "transfer": transfer.pk,
                "from": [before[0].code, sending.code],
                "to": [before[1].code, receiving.code],
                "date": effective_date,
                "decision_number": getattr(event, "decision_number", "") or "",
            },
        )
    return handled


@transaction.atomic
def reorganisation_cancel_transfers(
    source: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Sequence[int] | None = None,
    event: Any = None,
) -> list[int]:
    """A cell dissolved without a successor: the open transfers to it can no longer be
    received, they are cancelled (audited)."""
    note = _("Sắp xếp tổ chức: «%(source)s» giải thể từ %(date)s") % {
        "source": source.name,
        "date": format_date(effective_date),
    }
    cancelled = []
    for transfer in _reorganisation_transfers(source, ids):
        _cancel_for_reorganisation(transfer, day=effective_date, actor=actor, note=note)
        cancelled.append(transfer.pk)
    return cancelled


def check_split_keeps_helpers(source: Organisation, mapping: Mapping[int, Organisation]) -> None:
    """A split sends a probationary member and the official member assigned to help them
    (both of ``source``) to the same part: refused otherwise, naming both and the two parts
    (one query). ``mapping``: ``{membership id: part}`` as the split will hand them over."""
    assignments = (
        HelperAssignment.objects.filter(
            end_date__isnull=True, membership_id__in=list(mapping), helper_id__in=list(mapping)
        )
        .select_related("membership__person", "helper__person")
        .order_by("pk")
    )
    for assignment in assignments:
        part, other = mapping[assignment.membership_id], mapping[assignment.helper_id]
        if part.pk == other.pk:
            continue
        raise DomainError(
            _(
                "Đảng viên dự bị %(probationer)s được chia về «%(part)s», đảng viên giúp đỡ "
                "%(helper)s về «%(other)s»: khi chia tách «%(source)s», đảng viên dự bị và "
                "người giúp đỡ phải về cùng một tổ chức (hoặc phân công lại người giúp đỡ "
                "trước)."
            )
            % {
                "probationer": assignment.membership.person,
                "helper": assignment.helper.person,
                "part": part.name,
                "other": other.name,
                "source": source.name,
            },
            rule="probationer_with_helper",
            found=f"«{part.name}», «{other.name}»",
            required=_("cùng một tổ chức"),
            field="facts",
        )


# --- counters ------------------------------------------------------------------------------------


def rebuild_counters(
    *, actor: User | None, progress: Callable[[str, int], None] | None = None
) -> dict[str, Any]:
    """Replace every counter table (``core.counters``) by a computation from the facts, in one
    transaction, audited. For operators (``manage.py rebuild_counters``) and for data written
    without the services (the demo, the generated dataset). ``progress`` is told the table's
    title and the facts read so far."""
    summary: dict[str, Any] = {}
    with transaction.atomic():
        for spec in counters.specs():
            step = (lambda done, title=spec.title: progress(title, done)) if progress else None
            summary[spec.name] = counters.rebuild(spec, progress=step)
        record(actor=actor, action="members.counters.rebuilt", data=summary)
    return summary
