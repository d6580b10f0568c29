"""All writes on people. Validation lives here so forms, the API and imports share it.

``create_person`` / ``update_person`` write one person; ``bulk_create_people`` /
``bulk_update_people`` write many at once (the Excel import) with the same checks, a fast
multi-row INSERT (``dangvien.core.bulk.insert_rows``) and one audit row, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core import counters
from dangvien.core.bulk import insert_rows
from dangvien.core.errors import DomainError
from dangvien.core.importing import ProgressCallback, claim_in_file, no_progress
from dangvien.core.scoping import can
from dangvien.core.text import fold
from dangvien.people.models import Person

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.organisations.models import Organisation

BULK_BATCH = 1000
LOOKUP_CHUNK = 500

# The one list of a person's input fields: the form (``PersonForm.Meta.fields``), the services
# below and the Excel import (``imports.importers.base``) all use it. ``full_name_folded`` is
# not an input: the services derive it from ``full_name``.
PERSON_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "ethnic_group",
    "religion",
    "citizen_id",
    "phone",
    "hometown",
    "residence",
    "residence_area",
    "general_education",
    "professional_level",
    "political_theory",
    "occupation",
    "youth_union_member",
    "trade_union_member",
    "is_village_head",
    "is_front_group_head",
    "is_mass_org_head",
    "organisation",
)
REQUIRED_PERSON_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "ethnic_group",
    "religion",
    "occupation",
    "organisation",
)
PERSON_FOREIGN_KEYS = ("ethnic_group", "religion", "occupation", "organisation")


def normalise_citizen_id(value: str | None) -> str | None:
    """Strip spaces; empty → None; anything but 12 digits is refused."""
    if value is None:
        return None
    cleaned = "".join(str(value).split())
    if not cleaned:
        return None
    if not (cleaned.isdigit() and len(cleaned) == 12):
        raise DomainError(
            _("Số CCCD phải gồm đúng 12 chữ số; giá trị nhận được «%(value)s» (%(n)d ký tự).")
            % {"value": cleaned, "n": len(cleaned)},
            rule="citizen_id_format",
            found=cleaned,
            required=gettext("12 chữ số"),
            field="citizen_id",
        )
    return cleaned


def validate_person_data(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Check and normalise the fields; raises DomainError naming the field."""
    cleaned = _clean_person_values(data, today=timezone.localdate())
    if cleaned.get("citizen_id"):
        duplicate = Person.objects.filter(citizen_id=cleaned["citizen_id"])
        if exclude_pk is not None:
            duplicate = duplicate.exclude(pk=exclude_pk)
        if duplicate.exists():
            raise _citizen_id_taken(cleaned["citizen_id"])
    return cleaned


def _citizen_id_taken(citizen_id: str) -> DomainError:
    return DomainError(
        _("Số CCCD %(id)s đã có trong danh sách (trùng với một người khác).") % {"id": citizen_id},
        rule="citizen_id_unique",
        found=citizen_id,
        field="citizen_id",
    )


