"""All writes on people. Validation lives here so forms, the API and imports share it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.text import fold
from dangvien.people.models import Person

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
            required="12 chữ số",
            field="citizen_id",
        )
    return cleaned


def validate_person_data(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    """Check and normalise the fields; raises DomainError naming the field."""
    cleaned = dict(data)
    if "full_name" in cleaned:
        name = " ".join(str(cleaned["full_name"] or "").split())
        if not name:
            raise DomainError(_("Họ và tên không được để trống."), field="full_name")
        cleaned["full_name"] = name
    if "date_of_birth" in cleaned:
        born = cleaned["date_of_birth"]
        today = timezone.localdate()
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
        if cleaned["citizen_id"]:
            duplicate = Person.objects.filter(citizen_id=cleaned["citizen_id"])
            if exclude_pk is not None:
                duplicate = duplicate.exclude(pk=exclude_pk)
            if duplicate.exists():
                raise DomainError(
                    _("Số CCCD %(id)s đã có trong danh sách (trùng với một người khác).")
                    % {"id": cleaned["citizen_id"]},
                    rule="citizen_id_unique",
                    found=cleaned["citizen_id"],
                    field="citizen_id",
                )
    if "phone" in cleaned:
        cleaned["phone"] = "".join(str(cleaned["phone"] or "").split())
    return cleaned


def _check_scope(actor: Any, organisation: Any) -> None:
    if not can(actor, "person.change", organisation):
        raise DomainError(
            _("Tổ chức «%s» nằm ngoài phạm vi bạn được phân quyền quản lý.") % organisation,
            rule="scope",
            field="organisation",
        )


def _snapshot(person: Person) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in PERSON_FIELDS:
        value = getattr(person, field)
        data[field] = getattr(value, "pk", value)
    return data


@transaction.atomic
def create_person(*, actor: Any, **data: Any) -> Person:
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %s.") % ", ".join(sorted(unknown)))
    cleaned = validate_person_data(data)
    _check_scope(actor, cleaned["organisation"])
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
def update_person(person: Person, *, actor: Any, **changes: Any) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Trường không hợp lệ: %s.") % ", ".join(sorted(unknown)))
    _check_scope(actor, person.organisation)
    cleaned = validate_person_data(changes, exclude_pk=person.pk)
    if "organisation" in cleaned:
        _check_scope(actor, cleaned["organisation"])
    before = _snapshot(person)
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
def reveal_sensitive(
    person: Person, *, actor: Any, fields: tuple[str, ...] = ("citizen_id",)
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
