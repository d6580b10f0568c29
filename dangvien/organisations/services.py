"""All writes on the organisation tree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangvien.audit.services import record
from dangvien.core import counters
from dangvien.core.errors import DomainError
from dangvien.core.text import fold
from dangvien.core.typing import Actor
from dangvien.organisations.choices import CELL_KINDS, OrganisationKind
from dangvien.organisations.models import (
    PLACEMENT_STEP,
    Organisation,
    OrganisationPlacement,
    placement_segment,
)
from dangvien.organisations.registry import subtree_counts

EDITABLE_FIELDS = ("name", "kind", "area_kind", "disadvantaged_area", "valid_from", "valid_to")


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    return {field: getattr(organisation, field) for field in ("code", *EDITABLE_FIELDS)}


def _check_code(code: str, *, exclude_pk: int | None = None) -> str:
    code = code.strip()
    if not code:
        raise DomainError(_("Mã tổ chức không được để trống."), field="code")
    if len(code) > 32:
        raise DomainError(
            _("Mã tổ chức dài quá 32 ký tự."), rule="max_length", found=len(code), required="≤ 32"
        )
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
    if len(name) > 255:
        raise DomainError(
            _("Tên tổ chức dài quá 255 ký tự."),
            rule="max_length",
            found=len(name),
            required="≤ 255",
            field="name",
        )
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
    open_placement(organisation)
    record(
        actor=actor,
        action="organisations.organisation.created",
        target=organisation,
        organisation=organisation,
        data={"after": _snapshot(organisation)},
    )
    return organisation


def searchable_name(organisation: Organisation) -> str:
    """The accent-free text pickers and searches match: the name, then the former names and
    codes of a renamed organisation (``OrganisationAlias``), so it stays findable by them."""
    former = [
        f"{name_folded} {code.lower()}"
        for name_folded, code in organisation.aliases.values_list("name_folded", "code")
    ]
    return " ".join([fold(organisation.name), *former])[:255]


def open_placement(organisation: Organisation) -> OrganisationPlacement:
    """The first placement of a new node: under its parent's open placement, valid from the
    node's own ``valid_from``. Called by every create (the service, the test factories)."""
    parent_path = organisation.path[: -Organisation.steplen]
    parent_placement = (
        OrganisationPlacement.objects.filter(
            organisation__path=parent_path, valid_to__isnull=True
        ).first()
        if parent_path
        else None
    )
    prefix = parent_placement.path if parent_placement else ""
    return OrganisationPlacement.objects.create(
        organisation=organisation,
        parent_id=parent_placement.organisation_id if parent_placement else None,
        path=prefix + placement_segment(organisation.pk),
        depth=organisation.depth,
        valid_from=organisation.valid_from,
    )


def write_missing_placements() -> int:
    """An open placement for every node that has none (rows added by ``bulk_create``: the demo,
    bulk imports), set-based: three queries and one bulk insert whatever the tree's size.
    Returns the number written."""
    placed = set(OrganisationPlacement.objects.values_list("organisation_id", flat=True))
    rows = list(Organisation.objects.values_list("pk", "path", "valid_from"))
    if len(placed) == len(rows):
        return 0
    open_paths = dict(
        OrganisationPlacement.objects.filter(valid_to__isnull=True).values_list(
            "organisation_id", "path"
        )
    )
    pk_by_path = {path: pk for pk, path, _valid_from in rows}
    steplen = Organisation.steplen
    new = []
    for pk, path, valid_from in sorted(rows, key=lambda row: row[1]):
        if pk in placed:
            continue
        parent_pk = pk_by_path.get(path[:-steplen]) if len(path) > steplen else None
        prefix = open_paths.get(parent_pk, "") if parent_pk else ""
        open_paths[pk] = prefix + placement_segment(pk)
        new.append(
            OrganisationPlacement(
                organisation_id=pk,
                parent_id=parent_pk,
                path=open_paths[pk],
                depth=len(path) // steplen,
                valid_from=valid_from,
            )
        )
    OrganisationPlacement.objects.bulk_create(new, batch_size=2000)
    return len(new)


# Fields a change may not empty: the database holds them NOT NULL.
REQUIRED_FIELDS = {
    "name": _lazy("Tên tổ chức"),
    "kind": _lazy("Loại tổ chức"),
    "area_kind": _lazy("Loại địa bàn"),
    "disadvantaged_area": _lazy("Vùng khó khăn"),
}
# Where a node sits in the tree changes through a reorganisation (merge, split, move), which
# keeps the history; an edit never moves it.
STRUCTURE_FIELDS = ("parent", "parent_id", "code", "path", "depth")


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _live_facts(organisation: Organisation, *, subtree: bool) -> list[str]:
    """'12 Đảng viên', '3 Đối tượng kết nạp đang xét'… held by the node (with its subtree)."""
    where = (
        {"organisation__path__startswith": organisation.path}
        if subtree
        else {"organisation": organisation}
    )
    found = []
    for figure in subtree_counts(live=True):
        count = figure.rows().filter(**where).count()
        if count:
            found.append(f"{count} {str(figure.label).lower()}")
    return found


