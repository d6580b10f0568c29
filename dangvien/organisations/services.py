"""All writes on the organisation tree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.text import fold
from dangvien.core.typing import Actor
from dangvien.organisations.models import Organisation

EDITABLE_FIELDS = ("name", "kind", "area_kind", "disadvantaged_area", "valid_from", "valid_to")


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    return {field: getattr(organisation, field) for field in ("code", *EDITABLE_FIELDS)}


def _check_code(code: str, *, exclude_pk: int | None = None) -> str:
    code = code.strip()
    if not code:
        raise DomainError(_("Mã tổ chức không được để trống."), field="code")
    duplicate = Organisation.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise DomainError(
            _("Mã tổ chức «%(code)s» đã được dùng cho tổ chức khác.") % {"code": code},
            rule="organisation_code_unique",
            found=code,
            field="code",
        )
    return code


def _check_interval(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError(
            _("Ngày hết hiệu lực (%(to)s) không được trước ngày hiệu lực (%(from)s).")
            % {"to": f"{valid_to:%d/%m/%Y}", "from": f"{valid_from:%d/%m/%Y}"},
            field="valid_to",
        )


@transaction.atomic
def create_organisation(
    *,
    parent: Organisation | None,
    code: str,
    name: str,
    kind: str,
    actor: Actor,
    area_kind: str = "other",
    disadvantaged_area: bool = False,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Organisation:
    """Create a node under ``parent`` (a root when None). The parent must be in force."""
    code = _check_code(code)
    name = name.strip()
    if not name:
        raise DomainError(_("Tên tổ chức không được để trống."), field="name")
    _check_interval(valid_from, valid_to)
    fields = {
        "code": code,
        "name": name,
        "name_folded": fold(name),
        "kind": kind,
        "area_kind": area_kind,
        "disadvantaged_area": disadvantaged_area,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    organisation: Organisation  # treebeard is untyped: add_root/add_child return Any
    try:
        with transaction.atomic():
            if parent is None:
                organisation = Organisation.add_root(**fields)
            else:
                parent = Organisation.objects.select_for_update().get(pk=parent.pk)
                if parent.valid_to is not None:
                    raise DomainError(
                        _(
                            "Không thể tạo tổ chức trực thuộc «%(parent)s» vì tổ chức này đã "
                            "giải thể hoặc hết hiệu lực từ %(date)s."
                        )
                        % {"parent": parent.name, "date": f"{parent.valid_to:%d/%m/%Y}"},
                        rule="parent_in_force",
                        found=f"{parent.valid_to:%d/%m/%Y}",
                        field="parent",
                    )
                organisation = parent.add_child(**fields)
    except IntegrityError as exc:
        raise DomainError(
            _("Mã tổ chức «%(code)s» đã được dùng cho tổ chức khác.") % {"code": code},
            field="code",
        ) from exc
    record(
        actor=actor,
        action="organisations.organisation.created",
        target=organisation,
        organisation=organisation,
        data={"after": _snapshot(organisation)},
    )
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation, *, actor: Actor, **changes: Any
) -> Organisation:
    """Change the name, kind, area or validity; the code and the place in the tree stay."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Không thể sửa các trường: %s.") % ", ".join(sorted(unknown)))
    before = _snapshot(organisation)
    for field, value in changes.items():
        setattr(organisation, field, value.strip() if isinstance(value, str) else value)
    if not organisation.name:
        raise DomainError(_("Tên tổ chức không được để trống."), field="name")
    _check_interval(organisation.valid_from, organisation.valid_to)
    organisation.name_folded = fold(organisation.name)
    organisation.save(update_fields=[*changes.keys(), "name_folded"])
    record(
        actor=actor,
        action="organisations.organisation.changed",
        target=organisation,
        organisation=organisation,
        data={"before": before, "after": _snapshot(organisation)},
    )
    return organisation
