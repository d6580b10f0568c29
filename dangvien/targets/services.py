"""Writes on targets: assign or change a yearly target (the only writer of Target rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core import bounds
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_number
from dangvien.core.scoping import can
from dangvien.organisations.models import Organisation
from dangvien.organisations.services import require_in_force
from dangvien.targets.models import Target, TargetChange

if TYPE_CHECKING:
    from dangvien.accounts.models import User

MIN_YEAR = 1930
MAX_YEAR = 2100


def _assigning_organisation(organisation: Organisation) -> Organisation:
    """The organisation above assigns the target; the root assigns its own."""
    parent = organisation.get_parent()
    return parent if parent is not None else organisation


@transaction.atomic
def set_target(
    organisation: Organisation,
    *,
    year: int,
    value: int,
    actor: User,
    kind: str = Target.Kind.ADMISSIONS,
    note: str = "",
    period: str = Target.Period.YEAR,
) -> Target:
    """Assign (or change) ``organisation``'s target for ``year``.

    Only a user who may change targets on the organisation *above* may do it (targets are
    assigned downwards). The change is kept as a TargetChange row and an audit event; the sum of
    the children's targets may differ from the parent's (a warning on the page, not a refusal).
    """
    assigner = _assigning_organisation(organisation)
    if not can(actor, "target.change", assigner):
        raise DomainError(
            _(
                "Chỉ tiêu của «%(organisation)s» do cấp trên trực tiếp («%(assigner)s»)"
                " giao; bạn không có quyền giao chỉ tiêu ở cấp đó."
            )
            % {"organisation": organisation.name, "assigner": assigner.name},
            rule="target_assigned_by_parent",
            found=organisation.name,
            required=assigner.name,
        )
    if kind not in Target.Kind.values:
        raise DomainError(
            _("Loại chỉ tiêu «%(kind)s» không hợp lệ.") % {"kind": kind},
            rule="target_kind",
            found=kind,
            field="kind",
        )
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(
            _("Năm %(year)s không hợp lệ; cần trong khoảng %(min_year)s–%(max_year)s.")
            % {"year": year, "min_year": MIN_YEAR, "max_year": MAX_YEAR},
            rule="target_year",
            found=year,
            required=f"{MIN_YEAR}–{MAX_YEAR}",
            field="year",
        )
    if value is None or int(value) < 0:
        raise DomainError(
            _("Chỉ tiêu phải là số không âm; nhận được %(value)s.") % {"value": value},
            rule="target_value_min",
            found=value,
            required="≥ 0",
            field="value",
        )
    if kind != Target.Kind.ADMISSIONS and int(value) > 100:
        raise DomainError(
            _("Chỉ tiêu tỷ lệ phải từ 0 đến 100%%; nhận được %(value)s.") % {"value": value},
            rule="target_percentage_max",
            found=value,
            required="≤ 100",
            field="value",
        )
    if period not in Target.Period.values or (period and kind != Target.Kind.ADMISSIONS):
        raise DomainError(
            _(
                "Kỳ của chỉ tiêu «%(period)s» không hợp lệ; chỉ tiêu kết nạp có thể giao cho cả"
                " năm, một quý hoặc 6 tháng, chỉ tiêu tỷ lệ chỉ giao cho cả năm."
            )
            % {"period": period},
            rule="target_period",
            found=period,
            required=", ".join(v or "''" for v in Target.Period.values),
            field="period",
        )
    value = int(value)
    # an organisation ended before the year takes no target for it
    require_in_force(
        organisation, max(dt.date(int(year), 1, 1), organisation.valid_from or dt.date.min)
    )
    target = (
        Target.objects.select_for_update()
        .filter(organisation=organisation, year=year, kind=kind, period=period)
        .first()
    )
    old_value: int | None = None
    if target is None:
        try:
            with transaction.atomic():
                target = Target.objects.create(
                    organisation=organisation,
                    year=year,
                    kind=kind,
                    period=period,
                    value=value,
                    assigned_by=actor,
                )
            created = True
        except IntegrityError:
            # A concurrent request created it first: lock it and treat this as a change.
            target = Target.objects.select_for_update().get(
                organisation=organisation, year=year, kind=kind, period=period
            )
            created = False
    else:
        created = False
    if not created:
        old_value = target.value
        if old_value == value:
            return target
        target.value = value
        target.assigned_by = actor
        target.save(update_fields=["value", "assigned_by", "updated_at"])
    TargetChange.objects.create(
        target=target,
        old_value=old_value,
        new_value=value,
        note=note[:255],
        actor=actor,
        actor_name=str(actor)[:150],
    )
    record(
        actor=actor,
        action="targets.target.assigned" if created else "targets.target.changed",
        target=target,
        organisation=organisation,
        data={
            "year": year,
            "kind": kind,
            "period": period,
            "from": old_value,
            "to": value,
            "note": note,
            "text": f"{format_number(old_value) if old_value is not None else '—'} → "
            f"{format_number(value)}",
        },
    )
    return target


@dataclass(frozen=True)
class AllocationChange:
    organisation: Organisation
    old_value: int | None
    new_value: int


@transaction.atomic
def set_allocation(
    parent: Organisation,
    *,
    year: int,
    values: Mapping[int, int | None],
    actor: User,
    kind: str = Target.Kind.ADMISSIONS,
    note: str = "",
    period: str = "",
) -> list[AllocationChange]:
    """Assign the targets of ``parent``'s children for ``period`` of ``year`` in one go (the
    allocation page, its import and the allocation API). ``period`` is a Target.Period value:
    "" the whole year (the usual case), "q1"…"q4" a quarter, "h1"/"h2" a half-year; each
    period's targets are their own rows, which the reports of that period measure against.

    ``values`` maps a child's id to its target; ``None`` means "no target": accepted for a child
    that has none, refused for one that has (an assigned target is part of the record — set 0
    instead). Children missing from ``values`` keep theirs. Every value is checked before
    anything is written (all or nothing); the parent's row is locked, so concurrent allocations
    of the same parent run one after the other. Unchanged values write nothing; the changes are
    kept as TargetChange rows and one audit event (``targets.allocation.set``) lists them all.
    Returns the changes (empty: nothing changed, e.g. a repeated save).
    """
    if not can(actor, "target.change", parent):
        raise DomainError(
            _(
                "Chỉ tiêu của các tổ chức trực thuộc «%(organisation)s» do cấp này giao; bạn"
                " không có quyền giao chỉ tiêu ở cấp đó."
            )
            % {"organisation": parent.name},
            rule="target_assigned_by_parent",
            found=parent.name,
            required=parent.name,
        )
    _check_kind_and_year(kind, year)
    check_period(period)
    # Lock the parent: allocations of its children are serialised (idempotent replays).
    Organisation.objects.select_for_update().filter(pk=parent.pk).first()
    children = {child.pk: child for child in Organisation.objects.children_of(parent)}
    unknown = [key for key in values if key not in children]
    if unknown:
        raise DomainError(
            _(
                "Tổ chức có mã số %(ids)s không phải tổ chức trực thuộc «%(parent)s»; chỉ giao"
                " chỉ tiêu cho tổ chức trực thuộc trực tiếp."
            )
            % {"ids": ", ".join(str(key) for key in unknown[:5]), "parent": parent.name},
            rule="allocation_direct_children",
            found=unknown[0],
            required=parent.name,
            field="values",
        )
    existing = {
        t.organisation_id: t
        for t in Target.objects.select_for_update().filter(
            organisation_id__in=list(values), year=year, kind=kind, period=period
        )
    }
    changes: list[AllocationChange] = []
    for pk, raw in values.items():
        child = children[pk]
        current = existing.get(pk)
        if raw is None:
            if current is not None:
                raise DomainError(
                    _(
                        "«%(organisation)s» đã được giao chỉ tiêu %(value)s; không xóa được chỉ"
                        " tiêu đã giao, hãy nhập 0 nếu không giao."
                    )
                    % {"organisation": child.name, "value": format_number(current.value)},
                    rule="target_not_removed",
                    found=_("để trống"),
                    required="≥ 0",
                    field=f"org-{pk}",
                )
            continue
        value = _checked_value(kind, raw, child)
        old = current.value if current is not None else None
        if old != value:
            changes.append(AllocationChange(organisation=child, old_value=old, new_value=value))
    for change in changes:
        target = existing.get(change.organisation.pk)
        if target is None:
            target = Target.objects.create(
                organisation=change.organisation,
                year=year,
                kind=kind,
                period=period,
                value=change.new_value,
                assigned_by=actor,
            )
        else:
            target.value = change.new_value
            target.assigned_by = actor
            target.save(update_fields=["value", "assigned_by", "updated_at"])
        TargetChange.objects.create(
            target=target,
            old_value=change.old_value,
            new_value=change.new_value,
            note=note[:255],
            actor=actor,
            actor_name=str(actor)[:150],
        )
    if changes:
        record(
            actor=actor,
            action="targets.allocation.set",
            target=parent,
            organisation=parent,
            data={
                "year": year,
                "period": period,
                "kind": kind,
                "note": note,
                "changes": [
                    {
                        "organisation": change.organisation.code,
                        "from": change.old_value,
                        "to": change.new_value,
                    }
                    for change in changes
                ],
                "text": _("%(count)s tổ chức: %(list)s")
                % {
                    "count": format_number(len(changes)),
                    "list": "; ".join(
                        f"{change.organisation.code} {_shown(change.old_value)}"
                        f" → {format_number(change.new_value)}"
                        for change in changes[:20]
                    ),
                },
            },
        )
    return changes


def _shown(value: int | None) -> str:
    return format_number(value) if value is not None else "—"


def _check_kind_and_year(kind: str, year: int) -> None:
    if kind not in Target.Kind.values:
        raise DomainError(
            _("Loại chỉ tiêu «%(kind)s» không hợp lệ.") % {"kind": kind},
            rule="target_kind",
            found=kind,
            field="kind",
        )
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(
            _("Năm %(year)s không hợp lệ; cần trong khoảng %(min_year)s–%(max_year)s.")
            % {"year": year, "min_year": MIN_YEAR, "max_year": MAX_YEAR},
            rule="target_year",
            found=year,
            required=f"{MIN_YEAR}–{MAX_YEAR}",
            field="year",
        )


def check_period(period: str) -> None:
    """Refuse a period that is not a Target.Period value (in Vietnamese, with the values)."""
    if period not in Target.Period.values:
        raise DomainError(
            _(
                "Kỳ của chỉ tiêu «%(period)s» không hợp lệ; cần để trống (cả năm), q1…q4 (quý)"
                " hoặc h1, h2 (6 tháng)."
            )
            % {"period": period},
            rule="target_period",
            found=period,
            required="'', q1, q2, q3, q4, h1, h2",
            field="period",
        )


def _checked_value(kind: str, raw: object, organisation: Organisation) -> int:
    value: int
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = -1
    if value < 0 or value > bounds.TARGET_MAX or str(raw).strip() != str(value):
        raise DomainError(
            _("Chỉ tiêu của «%(organisation)s» phải là số nguyên không âm; nhận được %(value)s.")
            % {"organisation": organisation.name, "value": raw},
            rule="target_value_min",
            found=raw,
            required="≥ 0",
            field=f"org-{organisation.pk}",
        )
    if kind != Target.Kind.ADMISSIONS and value > 100:
        raise DomainError(
            _("Chỉ tiêu tỷ lệ phải từ 0 đến 100%%; nhận được %(value)s.") % {"value": value},
            rule="target_percentage_max",
            found=value,
            required="≤ 100",
            field=f"org-{organisation.pk}",
        )
    return value


@transaction.atomic
def record_allocation_file(
    parent: Organisation, *, year: int, what: str, rows: int, actor: User, period: str = ""
) -> None:
    """An allocation file left the product (``what``: export, template, print): audited."""
    record(
        actor=actor,
        action=f"targets.allocation.{what}",
        target=parent,
        organisation=parent,
        data={"year": year, "period": period, "rows": rows},
    )


# --- reorganisation (issue 11): targets of the years to come carry over ---------------------


def reorganisation_target_ids(
    organisation_ids: list[int], effective_date: dt.date
) -> dict[int, list[int]]:
    """The targets of these organisations for the effective date's year and after."""
    held: dict[int, list[int]] = {pk: [] for pk in organisation_ids}
    for pk, organisation_id in Target.objects.filter(
        organisation_id__in=organisation_ids, year__gte=effective_date.year
    ).values_list("pk", "organisation_id"):
        held[organisation_id].append(pk)
    return held