def _clean_person_values(data: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The checks that need no database: name, birth date, citizen ID format, phone."""
    cleaned = dict(data)
    if "full_name" in cleaned:
        name = " ".join(str(cleaned["full_name"] or "").split())
        if not name:
            raise DomainError(_("Họ và tên không được để trống."), field="full_name")
        cleaned["full_name"] = name
    if "date_of_birth" in cleaned:
        born = cleaned["date_of_birth"]
        if not isinstance(born, dt.date):
            raise DomainError(_("Ngày sinh không hợp lệ."), field="date_of_birth")
        if born > today:
            raise DomainError(
                _("Ngày sinh %(born)s ở tương lai (hôm nay là %(today)s).")
                % {"born": f"{born:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"},
                rule="date_of_birth_not_future",
                found=f"{born:%d/%m/%Y}",
                required=_("không sau %s") % f"{today:%d/%m/%Y}",
                field="date_of_birth",
            )
        if born.year < 1900:
            raise DomainError(
                _("Ngày sinh %s không hợp lệ.") % f"{born:%d/%m/%Y}", field="date_of_birth"
            )
    if "citizen_id" in cleaned:
        cleaned["citizen_id"] = normalise_citizen_id(cleaned["citizen_id"])
    if "phone" in cleaned:
        cleaned["phone"] = "".join(str(cleaned["phone"] or "").split())
    return cleaned


def _check_scope(actor: User, organisation: Organisation) -> None:
    if not can(actor, "person.change", organisation):
        raise DomainError(
            _("Tổ chức «%s» nằm ngoài phạm vi bạn được phân quyền quản lý.") % organisation,
            rule="scope",
            field="organisation",
        )


def _snapshot(person: Person) -> dict[str, Any]:
    """The input fields' values, foreign keys as ids (read from the row, no query)."""
    return {field: getattr(person, _ATTNAMES[field]) for field in PERSON_FIELDS}


_FIELDS = {field.name: field for field in Person._meta.concrete_fields}
_ATTNAMES = {name: _FIELDS[name].attname for name in PERSON_FIELDS}


class PossibleDuplicate(DomainError):
    """A person without citizen ID whose folded name and birth date match someone in the same
    grassroots organisation: the caller shows ``candidates`` and asks before creating."""

    def __init__(self, message: str, *, candidates: list[Person]) -> None:
        super().__init__(
            message,
            rule="person_possible_duplicate",
            found=", ".join(str(person.pk) for person in candidates),
            required=gettext("xác nhận «vẫn tạo mới»"),
            field="full_name",
        )
        self.candidates = candidates


def grassroots_of(organisation: Organisation) -> Organisation:
    """The nearest commune or grassroots party organisation (xã, phường; đảng bộ or chi bộ cơ
    sở) at or above ``organisation``; the organisation itself when none is above it."""
    from dangvien.organisations.choices import GRASSROOTS_KINDS, OrganisationKind
    from dangvien.organisations.models import Organisation

    found = (
        Organisation.objects.ancestors_of(organisation, include_self=True)
        .filter(kind__in=[*GRASSROOTS_KINDS, OrganisationKind.COMMUNE])
        .order_by("-depth")
        .first()
    )
    return found or organisation


def possible_duplicates(
    *, full_name: str, date_of_birth: dt.date, organisation: Organisation
) -> list[Person]:
    """People with the same folded name and birth date anywhere in the grassroots
    organisation of ``organisation`` (with or without a citizen ID)."""
    commune = grassroots_of(organisation)
    return list(
        Person.objects.filter(
            full_name_folded=fold(" ".join(str(full_name).split())),
            date_of_birth=date_of_birth,
            organisation__path__startswith=commune.path,
        )
        .select_related("organisation")
        .order_by("pk")
    )


def _check_duplicates(
    cleaned: Mapping[str, Any],
    *,
    confirm_duplicate: bool,
    seen_duplicates: int | None,
) -> None:
    """Without a citizen ID, a same name + birth date in the same grassroots organisation is
    asked about first. The grassroots organisation's row is locked, so of two identical
    requests at once the second sees the first's person."""
    from dangvien.organisations.models import Organisation

    commune = grassroots_of(cleaned["organisation"])
    Organisation.objects.select_for_update().filter(pk=commune.pk).first()
    candidates = possible_duplicates(
        full_name=cleaned["full_name"],
        date_of_birth=cleaned["date_of_birth"],
        organisation=cleaned["organisation"],
    )
    if not candidates:
        return
    if confirm_duplicate and (seen_duplicates is None or len(candidates) <= seen_duplicates):
        return
    raise PossibleDuplicate(
        _(
            "Có thể trùng: %(n)d người tên «%(name)s», sinh ngày %(born)s đã có trong %(org)s. "
            "Hãy kiểm tra; nếu đúng là người khác, chọn «Vẫn tạo mới»."
        )
        % {
            "n": len(candidates),
            "name": cleaned["full_name"],
            "born": f"{cleaned['date_of_birth']:%d/%m/%Y}",
            "org": grassroots_of(cleaned["organisation"]),
        },
        candidates=candidates,
    )


def describe_duplicates(candidates: Sequence[Person], *, user: Any) -> list[dict[str, Any]]:
    """The candidates as the user may see them: name, birth date and id only for people in
    their scope; for the others only the organisation (scope is never widened by the check)."""
    visible = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[person.pk for person in candidates])
        .values_list("pk", flat=True)
    )
    described = []
    for person in candidates:
        if person.pk in visible:
            described.append(
                {
                    "id": person.pk,
                    "full_name": person.full_name,
                    "date_of_birth": person.date_of_birth,
                    "organisation": str(person.organisation),
                    "has_citizen_id": bool(person.citizen_id),
                }
            )
        else:
            described.append(
                {
                    "id": None,
                    "full_name": "",
                    "date_of_birth": None,
                    "organisation": str(person.organisation),
                    "has_citizen_id": bool(person.citizen_id),
                }
            )
    return described


