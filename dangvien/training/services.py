"""All writes of the training app: classes, enrolments, attendance, results, certificates,
proposals, and their corrections (new rows that supersede the old, with a reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core import corrections, counters
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.organisations.services import require_in_force
from dangvien.training import registry
from dangvien.training.counters import SUBJECT, lock_classes
from dangvien.training.models import ClassCorrection, ClassProposal, Enrolment, TrainingClass

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.organisations.models import Organisation
    from dangvien.people.models import Person
    from dangvien.rules.models import RuleSet

NOT_A_MEMBER = "none"
KIND_RULES = {
    TrainingClass.Kind.AWARENESS: "awareness_class_statuses",
    TrainingClass.Kind.NEW_MEMBER: "new_member_class_statuses",
}


def _require(actor: User, organisation: Organisation, action: str = "training.change") -> None:
    if not can(actor, action, organisation):
        raise PermissionDenied(action)


def _fmt(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _rules(today: dt.date | None = None) -> RuleSet:
    from dangvien.rules.selectors import get_rule_set_or_earliest

    return get_rule_set_or_earliest(on=today or timezone.localdate())


def check_class_dates(start_date: dt.date, end_date: dt.date) -> None:
    """The class's dates within the rule set's sane bounds (today's rule set)."""
    today = timezone.localdate()
    rules = _rules(today)
    if end_date < start_date:
        raise DomainError(
            _("Ngày bế giảng (%(end_date)s) trước ngày khai giảng (%(start_date)s).")
            % {"end_date": _fmt(end_date), "start_date": _fmt(start_date)},
            rule="class_dates",
            found=_fmt(end_date),
            required=_("từ %(start_date)s") % {"start_date": _fmt(start_date)},
            field="end_date",
        )
    past = rules.int_value("class_start_max_past_months")
    ahead = rules.int_value("class_start_max_ahead_months")
    earliest, latest = add_months(today, -past), add_months(today, ahead)
    if not earliest <= start_date <= latest:
        raise DomainError(
            _(
                "Ngày khai giảng %(start_date)s ngoài khoảng cho phép: từ %(earliest)s (%(past)s"
                " tháng trước) đến %(latest)s (%(ahead)s tháng tới) (quy định"
                " «class_start_max_past_months», «class_start_max_ahead_months»)."
            )
            % {
                "start_date": _fmt(start_date),
                "earliest": _fmt(earliest),
                "latest": _fmt(latest),
                "past": past,
                "ahead": ahead,
            },
            rule="class_start_bounds",
            found=_fmt(start_date),
            required=f"{_fmt(earliest)} – {_fmt(latest)}",
            field="start_date",
        )
    longest = rules.int_value("class_max_length_days")
    length = (end_date - start_date).days + 1
    if length > longest:
        raise DomainError(
            _(
                "Lớp kéo dài %(length)s ngày, quá %(longest)s ngày cho phép (quy định"
                " «class_max_length_days»)."
            )
            % {"length": length, "longest": longest},
            rule="class_max_length_days",
            found=str(length),
            required=_("tối đa %(longest)s ngày") % {"longest": longest},
            field="end_date",
        )


@transaction.atomic
def create_class(
    *,
    kind: str,
    name: str,
    organiser: Organisation,
    start_date: dt.date,
    end_date: dt.date,
    actor: User,
) -> TrainingClass:
    _require(actor, organiser)
    if kind not in TrainingClass.Kind.values:
        raise DomainError(
            _("Loại lớp «%(kind)s» không hợp lệ.") % {"kind": kind}, rule="class_kind", field="kind"
        )
    if not name.strip():
        raise DomainError(_("Phải nhập tên lớp."), rule="class_name", field="name")
    check_class_dates(start_date, end_date)
    require_in_force(organiser, start_date)
    duplicate = DomainError(
        _("%(organiser)s đã có lớp «%(name)s» khai giảng ngày %(start_date)s.")
        % {"organiser": organiser, "name": name.strip(), "start_date": _fmt(start_date)},
        rule="unique_training_class",
        found=name.strip(),
        required=_("tên lớp hoặc ngày khai giảng khác"),
        field="name",
    )
    same = TrainingClass.objects.filter(
        organiser=organiser, kind=kind, name=name.strip(), start_date=start_date
    )
    if same.exists():
        raise duplicate
    try:
        with transaction.atomic():
            training_class = TrainingClass.objects.create(
                kind=kind,
                name=name.strip(),
                organiser=organiser,
                start_date=start_date,
                end_date=end_date,
            )
    except IntegrityError as exc:  # the same class created at the same moment
        raise duplicate from exc
    record(
        actor=actor,
        action="training.training_class.created",
        target=training_class,
        organisation=organiser,
        data={"kind": kind, "start_date": start_date, "end_date": end_date},
    )
    return training_class


def _counted(training_class_id: int) -> AbstractContextManager[None]:
    """Keep the training counters (``training.counters``) exact across a write of the class's
    roster, a certificate or the class's dates: its roster's contribution computed before and
    after. The caller holds the class's lock already (``_lock_class``, or ``lock_classes``
    before any of its rows), so that two writes of one roster take their turns."""
    return counters.tracking(SUBJECT, [training_class_id])


def _lock_class(training_class: TrainingClass) -> TrainingClass:
    return (
        TrainingClass.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=training_class.pk)
    )