def _check_end_date(organisation: Organisation, valid_to: dt.date) -> None:
    """A node ends only when nothing live remains under it: children in force after the end
    date, members, open dossiers (counted through the registry)."""
    children = (
        Organisation.objects.children_of(organisation)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_to))
        .count()
    )
    found = (
        [_("%(count)s tổ chức trực thuộc còn hiệu lực") % {"count": children}] if children else []
    )
    found += _live_facts(organisation, subtree=True)
    if found:
        raise DomainError(
            _(
                "Không thể cho «%(name)s» hết hiệu lực từ %(date)s: còn %(found)s. Cần chuyển "
                "hoặc kết thúc các tổ chức, đảng viên, hồ sơ này trước (sắp xếp lại tổ chức)."
            )
            % {"name": organisation.name, "date": _d(valid_to), "found": ", ".join(found)},
            rule="end_without_live_facts",
            found=", ".join(found),
            required=_("không còn tổ chức trực thuộc, đảng viên, hồ sơ đang xét"),
            field="valid_to",
        )


def _check_kind(organisation: Organisation, old_kind: str, new_kind: str) -> None:
    """Facts point at cells: a cell holding members or dossiers stays a cell, and a node with
    organisations under it does not become a cell."""
    was_cell, is_cell = old_kind in CELL_KINDS, new_kind in CELL_KINDS
    if was_cell and not is_cell:
        found = _live_facts(organisation, subtree=False)
        required = _("chi bộ không còn đảng viên, hồ sơ đang xét")
    elif is_cell and not was_cell:
        children = Organisation.objects.children_of(organisation).count()
        found = [_("%(count)s tổ chức trực thuộc") % {"count": children}] if children else []
        required = _("không có tổ chức trực thuộc")
    else:
        return
    if found:
        raise DomainError(
            _(
                "Không thể đổi «%(name)s» từ «%(old)s» thành «%(new)s»: còn %(found)s. Việc "
                "sắp xếp lại tổ chức phải qua thao tác sáp nhập, chia tách, chuyển."
            )
            % {
                "name": organisation.name,
                "old": OrganisationKind(old_kind).label,
                "new": OrganisationKind(new_kind).label,
                "found": ", ".join(found),
            },
            rule="kind_keeps_facts",
            found=", ".join(found),
            required=required,
            field="kind",
        )