@transaction.atomic
def create_person(
    *,
    actor: User,
    confirm_duplicate: bool = False,
    seen_duplicates: int | None = None,
    **data: Any,
) -> Person:
    """Create one person. Without a citizen ID, a possible duplicate (same folded name and
    birth date in the same grassroots organisation) raises ``PossibleDuplicate`` unless
    ``confirm_duplicate``; ``seen_duplicates`` (how many candidates the user was shown) makes
    the confirmation hold for those only, so a repeated «create anyway» asks again."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %s.") % ", ".join(sorted(unknown)))
    cleaned = validate_person_data(data)
    _check_scope(actor, cleaned["organisation"])
    if not cleaned.get("citizen_id") and cleaned.get("date_of_birth") and cleaned.get("full_name"):
        _check_duplicates(
            cleaned, confirm_duplicate=confirm_duplicate, seen_duplicates=seen_duplicates
        )
    person = Person(**cleaned)
    person.full_name_folded = fold(person.full_name)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise DomainError(
            _("Số CCCD %s đã có trong danh sách.") % cleaned.get("citizen_id"),
            rule="citizen_id_unique",
            field="citizen_id",
        ) from exc
    record(
        actor=actor,
        action="people.person.created",
        target=person,
        organisation=person.organisation,
        data={"after": _snapshot(person)},
    )
    return person


@transaction.atomic
def update_person(person: Person, *, actor: User, **changes: Any) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %s.") % ", ".join(sorted(unknown)))
    _check_scope(actor, person.organisation)
    cleaned = validate_person_data(changes, exclude_pk=person.pk)
    if "organisation" in cleaned:
        _check_scope(actor, cleaned["organisation"])
    before = _snapshot(person)
    # a change that changes nothing writes nothing and records no audit event
    cleaned = {field: value for field, value in cleaned.items() if getattr(person, field) != value}
    if not cleaned:
        return person
    counted = counters.Tracker("person", [person.pk])  # a person's facts count in figures
    for field, value in cleaned.items():
        setattr(person, field, value)
    person.full_name_folded = fold(person.full_name)
    try:
        with transaction.atomic():
            person.save(update_fields=[*cleaned.keys(), "full_name_folded", "updated_at"])
    except IntegrityError as exc:
        raise DomainError(
            _("Số CCCD %s đã có trong danh sách.") % cleaned.get("citizen_id"),
            rule="citizen_id_unique",
            field="citizen_id",
        ) from exc
    counted.done()
    after = _snapshot(person)
    record(
        actor=actor,
        action="people.person.changed",
        target=person,
        organisation=person.organisation,
        data={
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
        },
    )
    return person


@transaction.atomic
def follow_membership(
    person: Person, *, organisation: Organisation, actor: User, reason: str
) -> Person:
    """The person's managing organisation follows their membership: called by ``members``
    when a transfer completes (the caller checked the actor may complete it), so the person's
    record is read by the new cell and no longer by the old one (scope is the person's
    organisation). Nothing is written when it is already there."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.organisation_id == organisation.pk:
        return person
    before = person.organisation_id
    # a person's cell counts in figures (training.counters: their classes' students)
    with counters.tracking("person_cell", [person.pk]):
        person.organisation = organisation
        person.save(update_fields=["organisation", "updated_at"])
    record(
        actor=actor,
        action="people.person.changed",
        target=person,
        organisation=organisation,
        data={
            "before": {"organisation": before},
            "after": {"organisation": organisation.pk},
            "reason": reason,
        },
    )
    return person