def _require_open(training_class: TrainingClass) -> None:
    if not training_class.is_open:
        raise DomainError(
            _("Lớp «%(name)s» %(status)s: không ghi thêm được.")
            % {"name": training_class.name, "status": training_class.get_status_display().lower()},
            rule="class_open",
            found=training_class.get_status_display(),
            required=str(TrainingClass.Status.OPEN.label),
        )


def check_eligible(training_class: TrainingClass, people: Sequence[Person]) -> None:
    """Awareness classes are for people who are not members, new-member classes for
    probationers: the statuses allowed are rule-set data (``awareness_class_statuses``,
    ``new_member_class_statuses``, in force on the class's opening day)."""
    from dangvien.rules.selectors import get_rule_set_or_earliest

    key = KIND_RULES[TrainingClass.Kind(training_class.kind)]
    rules = get_rule_set_or_earliest(on=training_class.start_date)
    allowed = {s.strip() for s in str(rules.value(key)).split(",") if s.strip()}
    statuses = registry.member_statuses([p.pk for p in people])
    for person in people:
        status = statuses.get(person.pk, NOT_A_MEMBER)
        if status in allowed:
            continue
        names = [
            _("chưa là đảng viên") if s == NOT_A_MEMBER else registry.status_label(s).lower()
            for s in sorted(allowed)
        ]
        found = _("chưa là đảng viên") if status == NOT_A_MEMBER else registry.status_label(status)
        raise DomainError(
            _(
                "%(person)s không học được «%(kind)s»: lớp này dành cho người %(allowed)s"
                " (quy định «%(rule)s»), còn %(person)s: %(found)s."
            )
            % {
                "person": person,
                "kind": training_class.get_kind_display(),
                "allowed": _(" hoặc ").join(names),
                "rule": key,
                "found": str(found).lower(),
            },
            rule=key,
            found=str(found),
            required=", ".join(str(n) for n in names),
            field="person",
        )


def _enrol(
    training_class: TrainingClass, person: Person, *, actor: User, data: dict[str, Any]
) -> Enrolment:
    current = Enrolment.objects.current().filter(training_class=training_class, person=person)
    previous = current.select_for_update().first()
    if previous is not None and not previous.removed:
        raise DomainError(
            _("%(person)s đã có trong danh sách học viên của lớp.") % {"person": person},
            rule="unique_enrolment",
            field="person",
        )
    try:
        with transaction.atomic(), _counted(training_class.pk):
            if previous is not None:  # removed earlier, enrolled again: a new row
                previous.superseded_at = timezone.now()
                previous.save(update_fields=["superseded_at"])
            enrolment = Enrolment.objects.create(
                training_class=training_class,
                person=person,
                supersedes=previous,
                reason=_("Nhận lại vào lớp") if previous is not None else "",
            )
    except IntegrityError as exc:
        raise DomainError(
            _("%(person)s đã có trong danh sách học viên của lớp.") % {"person": person},
            rule="unique_enrolment",
            field="person",
        ) from exc
    record(
        actor=actor,
        action="training.enrolment.created",
        target=enrolment,
        organisation=training_class.organiser,
        data={"person": person, **data},
    )
    return enrolment


