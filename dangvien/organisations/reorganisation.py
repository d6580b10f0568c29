"""Reorganising the tree (issue 11): merge, split, move, rename, dissolve.

Each operation is one transaction, takes an effective date, the decision's number and the
handover minutes' reference (biên bản bàn giao), and records a ``ReorganisationEvent`` with its
sources and targets, an audit row, and (merge, split) lineage edges. Nodes keep their identity:
a re-parented node keeps its facts, its placements record where it sat
(``services.relocate_subtree``). Facts held directly by a node that ends are handed over by the
apps that own them (``registry.register_fact_mover``). See docs/reorganisation.md.

A refusal raises ``DomainError`` (Vietnamese, with the rule, the value found and the value
required) and, the operation being one transaction, leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError, Forbidden
from dangvien.core.scoping import can
from dangvien.core.text import fold
from dangvien.core.typing import Actor
from dangvien.organisations.choices import CELL_KINDS, OrganisationKind, ReorganisationKind
from dangvien.organisations.models import (
    Organisation,
    OrganisationAlias,
    OrganisationLineage,
    OrganisationPlacement,
    ReorganisationEvent,
    ReorganisationPlan,
)
from dangvien.organisations.registry import FactMover, fact_movers
from dangvien.organisations.services import (
    _check_code,
    _live_facts,
    create_organisation,
    refuse_before_last_change,
    relocate_subtree,
    searchable_name,
)

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class OrganisationSpec:
    """A new organisation a merge or a split founds on the effective date."""

    code: str
    name: str
    kind: str
    parent: Organisation | None = None  # None: the parent of the (first) source
    area_kind: str = "other"
    disadvantaged_area: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], parent: Organisation | None = None) -> Any:
        return cls(
            code=str(data.get("code", "")),
            name=str(data.get("name", "")),
            kind=str(data.get("kind", "")),
            parent=parent,
            area_kind=str(data.get("area_kind") or "other"),
            disadvantaged_area=bool(data.get("disadvantaged_area", False)),
        )


def require_reorganise(actor: Actor, organisations: Sequence[Organisation | None]) -> None:
    """Only the roles that administer the tree reorganise it, over every organisation the
    operation touches (sources, targets, parents): 403 otherwise."""
    for organisation in organisations:
        if organisation is not None and not can(actor, "organisation.reorganise", organisation):
            raise Forbidden(
                _("Bạn không có quyền sắp xếp lại tổ chức tại «%(name)s».")
                % {"name": organisation.name},
                rule="organisation.reorganise",
                found=organisation.name,
                required=_("Ban Tổ chức, quản trị hệ thống"),
            )


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _lock(organisations: Sequence[Organisation]) -> list[Organisation]:
    pks = [organisation.pk for organisation in organisations]
    rows = Organisation.objects.select_for_update().in_bulk(pks)
    return [rows[pk] for pk in pks]


def _fresh(organisation: Organisation) -> Organisation:
    return Organisation.objects.get(pk=organisation.pk)


def _require_date(effective_date: Any) -> dt.date:
    if not isinstance(effective_date, dt.date):
        raise DomainError(
            _("Cần ngày hiệu lực của việc sắp xếp tổ chức."),
            rule="required",
            found=_("trống"),
            field="effective_date",
        )
    return effective_date


def _require_target_in_force(organisation: Organisation, day: dt.date, field: str) -> None:
    if not organisation.is_valid_on(day):
        found = (
            _("hết hiệu lực từ %(date)s") % {"date": _d(organisation.valid_to + ONE_DAY)}
            if organisation.valid_to and day > organisation.valid_to
            else _("thành lập từ %(date)s") % {"date": _d(organisation.valid_from)}  # type: ignore[arg-type]
        )
        raise DomainError(
            _("«%(name)s» không còn hoặc chưa có hiệu lực vào ngày %(date)s (%(found)s).")
            % {"name": organisation.name, "date": _d(day), "found": found},
            rule="target_in_force",
            found=found,
            required=_("tổ chức có hiệu lực ngày %(date)s") % {"date": _d(day)},
            field=field,
        )


def _require_source_open(organisation: Organisation, day: dt.date, field: str = "sources") -> None:
    """A source exists the day before the effective date and has not ended yet."""
    if organisation.valid_to is not None and organisation.valid_to < day:
        raise DomainError(
            _("«%(name)s» đã hết hiệu lực từ %(end)s: không thể sắp xếp lại từ %(date)s.")
            % {"name": organisation.name, "end": _d(organisation.valid_to), "date": _d(day)},
            rule="source_in_force",
            found=_d(organisation.valid_to),
            required=_("còn hiệu lực ngày %(date)s") % {"date": _d(day)},
            field=field,
        )
    if organisation.valid_from is not None and organisation.valid_from >= day:
        raise DomainError(
            _(
                "«%(name)s» được thành lập từ %(start)s: ngày hiệu lực sắp xếp (%(date)s) "
                "phải sau ngày đó."
            )
            % {"name": organisation.name, "start": _d(organisation.valid_from), "date": _d(day)},
            rule="source_in_force",
            found=_d(day),
            required=_("sau %(start)s") % {"start": _d(organisation.valid_from)},
            field="effective_date",
        )
    # placed where it is now (a move) after the day: ending it then would rewrite that move
    placed = (
        OrganisationPlacement.objects.filter(organisation=organisation, valid_to__isnull=True)
        .values_list("valid_from", flat=True)
        .first()
    )
    if placed is not None and placed > day:
        refuse_before_last_change(day, placed)


def _check_not_under(node: Organisation, target: Organisation, field: str) -> None:
    if target.path.startswith(node.path):
        raise DomainError(
            _("Không thể chuyển «%(node)s» vào «%(target)s»: «%(target)s» nằm trong chính nó.")
            % {"node": node.name, "target": target.name},
            rule="move_under_own_subtree",
            found=target.name,
            required=_("một tổ chức ngoài «%(node)s»") % {"node": node.name},
            field=field,
        )


def _check_parent_kind(parent: Organisation, field: str) -> None:
    if parent.kind in CELL_KINDS:
        raise DomainError(
            _("«%(name)s» là chi bộ: không có tổ chức trực thuộc.") % {"name": parent.name},
            rule="parent_not_cell",
            found=OrganisationKind(parent.kind).label,
            required=_("đảng bộ"),
            field=field,
        )


def _check_levels(sources: Sequence[Organisation], target_kind: str) -> None:
    """Cells merge into a cell, committees into a committee: facts of a cell (members,
    dossiers) need a cell, and a committee's cells need a committee above them."""
    cells = {source.kind in CELL_KINDS for source in sources}
    if len(cells) > 1:
        raise DomainError(
            _("Không thể hợp nhất chi bộ với đảng bộ: %(names)s.")
            % {"names": ", ".join(f"{s.name} ({s.get_kind_display()})" for s in sources)},
            rule="sources_same_level",
            found=", ".join(sorted({s.get_kind_display() for s in sources})),
            required=_("cùng là chi bộ hoặc cùng là đảng bộ"),
            field="sources",
        )
    if cells and cells.pop() != (target_kind in CELL_KINDS):
        raise DomainError(
            _("Tổ chức nhận (%(kind)s) không cùng cấp với các tổ chức được hợp nhất.")
            % {"kind": OrganisationKind(target_kind).label},
            rule="target_level",
            found=OrganisationKind(target_kind).label,
            required=", ".join(sorted({s.get_kind_display() for s in sources})),
            field="into",
        )