@transaction.atomic
def reorganisation_carry_over_targets(
    source: Organisation,
    target: Organisation,
    effective_date: dt.date,
    actor: User,
    *,
    ids: Iterable[int] | None = None,
    event: Any = None,
) -> list[int]:
    """The targets of ``source`` for the years from the effective date carry over to
    ``target``: a number of admissions is added to the target's own (a merge sums its
    sources), a percentage is taken when the target has none. The source's rows stay (its
    history); each change is a ``TargetChange`` row and an audit event."""
    rows = Target.objects.filter(organisation=source, year__gte=effective_date.year)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    carried = []
    for old in rows.order_by("year", "kind"):
        new = (
            Target.objects.select_for_update()
            .filter(organisation=target, year=old.year, kind=old.kind)
            .first()
        )
        before = new.value if new is not None else None
        if new is None:
            new = Target.objects.create(
                organisation=target,
                year=old.year,
                kind=old.kind,
                value=old.value,
                assigned_by=actor,
            )
        elif old.kind == Target.Kind.ADMISSIONS:
            new.value += old.value
            new.save(update_fields=["value", "updated_at"])
        else:
            carried.append(old.pk)
            continue
        TargetChange.objects.create(
            target=new,
            old_value=before,
            new_value=new.value,
            note=(_("Sắp xếp tổ chức: chuyển từ %(source)s") % {"source": source.code})[:255],
            actor=actor,
            actor_name=str(actor)[:150],
        )
        record(
            actor=actor,
            action="targets.target.reorganised",
            target=new,
            organisation=target,
            data={"from": source.code, "year": old.year, "kind": old.kind, "value": new.value},
        )
        carried.append(old.pk)
    return carried