@transaction.atomic
def reveal_sensitive(
    person: Person, *, actor: User, fields: tuple[str, ...] = ("citizen_id",)
) -> dict[str, str]:
    """Return the unmasked values and log who saw whose, when and from where."""
    if not can(actor, "person.reveal_sensitive", person.organisation):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("person.reveal_sensitive")
    record(
        actor=actor,
        action="people.person.sensitive_revealed",
        target=person,
        organisation=person.organisation,
        data={"fields": list(fields)},
    )
    return {field: getattr(person, field) or "" for field in fields}


# --- many people at once (the Excel import) ------------------------------------------------------


def _row_label(index: int, row_numbers: Sequence[int] | None) -> int:
    return row_numbers[index] if row_numbers is not None else index + 1


def _in_row(exc: DomainError, row: int) -> DomainError:
    """The same refusal, naming the row it came from."""
    return DomainError(
        _("Dòng %(row)d: %(message)s") % {"row": row, "message": exc.message},
        rule=exc.rule,
        found=exc.found,
        required=exc.required,
        field=exc.field,
    )


def _check_unknown_fields(keys: Iterable[str]) -> None:
    unknown = set(keys) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %s.") % ", ".join(sorted(unknown)))


def _check_choices(cleaned: Mapping[str, Any]) -> None:
    for name in cleaned.keys() & _CHOICE_VALUES.keys():
        if cleaned[name] not in _CHOICE_VALUES[name]:
            raise DomainError(
                _("Giá trị «%(value)s» không hợp lệ cho «%(field)s».")
                % {"value": cleaned[name], "field": _FIELDS[name].verbose_name},
                field=name,
            )


_CHOICE_VALUES: dict[str, frozenset[str]] = {
    field.name: frozenset(str(value) for value, _label in field.flatchoices)
    for field in Person._meta.concrete_fields
    if field.choices
}


def _check_scope_all(actor: User, organisations: Iterable[Organisation]) -> None:
    for organisation in {org.pk: org for org in organisations}.values():
        _check_scope(actor, organisation)


def _taken_citizen_ids(citizen_ids: Sequence[str]) -> dict[str, int]:
    """citizen ID → the pk of the person holding it, for the IDs already in the database."""
    taken: dict[str, int] = {}
    ordered = sorted(set(citizen_ids))
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        for citizen_id, pk in Person.objects.filter(citizen_id__in=chunk).values_list(
            "citizen_id", "pk"
        ):
            taken[str(citizen_id)] = pk
    return taken


def common_organisation(organisations: Iterable[Organisation]) -> Organisation | None:
    """The lowest organisation whose subtree holds all of ``organisations`` (the audit scope)."""
    from dangvien.organisations.models import Organisation

    paths = {org.path for org in organisations}
    if not paths:
        return None
    prefix = paths.pop()
    for path in paths:
        while not path.startswith(prefix):
            prefix = prefix[: len(prefix) - Organisation.steplen]
    prefix = prefix[: len(prefix) - len(prefix) % Organisation.steplen]
    return Organisation.objects.filter(path=prefix).first() if prefix else None


