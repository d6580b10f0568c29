"""All writes of the rules app: adding rule sets (never editing a used one) and correcting
the working-day calendar. Reads (``get_rule_set``) live in selectors and are re-exported here."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can_anywhere
from dangvien.rules import registry
from dangvien.rules.defaults import COMMON_VALUES
from dangvien.rules.models import CalendarDay, RuleSet
from dangvien.rules.selectors import get_rule_set, is_rule_set_used

if TYPE_CHECKING:
    from dangvien.accounts.models import User

__all__ = [
    "create_rule_set",
    "get_rule_set",
    "remove_calendar_day",
    "set_calendar_day",
    "update_rule_set",
    "validate_values",
]


def _require(actor: User, action: str) -> None:
    if not can_anywhere(actor, action):
        raise PermissionDenied(action)


def validate_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every known key must be present with a value of the right kind: integers ≥ 0 for months
    and days, fractions "a/b" in (0, 1] for vote thresholds, text for the rest."""
    cleaned: dict[str, Any] = {}
    for key, default in COMMON_VALUES.items():
        if key not in values or values[key] in (None, ""):
            raise DomainError(
                _("Thiếu giá trị «%(key)s» trong bộ quy định.") % {"key": key},
                rule=key,
                required=key,
                field=key,
            )
        value = values[key]
        if isinstance(default, int):
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = -1
            if number < 0 or str(number) != str(value).strip():
                raise DomainError(
                    _("«%(key)s» phải là số nguyên không âm; nhận được «%(value)s».")
                    % {"key": key, "value": value},
                    rule=key,
                    found=value,
                    required=_("số nguyên ≥ 0"),
                    field=key,
                )
            cleaned[key] = number
        elif key.endswith("_fraction"):
            try:
                fraction = Fraction(str(value).strip())
            except (ValueError, ZeroDivisionError):
                fraction = Fraction(-1)
            if not 0 < fraction <= 1:
                raise DomainError(
                    _(
                        "«%(key)s» phải là phân số trong khoảng (0, 1], ví dụ 2/3; nhận được"
                        " «%(value)s»."
                    )
                    % {"key": key, "value": value},
                    rule=key,
                    found=value,
                    required="a/b, 0 < a/b ≤ 1",
                    field=key,
                )
            cleaned[key] = str(value).strip()
        else:
            cleaned[key] = str(value).strip()
    for key, value in values.items():
        cleaned.setdefault(key, value)
    return cleaned


@transaction.atomic
def create_rule_set(
    *,
    name: str,
    effective_from: dt.date,
    source: str,
    values: dict[str, Any],
    actor: User,
) -> RuleSet:
    """Add a rule set in force from ``effective_from``. Earlier sets are kept as they are."""
    _require(actor, "rules.change")
    if not name.strip() or not source.strip():
        raise DomainError(
            _("Bộ quy định phải có tên và văn bản căn cứ."), rule="rule_set_source", field="source"
        )
    cleaned = validate_values(values)
    try:
        with transaction.atomic():
            rule_set = RuleSet.objects.create(
                name=name.strip(), effective_from=effective_from, source=source, values=cleaned
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Đã có bộ quy định hiệu lực từ ngày %(effective_from)s.")
            % {"effective_from": format(effective_from, "%d/%m/%Y")},
            rule="rule_set_unique_date",
            found=f"{effective_from:%d/%m/%Y}",
            required=_("một ngày hiệu lực chưa có bộ quy định"),
            field="effective_from",
        ) from exc
    registry.rule_set_changed()
    record(
        actor=actor,
        action="rules.rule_set.created",
        target=rule_set,
        data={"effective_from": effective_from, "values": cleaned},
    )
    return rule_set


@transaction.atomic
def update_rule_set(
    rule_set: RuleSet,
    *,
    actor: User,
    today: dt.date | None = None,
    **changes: Any,
) -> RuleSet:
    """Correct a rule set that has not been used yet (not in force, no step refers to it)."""
    _require(actor, "rules.change")
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if is_rule_set_used(rule_set, today=today):
        raise DomainError(
            _(
                "Bộ quy định «%(rule_set)s» đã có hiệu lực hoặc đã được áp dụng nên"
                " không được sửa; hãy thêm bộ quy định mới."
            )
            % {"rule_set": rule_set.name},
            rule="rule_set_immutable",
            found=_("đã áp dụng"),
            required=_("chưa áp dụng"),
        )
    allowed = {"name", "source", "values", "effective_from"}
    wanted = {
        key: validate_values(value) if key == "values" else value
        for key, value in changes.items()
        if key in allowed
    }
    # a change that changes nothing writes nothing and records no audit event
    wanted = {key: value for key, value in wanted.items() if getattr(rule_set, key) != value}
    if not wanted:
        return rule_set
    old = {key: getattr(rule_set, key) for key in wanted}
    for key, value in wanted.items():
        setattr(rule_set, key, value)
    rule_set.save(update_fields=list(wanted))
    registry.rule_set_changed()
    record(
        actor=actor,
        action="rules.rule_set.changed",
        target=rule_set,
        data={"from": old, "to": {key: getattr(rule_set, key) for key in old}},
    )
    return rule_set


@transaction.atomic
def set_calendar_day(*, date: dt.date, kind: str, note: str = "", actor: User) -> CalendarDay:
    """Mark ``date`` as an extra day off or a swapped working day (replacing an earlier entry
    for that date). Open dossiers' deadlines are recomputed."""
    _require(actor, "calendar.change")
    if kind not in CalendarDay.Kind.values:
        raise DomainError(
            _("Loại ngày «%(kind)s» không hợp lệ.") % {"kind": kind},
            rule="calendar_kind",
            found=kind,
            required=", ".join(CalendarDay.Kind.values),
            field="kind",
        )
    day, created = CalendarDay.objects.select_for_update().get_or_create(
        date=date, defaults={"kind": kind, "note": note}
    )
    old = None if created else {"kind": day.kind, "note": day.note}
    if not created and (day.kind, day.note) == (kind, note):
        return day  # the same entry again: nothing written, nothing audited
    if not created:
        day.kind, day.note = kind, note
        day.save(update_fields=["kind", "note"])
    record(
        actor=actor,
        action="rules.calendar_day.set",
        target=day,
        data={"from": old, "to": {"date": date, "kind": kind, "note": note}},
    )
    registry.calendar_changed()
    return day


@transaction.atomic
def remove_calendar_day(day: CalendarDay, *, actor: User) -> None:
    _require(actor, "calendar.change")
    data = {"date": day.date, "kind": day.kind, "note": day.note}
    record(actor=actor, action="rules.calendar_day.removed", target=day, data=data)
    CalendarDay.objects.filter(pk=day.pk).delete()
    registry.calendar_changed()