@transaction.atomic
def enrol_person(training_class: TrainingClass, *, person: Person, actor: User) -> Enrolment:
    _require(actor, training_class.organiser)
    training_class = _lock_class(training_class)
    _require_open(training_class)
    check_eligible(training_class, [person])
    return _enrol(training_class, person, actor=actor, data={})


@transaction.atomic
def enrol_people(
    training_class: TrainingClass, *, people: Sequence[Person], actor: User
) -> list[Enrolment]:
    """Enrol several people at once (from the cells' outstanding lists): all or nothing;
    those already in the class are skipped."""
    _require(actor, training_class.organiser)
    training_class = _lock_class(training_class)
    _require_open(training_class)
    if not people:
        raise DomainError(_("Chưa chọn ai."), rule="enrol_people", field="people")
    check_eligible(training_class, people)
    already = set(
        Enrolment.objects.active()
        .filter(training_class=training_class, person__in=people)
        .values_list("person_id", flat=True)
    )
    return [
        _enrol(training_class, person, actor=actor, data={"bulk": True})
        for person in people
        if person.pk not in already
    ]


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("training_class__organiser", "person")
        .get(pk=enrolment.pk)
    )


def _require_current(enrolment: Enrolment) -> None:
    if enrolment.superseded_at is not None:
        raise DomainError(
            _("Dòng này đã được sửa hoặc hủy trước đó; hãy thao tác trên bản hiện hành."),
            rule="enrolment_current",
        )
    if enrolment.removed:
        raise DomainError(
            _("%(person)s đã rút khỏi lớp.") % {"person": enrolment.person},
            rule="enrolment_removed",
        )


def check_certificate_date(training_class: TrainingClass, certificate_date: dt.date) -> None:
    """A certificate is dated neither in the future nor before the class ends."""
    today = timezone.localdate()
    if certificate_date > today:
        raise DomainError(
            _(
                "Ngày cấp giấy chứng nhận (%(certificate_date)s) ở tương lai: chỉ ghi giấy đã cấp,"
                " đến hôm nay (%(today)s)."
            )
            % {"certificate_date": _fmt(certificate_date), "today": _fmt(today)},
            rule="date_not_future",
            found=_fmt(certificate_date),
            required=_("đến %(today)s") % {"today": _fmt(today)},
            field="certificate_date",
        )
    if certificate_date < training_class.end_date:
        raise DomainError(
            _("Ngày cấp giấy chứng nhận (%(certificate_date)s) trước ngày bế giảng (%(end_date)s).")
            % {
                "certificate_date": _fmt(certificate_date),
                "end_date": _fmt(training_class.end_date),
            },
            rule="certificate_date",
            found=_fmt(certificate_date),
            required=_("từ %(end_date)s") % {"end_date": _fmt(training_class.end_date)},
            field="certificate_date",
        )


def _check_certificate(
    enrolment: Enrolment, *, certificate_number: str, certificate_date: dt.date
) -> str:
    """The number is given and unique for the issuing body; the date is neither before the
    class ends nor in the future."""
    training_class = enrolment.training_class
    number = " ".join((certificate_number or "").split())
    if not number:
        raise DomainError(
            _("Phải nhập số giấy chứng nhận."),
            rule="certificate_number",
            field="certificate_number",
        )
    check_certificate_date(training_class, certificate_date)
    holder = (
        Enrolment.objects.certificates()
        .filter(training_class__organiser=training_class.organiser, certificate_number=number)
        .exclude(pk=enrolment.pk)
        .select_related("person")
        .first()
    )
    if holder is not None:
        raise _duplicate_number(number, training_class.organiser, holder.person)
    return number