def _fk_ids(values: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys by attname (``organisation`` → ``organisation_id``), for ``insert_rows``."""
    for key in PERSON_FOREIGN_KEYS:
        if key in values:
            value = values.pop(key)
            values[f"{key}_id"] = getattr(value, "pk", value)
    return values


@transaction.atomic
def bulk_create_people(
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: User,
    source: Mapping[str, Any] | None = None,
    row_numbers: Sequence[int] | None = None,
    progress: ProgressCallback = no_progress,
) -> list[int]:
    """Create a person from each of ``rows`` (``PERSON_FIELDS`` → value, foreign keys as
    objects) and return their ids, in order.

    The checks of ``create_person`` run on every row first (required fields, name, birth date,
    citizen ID format and uniqueness in the rows and in the database, choices, scope); the first
    refusal raises a ``DomainError`` naming its row (``row_numbers[i]``, else ``i + 1``) and
    nothing is written. Then the rows go in with multi-row INSERTs, and one audit row
    (``people.person.bulk_created``, with ``source``) records the count.
    """
    if row_numbers is not None and len(row_numbers) != len(rows):
        raise ValueError("row_numbers must match rows")
    today = timezone.localdate()
    cleaned_rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        label = _row_label(index, row_numbers)
        try:
            _check_unknown_fields(row)
            missing = [name for name in REQUIRED_PERSON_FIELDS if row.get(name) is None]
            if missing:
                raise DomainError(
                    _("Thiếu giá trị bắt buộc: %s.")
                    % ", ".join(str(_FIELDS[name].verbose_name) for name in missing),
                    field=missing[0],
                )
            cleaned = _clean_person_values(row, today=today)
            _check_choices(cleaned)
            citizen_id = cleaned.get("citizen_id")
            if citizen_id:
                claim_in_file(
                    seen,
                    citizen_id,
                    label,
                    message=_("Số CCCD %(value)s trùng với dòng %(row)d."),
                    rule="citizen_id_unique",
                    field="citizen_id",
                )
        except DomainError as exc:
            raise _in_row(exc, label) from exc
        cleaned["full_name_folded"] = fold(cleaned["full_name"])
        cleaned_rows.append(cleaned)
    _check_scope_all(actor, (row["organisation"] for row in cleaned_rows))
    taken = _taken_citizen_ids(list(seen))
    if taken:
        citizen_id = min(taken, key=lambda value: seen[value])
        raise _in_row(_citizen_id_taken(citizen_id), seen[citizen_id])
    ids: list[int] = []
    for start in range(0, len(cleaned_rows), BULK_BATCH):
        batch = cleaned_rows[start : start + BULK_BATCH]
        ids.extend(insert_rows(Person, [_fk_ids(dict(row)) for row in batch]))
        progress("write", len(ids), len(cleaned_rows))
    if ids:
        record(
            actor=actor,
            action="people.person.bulk_created",
            target=None,
            organisation=common_organisation(row["organisation"] for row in cleaned_rows),
            data={"count": len(ids), **(source or {})},
        )
    return ids


@transaction.atomic
def bulk_update_people(
    changes: Mapping[int, Mapping[str, Any]],
    *,
    actor: User,
    source: Mapping[str, Any] | None = None,
    row_numbers: Mapping[int, int] | None = None,
    progress: ProgressCallback = no_progress,
) -> list[Person]:
    """Apply ``changes`` (person id → ``PERSON_FIELDS`` → value) to many people at once.

    The people are locked, then every change is checked as ``update_person`` checks it (scope
    on the current and the new organisation, name, birth date, citizen ID); the first refusal
    raises a ``DomainError`` naming its row (``row_numbers[person id]``) and nothing is written.
    One audit row (``people.person.bulk_changed``) holds each person's changed values, before
    and after.
    """
    today = timezone.localdate()
    pks = sorted(changes)
    people: dict[int, Person] = {}
    for start in range(0, len(pks), LOOKUP_CHUNK):
        chunk = pks[start : start + LOOKUP_CHUNK]
        people.update(
            (person.pk, person)
            for person in Person.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
    allowed: set[int] = set()
    cleaned_changes: dict[int, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for pk in pks:
        label = row_numbers[pk] if row_numbers is not None else pk
        try:
            if pk not in people:
                raise DomainError(_("Không tìm thấy người có mã %d.") % pk)
            _check_unknown_fields(changes[pk])
            cleaned = _clean_person_values(changes[pk], today=today)
            _check_choices(cleaned)
            for organisation in (people[pk].organisation, cleaned.get("organisation")):
                if organisation is not None and organisation.pk not in allowed:
                    _check_scope(actor, organisation)
                    allowed.add(organisation.pk)
            citizen_id = cleaned.get("citizen_id")
            if citizen_id:
                if citizen_id in seen:
                    raise _citizen_id_taken(citizen_id)
                seen[citizen_id] = pk
        except DomainError as exc:
            raise _in_row(exc, label) from exc
        cleaned_changes[pk] = cleaned
    for citizen_id, holder in _taken_citizen_ids(list(seen)).items():
        if holder != seen[citizen_id]:
            pk = seen[citizen_id]
            label = row_numbers[pk] if row_numbers is not None else pk
            raise _in_row(_citizen_id_taken(citizen_id), label)
    now = timezone.now()
    fields: set[str] = {"full_name_folded", "updated_at"}
    audit: dict[str, Any] = {}
    for pk, cleaned in cleaned_changes.items():
        person = people[pk]
        before = _snapshot(person)
        for name, value in cleaned.items():
            setattr(person, name, value)
        person.full_name_folded = fold(person.full_name)
        person.updated_at = now
        fields.update(cleaned)
        after = _snapshot(person)
        audit[str(pk)] = {
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
        }
    ordered = [people[pk] for pk in pks]
    counted = counters.Tracker("person", pks)
    for start in range(0, len(ordered), BULK_BATCH):
        Person.objects.bulk_update(ordered[start : start + BULK_BATCH], sorted(fields))
        progress("write", min(start + BULK_BATCH, len(ordered)), len(ordered))
    counted.done()
    if ordered:
        record(
            actor=actor,
            action="people.person.bulk_changed",
            target=None,
            organisation=common_organisation(person.organisation for person in ordered),
            data={"count": len(ordered), "changes": audit, **(source or {})},
        )
    return ordered


# --- reorganisation (issue 11) -------------------------------------------------------------------


def reorganisation_person_ids(
    organisation_ids: list[int], effective_date: dt.date
) -> dict[int, list[int]]:
    """The people managed by these organisations (candidates, the outstanding list), as
    ``{organisation id: [person ids]}``; members follow their membership first."""
    held: dict[int, list[int]] = {pk: [] for pk in organisation_ids}
    for pk, organisation_id in Person.objects.filter(
        organisation_id__in=organisation_ids
    ).values_list("pk", "organisation_id"):
        held[organisation_id].append(pk)
    return held


@transaction.atomic
def reorganisation_hand_over_people(
    source: Organisation,
    target: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Sequence[int] | None = None,
    event: Any = None,
) -> list[int]:
    """The people managed by ``source`` are managed by ``target`` from the reorganisation
    (one update, one audit row): their records are read by the organisation that took over."""
    rows = Person.objects.select_for_update().filter(organisation=source)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    moved = list(rows.values_list("pk", flat=True))
    if moved:
        # a person's cell counts in figures (training.counters: their classes' students)
        with counters.tracking("person_cell", moved):
            Person.objects.filter(pk__in=moved).update(
                organisation=target, updated_at=timezone.now()
            )
        record(
            actor=actor,
            action="people.person.reorganised",
            target=target,
            organisation=target,
            data={"from": source.code, "to": target.code, "date": effective_date, "people": moved},
        )
    return moved
