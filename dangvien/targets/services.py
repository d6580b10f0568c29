"""Writes on targets: assign or change a yearly target (the only writer of Target rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_number
from dangvien.core.scoping import can
from dangvien.organisations.models import Organisation
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