def _check_facts_before(sources: Sequence[Organisation], day: dt.date) -> None:
    """A reorganisation moves facts dated before its date only: a source whose facts are dated
    on or after it (recorded after it ended) is refused."""
    ids = [source.pk for source in sources]
    for mover in fact_movers():
        if mover.latest is None:
            continue
        latest = mover.latest(ids)
        if latest is not None and latest >= day:
            raise DomainError(
                _(
                    "Ngày hiệu lực %(date)s sớm hơn thông tin đã ghi ở tổ chức cũ (%(label)s, "
                    "ngày %(latest)s): sắp xếp tổ chức chỉ chuyển các thông tin trước ngày hiệu "
                    "lực."
                )
                % {"date": _d(day), "label": str(mover.label).lower(), "latest": _d(latest)},
                rule="facts_before_effective_date",
                found=_d(latest),
                required=_("trước %(date)s") % {"date": _d(day)},
                field="effective_date",
            )


def _children_in_force(organisation: Organisation, day: dt.date) -> list[Organisation]:
    return list(
        Organisation.objects.children_of(_fresh(organisation)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )
    )


def _found(
    spec: Organisation | OrganisationSpec,
    *,
    default_parent: Organisation | None,
    day: dt.date,
    actor: Actor,
    field: str,
) -> Organisation:
    if isinstance(spec, Organisation):
        target = _lock([spec])[0]
        _require_target_in_force(target, day, field)
        return target
    parent = spec.parent or default_parent
    if parent is not None:
        parent = _fresh(parent)
        _require_target_in_force(parent, day, field)
        _check_parent_kind(parent, field)
    if spec.kind not in OrganisationKind.values:
        raise DomainError(
            _("Loại tổ chức «%(kind)s» không hợp lệ.") % {"kind": spec.kind},
            rule="organisation_kind",
            found=spec.kind,
            field=field,
        )
    return create_organisation(
        parent=parent,
        code=spec.code,
        name=spec.name,
        kind=spec.kind,
        area_kind=spec.area_kind,
        disadvantaged_area=spec.disadvantaged_area,
        valid_from=day,
        actor=actor,
    )