@transaction.atomic
def update_organisation(
    organisation: Organisation, *, actor: Actor, **changes: Any
) -> Organisation:
    """Change the name, kind, area or validity; the code and the place in the tree stay (a
    reorganisation moves nodes). Refused, naming the rule and what was found: emptying a
    required field, an end date while live children, members or open dossiers remain, a kind
    change between a cell and a committee that would strand facts. A change that changes
    nothing writes nothing and records no audit event."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    moved = sorted(set(changes) & set(STRUCTURE_FIELDS))
    if moved:
        raise DomainError(
            _(
                "Không thể đổi %(fields)s khi sửa tổ chức: việc chuyển tổ chức sang cấp trên "
                "khác hay đổi mã là sắp xếp lại tổ chức (sáp nhập, chia tách, chuyển)."
            )
            % {"fields": ", ".join(moved)},
            rule="reorganisation_only",
            found=", ".join(moved),
            required=_("sắp xếp lại tổ chức"),
            field=moved[0],
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Không thể sửa các trường: %s.") % ", ".join(sorted(unknown)))
    for field, label in REQUIRED_FIELDS.items():
        if field in changes and changes[field] is None:
            raise DomainError(
                _("%(field)s không được để trống.") % {"field": label},
                rule="required",
                found=_("trống"),
                field=field,
            )
    if "kind" in changes and changes["kind"] not in OrganisationKind.values:
        raise DomainError(
            _("Loại tổ chức «%(kind)s» không hợp lệ.") % {"kind": changes["kind"]},
            rule="organisation_kind",
            found=changes["kind"],
            field="kind",
        )
    before = _snapshot(organisation)
    changes = {
        field: value.strip() if isinstance(value, str) else value
        for field, value in changes.items()
    }
    changes = {field: value for field, value in changes.items() if before[field] != value}
    if not changes:
        return organisation
    for field, value in changes.items():
        setattr(organisation, field, value)
    if not organisation.name:
        raise DomainError(_("Tên tổ chức không được để trống."), field="name")
    _check_interval(organisation.valid_from, organisation.valid_to)
    if "kind" in changes:
        _check_kind(organisation, before["kind"], organisation.kind)
    if organisation.valid_to is not None and "valid_to" in changes:
        _check_end_date(organisation, organisation.valid_to)
    organisation.name_folded = searchable_name(organisation)
    organisation.save(update_fields=[*changes.keys(), "name_folded"])
    record(
        actor=actor,
        action="organisations.organisation.changed",
        target=organisation,
        organisation=organisation,
        data={"before": before, "after": _snapshot(organisation)},
    )
    return organisation


def require_in_force(organisation: Organisation, day: dt.date) -> None:
    """An organisation accepts no new fact dated after its end date (nor before it was
    founded): it keeps its history, and the facts of after belong to its successors. Called by
    the services that write dated facts (steps, membership events, enrolments, targets)."""
    if organisation.valid_to is not None and day > organisation.valid_to:
        raise DomainError(
            _(
                "«%(name)s» đã hết hiệu lực từ %(end)s (sắp xếp lại tổ chức): không thể ghi "
                "thông tin ngày %(day)s vào tổ chức này; hãy ghi vào tổ chức kế thừa."
            )
            % {"name": organisation.name, "end": _d(organisation.valid_to), "day": _d(day)},
            rule="organisation_in_force",
            found=_d(day),
            required=_("đến ngày %(end)s") % {"end": _d(organisation.valid_to)},
            field="organisation",
        )
    if organisation.valid_from is not None and day < organisation.valid_from:
        raise DomainError(
            _(
                "«%(name)s» được thành lập từ %(start)s: không thể ghi thông tin ngày %(day)s "
                "vào tổ chức này."
            )
            % {"name": organisation.name, "start": _d(organisation.valid_from), "day": _d(day)},
            rule="organisation_in_force",
            found=_d(day),
            required=_("từ ngày %(start)s") % {"start": _d(organisation.valid_from)},
            field="organisation",
        )


def refuse_before_last_change(effective_date: dt.date, last: dt.date) -> None:
    """A reorganisation dated before the last one that placed the organisation (or a node of
    its subtree) would write its history out of order."""
    raise DomainError(
        _(
            "Ngày hiệu lực %(date)s sớm hơn lần sắp xếp trước của tổ chức này (%(last)s): "
            "không thể ghi lại lịch sử theo thứ tự ngược."
        )
        % {"date": _d(effective_date), "last": _d(last)},
        rule="reorganisation_after_last_change",
        found=_d(effective_date),
        required=_("từ %(last)s") % {"last": _d(last)},
        field="effective_date",
    )


def relocate_subtree(
    node: Organisation,
    new_parent: Organisation,
    *,
    effective_date: dt.date,
    event: Any = None,
) -> int:
    """Re-parent ``node`` (with its subtree) under ``new_parent`` from ``effective_date``: the
    open placements of every node of the subtree end the day before, new ones open on the date
    (a placement opened on that very date is corrected in place), and treebeard's path becomes
    the new tree. Set-based: a constant number of queries whatever the subtree's size. The
    caller (a reorganisation service) checks the rules, locks and audits. Returns the number of
    nodes moved."""
    node = Organisation.objects.get(pk=node.pk)
    new_parent = Organisation.objects.get(pk=new_parent.pk)
    parent_placement = OrganisationPlacement.objects.get(
        organisation=new_parent, valid_to__isnull=True
    )
    own = OrganisationPlacement.objects.get(organisation=node, valid_to__isnull=True)
    rows = list(
        OrganisationPlacement.objects.select_for_update()
        .filter(path__startswith=own.path, valid_to__isnull=True)
        .order_by("path")
    )
    late = [row.valid_from for row in rows if row.valid_from and row.valid_from > effective_date]
    if late:
        refuse_before_last_change(effective_date, max(late))
    old_prefix = own.path
    new_prefix = parent_placement.path + placement_segment(node.pk)
    same_day = [row for row in rows if row.valid_from == effective_date]
    earlier = [row for row in rows if row.valid_from != effective_date]
    for row in same_day:
        row.path = new_prefix + row.path[len(old_prefix) :]
        row.depth = len(row.path) // PLACEMENT_STEP
        row.event = event
        if row.organisation_id == node.pk:
            row.parent_id = new_parent.pk
    OrganisationPlacement.objects.bulk_update(same_day, ["path", "depth", "event", "parent"])
    OrganisationPlacement.objects.filter(pk__in=[row.pk for row in earlier]).update(
        valid_to=effective_date - dt.timedelta(days=1)
    )
    OrganisationPlacement.objects.bulk_create(
        [
            OrganisationPlacement(
                organisation_id=row.organisation_id,
                parent_id=new_parent.pk if row.organisation_id == node.pk else row.parent_id,
                path=new_prefix + row.path[len(old_prefix) :],
                depth=len(new_prefix + row.path[len(old_prefix) :]) // PLACEMENT_STEP,
                valid_from=effective_date,
                event=event,
            )
            for row in earlier
        ]
    )
    # the cells under the node count in other provinces' or communes' roll-ups from now on;
    # treebeard moves every node under it, the ended ones too (no open placement, but their
    # counter rows of before their end)
    nodes = Organisation.objects.filter(path__startswith=node.path).values_list("pk", flat=True)
    with counters.rerooted(list(nodes)):
        node.move(new_parent, "sorted-child")
    return len(rows)