def _duplicate_number(number: str, organiser: Organisation, holder: Any) -> DomainError:
    return DomainError(
        _(
            "Số giấy chứng nhận %(number)s của %(organiser)s đã cấp cho %(holder)s: mỗi số chỉ"
            " cấp một lần (quy định «unique_certificate_number»)."
        )
        % {"number": number, "organiser": organiser, "holder": holder},
        rule="unique_certificate_number",
        found=number,
        required=_("một số chưa cấp"),
        field="certificate_number",
    )


def _save_certificate(enrolment: Enrolment, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            enrolment.save(update_fields=fields)
    except IntegrityError as exc:  # the same number issued at the same moment
        raise _duplicate_number(
            enrolment.certificate_number, enrolment.training_class.organiser, _("người khác")
        ) from exc


@transaction.atomic
def complete_enrolment(
    enrolment: Enrolment,
    *,
    certificate_number: str,
    certificate_date: dt.date,
    actor: User,
) -> Enrolment:
    """Issue the certificate. Finishing an awareness class makes an outstanding person a
    sympathiser: their open dossier moves to the class stage (when the actor may record it)."""
    lock_classes([enrolment.training_class_id])  # the class first, as every roster write
    enrolment = _lock_enrolment(enrolment)
    training_class = enrolment.training_class
    _require(actor, training_class.organiser)
    _require_current(enrolment)
    if training_class.status == TrainingClass.Status.CANCELLED:
        _require_open(training_class)
    if enrolment.completed:
        raise DomainError(
            _("%(person)s đã được cấp giấy chứng nhận số %(certificate_number)s.")
            % {"person": enrolment.person, "certificate_number": enrolment.certificate_number},
            rule="certificate_once",
            field="certificate_number",
        )
    if enrolment.result == Enrolment.Result.FAILED:
        raise DomainError(
            _("%(person)s có kết quả «Không đạt»: không cấp giấy chứng nhận.")
            % {"person": enrolment.person},
            rule="certificate_result",
            found=str(Enrolment.Result.FAILED.label),
            required=str(Enrolment.Result.PASSED.label),
        )
    number = _check_certificate(
        enrolment, certificate_number=certificate_number, certificate_date=certificate_date
    )
    enrolment.completed = True
    enrolment.attended = True
    enrolment.result = Enrolment.Result.PASSED
    enrolment.certificate_number = number
    enrolment.certificate_date = certificate_date
    enrolment.issuing_body = training_class.organiser
    with _counted(training_class.pk):
        _save_certificate(
            enrolment,
            [
                "completed",
                "attended",
                "result",
                "certificate_number",
                "certificate_date",
                "issuing_body",
            ],
        )
    record(
        actor=actor,
        action="training.enrolment.completed",
        target=enrolment,
        organisation=training_class.organiser,
        data={"certificate_number": number, "certificate_date": certificate_date},
    )
    if training_class.kind == TrainingClass.Kind.AWARENESS:
        registry.awareness_certificate_issued(enrolment, actor=actor)
    return enrolment


def _roster_rows(training_class: TrainingClass, enrolment_ids: Iterable[int]) -> list[Enrolment]:
    ids = list(dict.fromkeys(enrolment_ids))
    rows = list(
        Enrolment.objects.active()
        .filter(training_class=training_class, pk__in=ids)
        .select_related("person", "training_class__organiser")
        .order_by("person__full_name_folded", "pk")
    )
    if not rows or len(rows) != len(ids):
        raise DomainError(
            _("Chưa chọn học viên nào, hoặc có dòng không còn trong danh sách lớp."),
            rule="roster_selection",
            field="enrolments",
        )
    return rows


@transaction.atomic
def record_results(
    training_class: TrainingClass,
    *,
    enrolment_ids: Iterable[int],
    attended: bool | None = None,
    result: str | None = None,
    actor: User,
) -> list[Enrolment]:
    """Attendance and results for several students at once. A student with a certificate keeps
    it: to change it, correct or revoke the certificate."""
    _require(actor, training_class.organiser)
    training_class = _lock_class(training_class)
    _require_open(training_class)
    if result is not None and result not in Enrolment.Result.values:
        raise DomainError(_("Kết quả không hợp lệ."), rule="result", field="result")
    rows = _roster_rows(training_class, enrolment_ids)
    for row in rows:
        if row.completed:
            raise DomainError(
                _(
                    "%(person)s đã được cấp giấy chứng nhận số %(number)s: muốn đổi kết quả thì"
                    " sửa hoặc thu hồi giấy."
                )
                % {"person": row.person, "number": row.certificate_number},
                rule="certificate_once",
            )
        if result == Enrolment.Result.PASSED and attended is not True and not row.attended:
            row.attended = True  # passing implies attending
        if attended is not None:
            row.attended = attended
        if result is not None:
            row.result = result
        row.save(update_fields=["attended", "result"])
    record(
        actor=actor,
        action="training.enrolment.results_recorded",
        target=training_class,
        organisation=training_class.organiser,
        data={"count": len(rows), "attended": attended, "result": result},
    )
    return rows


@transaction.atomic
def issue_certificates(
    training_class: TrainingClass,
    *,
    enrolment_ids: Iterable[int],
    first_number: str,
    prefix: str = "",
    certificate_date: dt.date,
    actor: User,
) -> list[Enrolment]:
    """Certificates for several students in one go, numbered from ``first_number`` (its
    zero-padding kept: 008, 009, 010…) after ``prefix``, in the roster's order. All or
    nothing: one refusal (a number already issued, a date in the future) issues none."""
    _require(actor, training_class.organiser)
    digits = (first_number or "").strip()
    if not digits.isdigit() or len(digits) > 12:
        raise DomainError(
            _("Số bắt đầu phải là số (ví dụ 001); nhận được «%(found)s».") % {"found": digits},
            rule="certificate_number",
            found=digits,
            required=_("chữ số"),
            field="first_number",
        )
    rows = _roster_rows(training_class, enrolment_ids)
    check_certificate_date(training_class, certificate_date)  # once, for the whole batch
    start, width = int(digits), len(digits)
    issued = []
    for offset, row in enumerate(rows):
        number = f"{prefix.strip()}{start + offset:0{width}d}"
        try:
            issued.append(
                complete_enrolment(
                    row, certificate_number=number, certificate_date=certificate_date, actor=actor
                )
            )
        except DomainError as exc:
            raise DomainError(
                _("%(person)s: %(message)s") % {"person": row.person, "message": exc.message},
                rule=exc.rule,
                found=exc.found,
                required=exc.required,
                field=exc.field if exc.field != "certificate_number" else "first_number",
            ) from exc
    return issued


def _supersede(old: Enrolment, *, reason: str, actor: User, **changes: Any) -> Enrolment:
    """A new row in force instead of ``old``, with ``changes`` and the reason; the old row
    keeps its values (history) and is marked superseded."""
    values = {
        "training_class": old.training_class,
        "person": old.person,
        "attended": old.attended,
        "result": old.result,
        "completed": old.completed,
        "certificate_number": old.certificate_number,
        "certificate_date": old.certificate_date,
        "issuing_body": old.issuing_body,
        "removed": old.removed,
    }
    values.update(changes)
    new = Enrolment(supersedes=old, reason=reason, **values)
    with _counted(old.training_class_id):
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_at"])
        _save_new(new)
        registry.enrolment_superseded(old, new, actor=actor)
    return new


def _save_new(new: Enrolment) -> None:
    try:
        with transaction.atomic():
            new.save(force_insert=True)
    except IntegrityError as exc:
        raise _duplicate_number(
            new.certificate_number, new.training_class.organiser, _("người khác")
        ) from exc


@transaction.atomic
def correct_certificate(
    enrolment: Enrolment,
    *,
    certificate_number: str,
    certificate_date: dt.date,
    reason: str,
    actor: User,
) -> Enrolment:
    """A wrong number or date: a new row with the right ones supersedes the old (kept). The
    dossier that rests on the certificate follows (``registry.enrolment_superseded``)."""
    lock_classes([enrolment.training_class_id])  # the class first, as every roster write
    enrolment = _lock_enrolment(enrolment)
    _require(actor, enrolment.training_class.organiser)
    _require_current(enrolment)
    reason = corrections.check_reason(reason)
    if not enrolment.completed:
        raise DomainError(
            _("%(person)s chưa được cấp giấy chứng nhận: không có gì để sửa.")
            % {"person": enrolment.person},
            rule="certificate_missing",
        )
    number = _check_certificate(
        enrolment, certificate_number=certificate_number, certificate_date=certificate_date
    )
    new = _supersede(
        enrolment,
        reason=reason,
        actor=actor,
        certificate_number=number,
        certificate_date=certificate_date,
    )
    record(
        actor=actor,
        action="training.enrolment.certificate_corrected",
        target=new,
        organisation=enrolment.training_class.organiser,
        data={
            "reason": reason,
            "before": {
                "certificate_number": enrolment.certificate_number,
                "certificate_date": enrolment.certificate_date,
            },
            "after": {"certificate_number": number, "certificate_date": certificate_date},
        },
    )
    return new


@transaction.atomic
def revoke_certificate(enrolment: Enrolment, *, reason: str, actor: User) -> Enrolment:
    """A certificate issued by mistake: a new row without it supersedes the old (kept)."""
    lock_classes([enrolment.training_class_id])  # the class first, as every roster write
    enrolment = _lock_enrolment(enrolment)
    _require(actor, enrolment.training_class.organiser)
    _require_current(enrolment)
    reason = corrections.check_reason(reason)
    if not enrolment.completed:
        raise DomainError(
            _("%(person)s chưa được cấp giấy chứng nhận: không có gì để thu hồi.")
            % {"person": enrolment.person},
            rule="certificate_missing",
        )
    new = _supersede(
        enrolment,
        reason=reason,
        actor=actor,
        completed=False,
        result=Enrolment.Result.NONE,
        certificate_number="",
        certificate_date=None,
        issuing_body=None,
    )
    record(
        actor=actor,
        action="training.enrolment.certificate_revoked",
        target=new,
        organisation=enrolment.training_class.organiser,
        data={
            "reason": reason,
            "certificate_number": enrolment.certificate_number,
            "certificate_date": enrolment.certificate_date,
        },
    )
    return new


@transaction.atomic
def remove_enrolment(enrolment: Enrolment, *, reason: str, actor: User) -> Enrolment:
    """Take a student off the roster (enrolled by mistake, left the class): a new row marked
    removed supersedes the old (kept). A certificate goes with it."""
    lock_classes([enrolment.training_class_id])  # the class first, as every roster write
    enrolment = _lock_enrolment(enrolment)
    _require(actor, enrolment.training_class.organiser)
    _require_current(enrolment)
    reason = corrections.check_reason(reason)
    new = _supersede(
        enrolment,
        reason=reason,
        actor=actor,
        removed=True,
        completed=False,
        certificate_number="",
        certificate_date=None,
        issuing_body=None,
    )
    record(
        actor=actor,
        action="training.enrolment.removed",
        target=new,
        organisation=enrolment.training_class.organiser,
        data={"reason": reason, "person": enrolment.person},
    )
    return new


@transaction.atomic
def correct_class(
    training_class: TrainingClass,
    *,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    actor: User,
) -> TrainingClass:
    """Correct a class's name or dates: the class holds the new values, a ``ClassCorrection``
    row the old ones. Certificates already issued must not precede the new end date."""
    _require(actor, training_class.organiser)
    training_class = _lock_class(training_class)
    if training_class.status == TrainingClass.Status.CANCELLED:
        _require_open(training_class)
    reason = corrections.check_reason(reason)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Phải nhập tên lớp."), rule="class_name", field="name")
    check_class_dates(start_date, end_date)
    early = (
        Enrolment.objects.certificates()
        .filter(training_class=training_class, certificate_date__lt=end_date)
        .order_by("certificate_date")
        .first()
    )
    if early is not None and early.certificate_date is not None:
        raise DomainError(
            _(
                "Giấy chứng nhận của %(person)s cấp ngày %(day)s, trước ngày bế giảng mới"
                " %(end_date)s: sửa giấy trước."
            )
            % {
                "person": early.person,
                "day": _fmt(early.certificate_date),
                "end_date": _fmt(end_date),
            },
            rule="certificate_date",
            found=_fmt(early.certificate_date),
            required=_("từ %(end_date)s") % {"end_date": _fmt(end_date)},
            field="end_date",
        )
    before = {
        "name": training_class.name,
        "start_date": training_class.start_date.isoformat(),
        "end_date": training_class.end_date.isoformat(),
    }
    after = {"name": name, "start_date": start_date.isoformat(), "end_date": end_date.isoformat()}
    if before == after:
        raise DomainError(_("Không có gì thay đổi."), rule="correction_unchanged")
    training_class.name, training_class.start_date, training_class.end_date = (
        name,
        start_date,
        end_date,
    )
    try:
        with transaction.atomic(), _counted(training_class.pk):
            training_class.save(update_fields=["name", "start_date", "end_date"])
    except IntegrityError as exc:
        raise DomainError(
            _("%(organiser)s đã có lớp «%(name)s» khai giảng ngày %(start_date)s.")
            % {"organiser": training_class.organiser, "name": name, "start_date": _fmt(start_date)},
            rule="unique_training_class",
            field="name",
        ) from exc
    ClassCorrection.objects.create(
        training_class=training_class,
        kind=ClassCorrection.Kind.CORRECTED,
        reason=reason,
        before=before,
        after=after,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action="training.training_class.corrected",
        target=training_class,
        organisation=training_class.organiser,
        data={"reason": reason, "before": before, "after": after},
    )
    return training_class


@transaction.atomic
def cancel_class(training_class: TrainingClass, *, reason: str, actor: User) -> TrainingClass:
    """Cancel a class that did not take place. Certificates issued in it must be revoked
    first (each with its own reason)."""
    _require(actor, training_class.organiser)
    training_class = _lock_class(training_class)
    _require_open(training_class)
    reason = corrections.check_reason(reason)
    issued = Enrolment.objects.certificates().filter(training_class=training_class).count()
    if issued:
        raise DomainError(
            _("Lớp đã cấp %(count)s giấy chứng nhận: thu hồi từng giấy trước khi hủy lớp.")
            % {"count": issued},
            rule="class_cancel_certificates",
            found=str(issued),
            required="0",
        )
    training_class.status = TrainingClass.Status.CANCELLED
    training_class.save(update_fields=["status"])
    ClassCorrection.objects.create(
        training_class=training_class,
        kind=ClassCorrection.Kind.CANCELLED,
        reason=reason,
        before={"status": TrainingClass.Status.OPEN.value},
        after={"status": TrainingClass.Status.CANCELLED.value},
        recorded_by=actor,
    )
    ClassProposal.objects.filter(
        training_class=training_class, status=ClassProposal.Status.PENDING
    ).update(status=ClassProposal.Status.DECLINED, decided_at=timezone.now())
    record(
        actor=actor,
        action="training.training_class.cancelled",
        target=training_class,
        organisation=training_class.organiser,
        data={"reason": reason},
    )
    return training_class


@transaction.atomic
def close_class(training_class: TrainingClass, *, actor: User) -> TrainingClass:
    """Close a finished class: every student has a result, passed students a certificate."""
    _require(actor, training_class.organiser)
    training_class = _lock_class(training_class)
    _require_open(training_class)
    today = timezone.localdate()
    if training_class.end_date > today:
        raise DomainError(
            _("Lớp chưa bế giảng (%(end_date)s).") % {"end_date": _fmt(training_class.end_date)},
            rule="class_close_date",
            found=_fmt(today),
            required=_("từ %(end_date)s") % {"end_date": _fmt(training_class.end_date)},
        )
    roster = Enrolment.objects.active().filter(training_class=training_class)
    waiting = (
        roster.filter(result=Enrolment.Result.NONE).count()
        + roster.filter(result=Enrolment.Result.PASSED, completed=False).count()
    )
    if waiting:
        raise DomainError(
            _("Còn %(count)s học viên chưa có kết quả hoặc đạt mà chưa được cấp giấy chứng nhận.")
            % {"count": waiting},
            rule="class_close_results",
            found=str(waiting),
            required="0",
        )
    training_class.status = TrainingClass.Status.CLOSED
    training_class.closed_on = today
    training_class.save(update_fields=["status", "closed_on"])
    record(
        actor=actor,
        action="training.training_class.closed",
        target=training_class,
        organisation=training_class.organiser,
        data={"closed_on": today},
    )
    return training_class


@transaction.atomic
def propose_person(
    training_class: TrainingClass, *, person: Person, actor: User, note: str = ""
) -> ClassProposal:
    """A cell or commune office proposes one of its people for a class open to them; the
    class's organiser accepts or declines."""
    _require(actor, person.organisation, "training.propose")
    training_class = _lock_class(training_class)
    _require_open(training_class)
    if not person.organisation.path.startswith(training_class.organiser.path):
        raise DomainError(
            _("Lớp «%(name)s» của %(organiser)s không mở cho người của %(organisation)s.")
            % {
                "name": training_class.name,
                "organiser": training_class.organiser,
                "organisation": person.organisation,
            },
            rule="class_open_to",
            field="person",
        )
    check_eligible(training_class, [person])
    if Enrolment.objects.active().filter(training_class=training_class, person=person).exists():
        raise DomainError(
            _("%(person)s đã có trong danh sách học viên của lớp.") % {"person": person},
            rule="unique_enrolment",
            field="person",
        )
    duplicate = DomainError(
        _("%(person)s đã được đề nghị vào lớp này, đang chờ duyệt.") % {"person": person},
        rule="unique_pending_proposal",
        field="person",
    )
    if ClassProposal.objects.filter(
        training_class=training_class, person=person, status=ClassProposal.Status.PENDING
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            proposal = ClassProposal.objects.create(
                training_class=training_class,
                person=person,
                organisation=person.organisation,
                note=(note or "").strip()[:255],
                proposed_by=actor,
            )
    except IntegrityError as exc:
        raise duplicate from exc
    record(
        actor=actor,
        action="training.class_proposal.created",
        target=proposal,
        organisation=person.organisation,
        data={"training_class": training_class.pk, "person": person},
    )
    return proposal


@transaction.atomic
def decide_proposal(proposal: ClassProposal, *, accept: bool, actor: User) -> ClassProposal:
    """The organiser accepts (the person is enrolled) or declines a proposal."""
    proposal = (
        ClassProposal.objects.select_for_update(of=("self",))
        .select_related("training_class__organiser", "person")
        .get(pk=proposal.pk)
    )
    _require(actor, proposal.training_class.organiser)
    if proposal.status != ClassProposal.Status.PENDING:
        raise DomainError(
            _("Đề nghị này đã được xử lý (%(status)s).")
            % {"status": proposal.get_status_display().lower()},
            rule="proposal_pending",
        )
    if accept:
        enrol_person(proposal.training_class, person=proposal.person, actor=actor)
    proposal.status = ClassProposal.Status.ACCEPTED if accept else ClassProposal.Status.DECLINED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    record(
        actor=actor,
        action="training.class_proposal.accepted" if accept else "training.class_proposal.declined",
        target=proposal,
        organisation=proposal.training_class.organiser,
        data={"person": proposal.person},
    )
    return proposal


@transaction.atomic
def record_class_print(training_class: TrainingClass, *, kind: str, rows: int, actor: User) -> None:
    """Audit the print of a class's roster or certificate list (an export: needs
    ``export.run`` somewhere; the rows printed are those the user may read)."""
    from dangvien.core.scoping import can_anywhere

    if not can_anywhere(actor, "export.run"):
        raise PermissionDenied("export.run")
    record(
        actor=actor,
        action="training.class.printed",
        target=training_class,
        organisation=training_class.organiser,
        data={"kind": kind, "rows": rows},
    )