def _event(
    kind: str,
    *,
    day: dt.date,
    decision_number: str,
    handover_reference: str,
    actor: Actor,
    note: str,
    plan: ReorganisationPlan | None,
) -> ReorganisationEvent:
    return ReorganisationEvent.objects.create(
        kind=kind,
        date=day,
        decision_number=decision_number.strip(),
        handover_reference=handover_reference.strip(),
        note=note.strip(),
        plan=plan,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _finish(
    event: ReorganisationEvent,
    *,
    action: str,
    sources: Sequence[Organisation],
    targets: Sequence[Organisation],
    actor: Actor,
    data: dict[str, Any],
) -> ReorganisationEvent:
    event.sources.set(sources)
    event.targets.set(targets)
    event.data = data
    event.save(update_fields=["data"])
    record(
        actor=actor,
        action=action,
        target=event,
        organisation=targets[0] if targets else (sources[0] if sources else None),
        data={
            "date": event.date,
            "decision_number": event.decision_number,
            "handover_reference": event.handover_reference,
            "sources": [source.code for source in sources],
            "targets": [target.code for target in targets],
            **data,
        },
    )
    return event


def _require_mover_destination(mover: FactMover, target: Organisation, count: int) -> None:
    if mover.cells_only and target.kind not in CELL_KINDS:
        raise DomainError(
            _(
                "%(count)s %(label)s cần chuyển đến một chi bộ; «%(target)s» là "
                "%(kind)s. Đảng viên, hồ sơ không thể ở ngoài chi bộ."
            )
            % {
                "count": count,
                "label": str(mover.label).lower(),
                "target": target.name,
                "kind": target.get_kind_display().lower(),
            },
            rule="facts_need_cell",
            found=target.get_kind_display(),
            required=_("chi bộ"),
            field="into",
        )


def _hand_over(
    sources: Sequence[Organisation],
    *,
    day: dt.date,
    actor: Actor,
    event: ReorganisationEvent,
    destination: Mapping[str, Mapping[int, Organisation]] | Organisation | None,
    end_facts: Collection[str] = (),
) -> dict[str, dict[str, Any]]:
    """Hand over the facts held directly by ``sources``: to one organisation (merge), or per
    fact (``{key: {fact id: part}}``, a split); ``end_facts``: the keys ended instead (role
    assignments, when the caller chooses so). One ``ids`` query per kind of fact."""
    handed: dict[str, dict[str, Any]] = {}
    source_ids = [source.pk for source in sources]
    by_pk = {source.pk: source for source in sources}
    for mover in fact_movers():
        held = mover.ids(source_ids, day)
        if not any(held.values()):
            continue
        moved: list[int] = []
        ended: list[int] = []
        for source_pk, fact_ids in held.items():
            if not fact_ids:
                continue
            source = by_pk[source_pk]
            if mover.key in end_facts and mover.end is not None:
                ended += mover.end(source, day, actor, ids=fact_ids, event=event)
                continue
            if destination is None:
                if mover.end is None:
                    continue  # history that stays with the ended organisation (targets)
                ended += mover.end(source, day, actor, ids=fact_ids, event=event)
                continue
            if isinstance(destination, Organisation):
                _require_mover_destination(mover, destination, len(fact_ids))
                moved += mover.move(source, destination, day, actor, ids=fact_ids, event=event)
                continue
            chosen = destination.get(mover.key, {})
            groups: dict[int, tuple[Organisation, list[int]]] = {}
            for fact_id in fact_ids:
                part = chosen.get(fact_id)
                if part is None:
                    raise DomainError(
                        _(
                            "Chưa chọn nơi nhận cho %(label)s #%(id)s của «%(source)s»: khi chia "
                            "tách, mỗi đảng viên, hồ sơ, chỉ tiêu, phân quyền phải có nơi nhận."
                        )
                        % {"label": str(mover.label).lower(), "id": fact_id, "source": source},
                        rule="fact_without_destination",
                        found=f"{mover.key} #{fact_id}",
                        required=_("một tổ chức nhận"),
                        field="facts",
                    )
                groups.setdefault(part.pk, (part, []))[1].append(fact_id)
            for part, part_ids in groups.values():
                _require_mover_destination(mover, part, len(part_ids))
                moved += mover.move(source, part, day, actor, ids=part_ids, event=event)
        handed[mover.key] = {
            "label": str(mover.label),
            "moved": len(moved),
            "ended": len(ended),
            "ids": sorted(moved + ended),
        }
    return handed


def _end(organisation: Organisation, *, day: dt.date, actor: Actor) -> None:
    """End a source the day before ``day``: refused while it still holds cells in force (an
    orphan) or live facts (a member without a cell)."""
    organisation = _fresh(organisation)
    children = _children_in_force(organisation, day)
    if children:
        raise DomainError(
            _(
                "«%(name)s» còn %(count)s tổ chức trực thuộc có hiệu lực (%(names)s): chúng sẽ "
                "không còn cấp trên. Cần chọn nơi nhận cho từng tổ chức."
            )
            % {
                "name": organisation.name,
                "count": len(children),
                "names": ", ".join(child.name for child in children[:5]),
            },
            rule="no_orphan_cell",
            found=_("%(count)s tổ chức trực thuộc") % {"count": len(children)},
            required=_("mọi tổ chức trực thuộc có cấp trên còn hiệu lực"),
            field="children",
        )
    live = _live_facts(organisation, subtree=False)
    if live:
        raise DomainError(
            _("«%(name)s» còn %(found)s: cần chuyển trước khi kết thúc tổ chức.")
            % {"name": organisation.name, "found": ", ".join(live)},
            rule="no_member_without_cell",
            found=", ".join(live),
            required=_("không còn đảng viên, hồ sơ đang xét"),
            field="facts",
        )
    organisation.valid_to = day - ONE_DAY
    organisation.save(update_fields=["valid_to"])
    # an ended organisation is no longer in the tree: its own placement ends with it (the
    # structure filters of later dates must not find it, nor count its targets)
    current = OrganisationPlacement.objects.filter(organisation=organisation, valid_to__isnull=True)
    # re-placed on this very date by an earlier operation (a plan merges the communes, then
    # their cells): it never sat there, its placement up to the day before is its last one
    current.filter(valid_from=day).delete()
    current.update(valid_to=day - ONE_DAY)


def _common(
    *,
    effective_date: Any,
    decision_number: str,
    handover_reference: str,
) -> dt.date:
    day = _require_date(effective_date)
    if not (decision_number or "").strip():
        raise DomainError(
            _("Cần số quyết định sắp xếp tổ chức."),
            rule="required",
            found=_("trống"),
            field="decision_number",
        )
    return day


@transaction.atomic
def merge(
    sources: Sequence[Organisation],
    *,
    into: Organisation | OrganisationSpec,
    effective_date: dt.date,
    decision_number: str,
    actor: Actor,
    handover_reference: str = "",
    note: str = "",
    plan: ReorganisationPlan | None = None,
    end_facts: Collection[str] = (),
) -> ReorganisationEvent:
    """Merge ``sources`` into ``into`` (an existing organisation, or a new one founded on the
    effective date, by default under the first source's parent): every child in force of a
    source is re-parented under the target, the facts the sources hold directly are handed over
    (``end_facts``: the kinds ended instead, e.g. ``{"role_assignments"}``), the sources end the
    day before, and each source becomes a predecessor of the target (exact)."""
    day = _common(
        effective_date=effective_date,
        decision_number=decision_number,
        handover_reference=handover_reference,
    )
    if not sources:
        raise DomainError(
            _("Cần ít nhất một tổ chức được hợp nhất."),
            rule="required",
            found="0",
            required="≥ 1",
            field="sources",
        )
    sources = _lock(list(dict.fromkeys(sources)))
    require_reorganise(
        actor,
        [
            *sources,
            into if isinstance(into, Organisation) else (into.parent or sources[0].get_parent()),
        ],
    )
    for source in sources:
        _require_source_open(source, day)
    if isinstance(into, Organisation):
        if into.pk in {source.pk for source in sources}:
            raise DomainError(
                _("Tổ chức nhận «%(name)s» cũng là tổ chức được hợp nhất.") % {"name": into},
                rule="target_not_source",
                found=into.name,
                field="into",
            )
        target_kind = into.kind
        target_parent: Organisation | None = _fresh(into)
    else:
        target_kind = into.kind
        target_parent = into.parent or sources[0].get_parent()
    _check_levels(sources, target_kind)
    for source in sources:
        if target_parent is not None:
            _check_not_under(source, _fresh(target_parent), "into")
    _check_facts_before(sources, day)
    event = _event(
        ReorganisationKind.MERGE,
        day=day,
        decision_number=decision_number,
        handover_reference=handover_reference,
        actor=actor,
        note=note,
        plan=plan,
    )
    target = _found(
        into, default_parent=sources[0].get_parent(), day=day, actor=actor, field="into"
    )
    children: list[int] = []
    for source in sources:
        for child in _children_in_force(source, day):
            relocate_subtree(child, target, effective_date=day, event=event)
            children.append(child.pk)
    handed = _hand_over(
        sources, day=day, actor=actor, event=event, destination=target, end_facts=end_facts
    )
    for source in sources:
        _end(source, day=day, actor=actor)
    OrganisationLineage.objects.bulk_create(
        [
            OrganisationLineage(predecessor=source, successor=target, event=event)
            for source in sources
        ]
    )
    return _finish(
        event,
        action="organisations.reorganisation.merged",
        sources=sources,
        targets=[target],
        actor=actor,
        data={"children": children, "facts": handed, "created": not isinstance(into, Organisation)},
    )


def _part_by_ref(parts: Sequence[Organisation], ref: Any, field: str) -> Organisation:
    for part in parts:
        if ref in (part.pk, part.code) or (isinstance(ref, Organisation) and ref.pk == part.pk):
            return part
    raise DomainError(
        _("«%(ref)s» không phải là một trong các tổ chức sau chia tách.") % {"ref": ref},
        rule="split_part",
        found=str(ref),
        required=", ".join(part.code for part in parts),
        field=field,
    )


@transaction.atomic
def split(
    source: Organisation,
    *,
    parts: Sequence[Organisation | OrganisationSpec],
    effective_date: dt.date,
    decision_number: str,
    actor: Actor,
    reason: str,
    children: Mapping[int, Any] | None = None,
    facts: Mapping[str, Mapping[int, Any]] | None = None,
    default_part: Any = None,
    handover_reference: str = "",
    note: str = "",
    plan: ReorganisationPlan | None = None,
    end_facts: Collection[str] = (),
) -> ReorganisationEvent:
    """Split ``source`` into ``parts`` (new organisations founded on the effective date, under
    the source's parent by default, or existing ones). The caller says where each child in
    force goes (``children``: ``{child id: part code or id}``) and each fact the source holds
    directly (``facts``: ``{"members": {membership id: part}, "dossiers": {...}, ...}``);
    ``default_part`` takes whatever is not listed. The source ends the day before; each part
    becomes an *approximate* successor (``reason`` says how the figures were shared)."""
    day = _common(
        effective_date=effective_date,
        decision_number=decision_number,
        handover_reference=handover_reference,
    )
    if len(parts) < 1:
        raise DomainError(
            _("Cần ít nhất một tổ chức sau chia tách."),
            rule="required",
            found="0",
            required="≥ 1",
            field="parts",
        )
    if not (reason or "").strip():
        raise DomainError(
            _("Cần ghi cách chia số liệu (lý do so sánh chỉ là ước tính)."),
            rule="required",
            found=_("trống"),
            field="reason",
        )
    source = _lock([source])[0]
    require_reorganise(
        actor,
        [
            source,
            source.get_parent(),
            *(part if isinstance(part, Organisation) else part.parent for part in parts),
        ],
    )
    _require_source_open(source, day, "source")
    _check_facts_before([source], day)
    event = _event(
        ReorganisationKind.SPLIT,
        day=day,
        decision_number=decision_number,
        handover_reference=handover_reference,
        actor=actor,
        note=note,
        plan=plan,
    )
    parent = source.get_parent()
    created = []
    for spec in parts:
        if isinstance(spec, Organisation) and spec.pk == source.pk:
            raise DomainError(
                _("Tổ chức bị chia tách không thể là một phần sau chia tách."),
                rule="target_not_source",
                found=source.name,
                field="parts",
            )
        if isinstance(spec, Organisation):
            _check_not_under(source, spec, "parts")
        created.append(_found(spec, default_parent=parent, day=day, actor=actor, field="parts"))
    default = _part_by_ref(created, default_part, "default_part") if default_part else None
    chosen_children = {int(k): v for k, v in (children or {}).items()}
    moved_children: dict[int, int] = {}
    in_force = _children_in_force(source, day)
    unplaced = [child for child in in_force if child.pk not in chosen_children]
    if unplaced and default is None:
        raise DomainError(
            _(
                "Chưa chọn nơi nhận cho %(count)s tổ chức trực thuộc «%(source)s» (%(names)s): "
                "chúng sẽ không còn cấp trên."
            )
            % {
                "count": len(unplaced),
                "source": source.name,
                "names": ", ".join(child.name for child in unplaced[:5]),
            },
            rule="no_orphan_cell",
            found=_("%(count)s tổ chức chưa có nơi nhận") % {"count": len(unplaced)},
            required=_("mọi tổ chức trực thuộc có cấp trên còn hiệu lực"),
            field="children",
        )
    for child in in_force:
        ref = chosen_children.pop(child.pk, None)
        part = _part_by_ref(created, ref, "children") if ref is not None else default
        assert part is not None
        _check_not_under(child, part, "children")
        relocate_subtree(child, part, effective_date=day, event=event)
        moved_children[child.pk] = part.pk
    if chosen_children:
        raise DomainError(
            _("Các tổ chức %(ids)s không trực thuộc «%(source)s».")
            % {"ids": ", ".join(map(str, chosen_children)), "source": source.name},
            rule="split_child",
            found=", ".join(map(str, chosen_children)),
            field="children",
        )
    destination: dict[str, dict[int, Organisation]] = {}
    source_ids = [source.pk]
    for mover in fact_movers():
        held = mover.ids(source_ids, day).get(source.pk, [])
        listed = {int(k): v for k, v in (facts or {}).get(mover.key, {}).items()}
        stray = set(listed) - set(held)
        if stray:
            raise DomainError(
                _("%(label)s %(ids)s không thuộc «%(source)s».")
                % {
                    "label": mover.label,
                    "ids": ", ".join(map(str, sorted(stray))),
                    "source": source.name,
                },
                rule="split_fact",
                found=", ".join(map(str, sorted(stray))),
                field="facts",
            )
        mapping: dict[int, Organisation] = {}
        for fact_id in held:
            if fact_id in listed:
                mapping[fact_id] = _part_by_ref(created, listed[fact_id], "facts")
            elif default is not None:
                mapping[fact_id] = default
        if mover.check_split is not None:
            mover.check_split(source, mapping)
        destination[mover.key] = mapping
    handed = _hand_over(
        [source], day=day, actor=actor, event=event, destination=destination, end_facts=end_facts
    )
    _end(source, day=day, actor=actor)
    OrganisationLineage.objects.bulk_create(
        [
            OrganisationLineage(predecessor=source, successor=part, event=event, approximate=True)
            for part in created
        ]
    )
    return _finish(
        event,
        action="organisations.reorganisation.split",
        sources=[source],
        targets=created,
        actor=actor,
        data={
            "reason": reason.strip(),
            "children": {str(k): v for k, v in moved_children.items()},
            "facts": handed,
        },
    )


@transaction.atomic
def move(
    node: Organisation,
    *,
    new_parent: Organisation,
    effective_date: dt.date,
    decision_number: str,
    actor: Actor,
    handover_reference: str = "",
    note: str = "",
    plan: ReorganisationPlan | None = None,
) -> ReorganisationEvent:
    """Re-parent ``node`` with its whole subtree under ``new_parent`` from the effective date.
    Facts stay where they happened; reports on a date before it see the old tree."""
    day = _common(
        effective_date=effective_date,
        decision_number=decision_number,
        handover_reference=handover_reference,
    )
    node, new_parent = _lock([node, new_parent])
    require_reorganise(actor, [node, node.get_parent(), new_parent])
    _require_source_open(node, day, "node")
    _require_target_in_force(new_parent, day, "new_parent")
    _check_parent_kind(new_parent, "new_parent")
    _check_not_under(node, new_parent, "new_parent")
    old_parent = node.get_parent()
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise DomainError(
            _("«%(node)s» đã trực thuộc «%(parent)s».")
            % {"node": node.name, "parent": new_parent.name},
            rule="move_changes_parent",
            found=new_parent.name,
            field="new_parent",
        )
    event = _event(
        ReorganisationKind.MOVE,
        day=day,
        decision_number=decision_number,
        handover_reference=handover_reference,
        actor=actor,
        note=note,
        plan=plan,
    )
    count = relocate_subtree(node, new_parent, effective_date=day, event=event)
    return _finish(
        event,
        action="organisations.reorganisation.moved",
        sources=[node],
        targets=[new_parent],
        actor=actor,
        data={
            "from_parent": old_parent.code if old_parent else None,
            "to_parent": new_parent.code,
            "nodes": count,
        },
    )


@transaction.atomic
def rename(
    organisation: Organisation,
    *,
    effective_date: dt.date,
    decision_number: str,
    actor: Actor,
    code: str | None = None,
    name: str | None = None,
    handover_reference: str = "",
    note: str = "",
    plan: ReorganisationPlan | None = None,
) -> ReorganisationEvent:
    """Change the code and/or the name from the effective date; the old ones stay findable
    (``OrganisationAlias``, used by search and pickers)."""
    day = _common(
        effective_date=effective_date,
        decision_number=decision_number,
        handover_reference=handover_reference,
    )
    organisation = _lock([organisation])[0]
    require_reorganise(actor, [organisation])
    _require_source_open(organisation, day, "organisation")
    new_code = _check_code(code, exclude_pk=organisation.pk) if code else organisation.code
    new_name = (name or "").strip()[:255] or organisation.name
    if new_code == organisation.code and new_name == organisation.name:
        raise DomainError(
            _("Mã và tên mới giống mã và tên hiện tại."),
            rule="rename_changes",
            found=f"{new_code} {new_name}",
            field="name",
        )
    event = _event(
        ReorganisationKind.RENAME,
        day=day,
        decision_number=decision_number,
        handover_reference=handover_reference,
        actor=actor,
        note=note,
        plan=plan,
    )
    OrganisationAlias.objects.create(
        organisation=organisation,
        code=organisation.code,
        name=organisation.name,
        name_folded=fold(organisation.name),
        valid_to=day - ONE_DAY,
        event=event,
    )
    before = {"code": organisation.code, "name": organisation.name}
    organisation.code = new_code
    organisation.name = new_name
    organisation.name_folded = searchable_name(organisation)
    organisation.save(update_fields=["code", "name", "name_folded"])
    return _finish(
        event,
        action="organisations.reorganisation.renamed",
        sources=[organisation],
        targets=[organisation],
        actor=actor,
        data={"before": before, "after": {"code": new_code, "name": new_name}},
    )


@transaction.atomic
def dissolve(
    organisation: Organisation,
    *,
    effective_date: dt.date,
    decision_number: str,
    actor: Actor,
    successor: Organisation | None = None,
    handover_reference: str = "",
    note: str = "",
    plan: ReorganisationPlan | None = None,
    end_facts: Collection[str] = (),
) -> ReorganisationEvent:
    """End ``organisation`` the day before the effective date. Refused while it still has
    organisations in force under it or live facts (members, open dossiers) in its subtree: move
    or merge them first. What it holds directly besides (role assignments, targets of the years
    to come) goes to ``successor`` (by default its parent) unless ``end_facts`` ends it."""
    day = _common(
        effective_date=effective_date,
        decision_number=decision_number,
        handover_reference=handover_reference,
    )
    organisation = _lock([organisation])[0]
    require_reorganise(actor, [organisation, successor])
    _require_source_open(organisation, day, "organisation")
    children = _children_in_force(organisation, day)
    live = _live_facts(organisation, subtree=True)
    if children or live:
        found = (
            [_("%(count)s tổ chức trực thuộc còn hiệu lực") % {"count": len(children)}]
            if children
            else []
        ) + live
        raise DomainError(
            _(
                "Không thể giải thể «%(name)s»: còn %(found)s. Cần chuyển, hợp nhất các tổ "
                "chức và đảng viên này trước."
            )
            % {"name": organisation.name, "found": ", ".join(found)},
            rule="dissolve_without_live_facts",
            found=", ".join(found),
            required=_("không còn tổ chức trực thuộc, đảng viên, hồ sơ đang xét"),
            field="organisation",
        )
    _check_facts_before([organisation], day)
    receiver = successor
    if receiver is not None:
        receiver = _fresh(receiver)
        _require_target_in_force(receiver, day, "successor")
        _check_not_under(organisation, receiver, "successor")
    event = _event(
        ReorganisationKind.DISSOLVE,
        day=day,
        decision_number=decision_number,
        handover_reference=handover_reference,
        actor=actor,
        note=note,
        plan=plan,
    )
    handed = _hand_over(
        [organisation],
        day=day,
        actor=actor,
        event=event,
        destination=receiver,
        end_facts=end_facts,
    )
    _end(organisation, day=day, actor=actor)
    return _finish(
        event,
        action="organisations.reorganisation.dissolved",
        sources=[organisation],
        targets=[receiver] if receiver else [],
        actor=actor,
        data={"facts": handed, "successor": receiver.code if receiver else None},
    )
