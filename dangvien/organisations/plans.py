"""Reorganisation plans (issue 11, item 2): many operations decided together on one date
(31-HD/BTCTW: one plan per province), previewed as a whole, saved as a draft, applied
atomically.

An operation is a kind and a JSON spec naming organisations by **code** (so a plan can come
from an xlsx sheet, and a later operation can name an organisation an earlier one founds):

- ``merge``: ``{"sources": ["X01", "X02"], "into": "X05"}`` or ``"into": {"code", "name",
  "kind", "parent": "T01"}``; ``"end_facts": ["role_assignments"]`` ends instead of moving;
- ``split``: ``{"source": "CB01", "parts": [{"code", "name", "kind"}, "CB09"], "children":
  {"CB01A": "P1"}, "facts": {"members": {"12": "P1"}}, "default_part": "P1", "reason": "…"}``;
- ``move``: ``{"node": "X01", "new_parent": "T02"}``;
- ``rename``: ``{"organisation": "X01", "code": "X01M", "name": "…"}``;
- ``dissolve``: ``{"organisation": "H01", "successor": "T01"}`` (successor optional).

The preview runs the whole plan inside a transaction that is rolled back, each operation in
its own savepoint, and collects what moves and what is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.typing import Actor
from dangvien.organisations import reorganisation as ops
from dangvien.organisations.choices import ReorganisationKind
from dangvien.organisations.models import (
    Organisation,
    ReorganisationEvent,
    ReorganisationPlan,
    ReorganisationPlanOperation,
)


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _org(code: Any, *, root: Organisation, field: str) -> Organisation:
    """An organisation of the plan's subtree, by code (an alias' old code is accepted)."""
    code = str(code or "").strip()
    found = (
        Organisation.objects.filter(code__iexact=code, path__startswith=_fresh(root).path).first()
        if code
        else None
    )
    if found is None and code:
        found = Organisation.objects.filter(
            aliases__code__iexact=code, path__startswith=_fresh(root).path
        ).first()
    if found is None:
        raise DomainError(
            _("Không tìm thấy tổ chức mã «%(code)s» trong «%(root)s».")
            % {"code": code, "root": root.name},
            rule="plan_organisation_code",
            found=code or _("trống"),
            required=_("mã một tổ chức thuộc «%(root)s»") % {"root": root.name},
            field=field,
        )
    return found


def _fresh(organisation: Organisation) -> Organisation:
    return Organisation.objects.get(pk=organisation.pk)


def _spec_or_org(value: Any, *, root: Organisation, field: str) -> Any:
    if isinstance(value, Mapping):
        parent = value.get("parent")
        return ops.OrganisationSpec.from_dict(
            value, parent=_org(parent, root=root, field=field) if parent else None
        )
    return _org(value, root=root, field=field)


def run_operation(
    kind: str,
    spec: Mapping[str, Any],
    *,
    plan: ReorganisationPlan,
    actor: Actor,
) -> ReorganisationEvent:
    """Run one operation of ``plan`` (codes resolved now, in the tree as the earlier operations
    left it) with the plan's date and references. A spec of the wrong shape is refused."""
    try:
        return _run_operation(kind, spec, plan=plan, actor=actor)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise DomainError(
            _("Nội dung thao tác «%(kind)s» không đúng định dạng: %(error)s.")
            % {"kind": kind, "error": exc},
            rule="plan_operation_spec",
            found=str(exc),
            field="spec",
        ) from exc


def _run_operation(
    kind: str,
    spec: Mapping[str, Any],
    *,
    plan: ReorganisationPlan,
    actor: Actor,
) -> ReorganisationEvent:
    root = plan.root
    common: dict[str, Any] = {
        "effective_date": plan.effective_date,
        "decision_number": plan.decision_number,
        "handover_reference": plan.handover_reference,
        "actor": actor,
        "note": str(spec.get("note", "")),
        "plan": plan,
    }
    end_facts = [str(key) for key in spec.get("end_facts", [])]
    if kind == ReorganisationKind.MERGE:
        sources = [_org(code, root=root, field="sources") for code in spec.get("sources", [])]
        if isinstance(spec.get("sources"), str):
            sources = [_org(spec["sources"], root=root, field="sources")]
        return ops.merge(
            sources,
            into=_spec_or_org(spec.get("into"), root=root, field="into"),
            end_facts=end_facts,
            **common,
        )
    if kind == ReorganisationKind.SPLIT:
        source = _org(spec.get("source"), root=root, field="source")
        children = {
            _org(code, root=root, field="children").pk: part
            for code, part in (spec.get("children") or {}).items()
        }
        return ops.split(
            source,
            parts=[_spec_or_org(part, root=root, field="parts") for part in spec.get("parts", [])],
            children=children,
            facts={
                key: {int(fact_id): part for fact_id, part in mapping.items()}
                for key, mapping in (spec.get("facts") or {}).items()
            },
            default_part=spec.get("default_part") or None,
            reason=str(spec.get("reason", "")),
            end_facts=end_facts,
            **common,
        )
    if kind == ReorganisationKind.MOVE:
        return ops.move(
            _org(spec.get("node"), root=root, field="node"),
            new_parent=_org(spec.get("new_parent"), root=root, field="new_parent"),
            **common,
        )
    if kind == ReorganisationKind.RENAME:
        return ops.rename(
            _org(spec.get("organisation"), root=root, field="organisation"),
            code=spec.get("code") or None,
            name=spec.get("name") or None,
            **common,
        )
    if kind == ReorganisationKind.DISSOLVE:
        successor = spec.get("successor")
        return ops.dissolve(
            _org(spec.get("organisation"), root=root, field="organisation"),
            successor=_org(successor, root=root, field="successor") if successor else None,
            end_facts=end_facts,
            **common,
        )
    raise DomainError(
        _("Loại thao tác «%(kind)s» không hợp lệ.") % {"kind": kind},
        rule="plan_operation_kind",
        found=kind,
        required=", ".join(ReorganisationKind.values),
        field="kind",
    )


def _check_operations(operations: Sequence[Mapping[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    checked = []
    for number, operation in enumerate(operations, 1):
        kind = str(operation.get("kind", ""))
        spec = operation.get("spec", {})
        if kind not in ReorganisationKind.values or not isinstance(spec, Mapping):
            raise DomainError(
                _("Thao tác %(number)s: loại «%(kind)s» không hợp lệ.")
                % {"number": number, "kind": kind},
                rule="plan_operation_kind",
                found=kind,
                required=", ".join(ReorganisationKind.values),
                field="operations",
            )
        checked.append((kind, dict(spec)))
    return checked


@transaction.atomic
def create_plan(
    *,
    root: Organisation,
    effective_date: dt.date,
    decision_number: str,
    actor: Actor,
    operations: Sequence[Mapping[str, Any]] = (),
    handover_reference: str = "",
    name: str = "",
) -> ReorganisationPlan:
    """Save a draft plan on ``root``'s subtree with its ordered operations
    (``[{"kind": "merge", "spec": {...}}, ...]``). A draft changes nothing in the tree."""
    ops.require_reorganise(actor, [root])
    if not (decision_number or "").strip():
        raise DomainError(
            _("Cần số quyết định sắp xếp tổ chức."),
            rule="required",
            found=_("trống"),
            field="decision_number",
        )
    checked = _check_operations(operations)
    plan = ReorganisationPlan.objects.create(
        root=root,
        name=name.strip(),
        effective_date=effective_date,
        decision_number=decision_number.strip(),
        handover_reference=handover_reference.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ReorganisationPlanOperation.objects.bulk_create(
        [
            ReorganisationPlanOperation(plan=plan, position=number, kind=kind, spec=spec)
            for number, (kind, spec) in enumerate(checked, 1)
        ]
    )
    record(
        actor=actor,
        action="organisations.reorganisation_plan.created",
        target=plan,
        organisation=root,
        data={"operations": len(checked), "effective_date": effective_date},
    )
    return plan


def _lock_draft(plan: ReorganisationPlan) -> ReorganisationPlan:
    plan = ReorganisationPlan.objects.select_for_update().select_related("root").get(pk=plan.pk)
    require_draft(plan)
    return plan


def require_draft(plan: ReorganisationPlan) -> None:
    """Only a draft's operations change, or are applied or cancelled."""
    if plan.status != ReorganisationPlan.Status.DRAFT:
        raise DomainError(
            _("Phương án này không còn là dự thảo (%(status)s).")
            % {"status": plan.get_status_display()},
            rule="plan_draft",
            found=plan.get_status_display(),
            required=ReorganisationPlan.Status.DRAFT.label,
        )


@transaction.atomic
def replace_operations(
    plan: ReorganisationPlan, *, operations: Sequence[Mapping[str, Any]], actor: Actor
) -> ReorganisationPlan:
    """Replace the operations of a draft."""
    return store_operations(plan, operations=operations, actor=actor)


@transaction.atomic
def store_operations(
    plan: ReorganisationPlan,
    *,
    operations: Sequence[Mapping[str, Any]],
    actor: Actor,
    audit: bool = True,
) -> ReorganisationPlan:
    """Replace the operations of a draft; ``audit=False`` when the caller records its own
    event in the same transaction (the xlsx import, ``plan_import``)."""
    plan = _lock_draft(plan)
    ops.require_reorganise(actor, [plan.root])
    checked = _check_operations(operations)
    plan.operations.all().delete()
    ReorganisationPlanOperation.objects.bulk_create(
        [
            ReorganisationPlanOperation(plan=plan, position=number, kind=kind, spec=spec)
            for number, (kind, spec) in enumerate(checked, 1)
        ]
    )
    if audit:
        record(
            actor=actor,
            action="organisations.reorganisation_plan.changed",
            target=plan,
            organisation=plan.root,
            data={"operations": len(checked)},
        )
    return plan


@dataclass
class OperationPreview:
    position: int
    kind: str
    label: str
    refused: bool = False
    message: str = ""
    rule: str = ""
    sources: list[str] = field(default_factory=list)  # "CODE — name"
    targets: list[str] = field(default_factory=list)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → label, moved, ended
    children: int = 0


@dataclass
class PlanPreview:
    operations: list[OperationPreview]
    totals: dict[str, dict[str, Any]]  # key → label, moved, ended (members, dossiers, scopes…)

    @property
    def refused(self) -> list[OperationPreview]:
        return [operation for operation in self.operations if operation.refused]

    @property
    def ok(self) -> bool:
        return not self.refused


def _describe(event: ReorganisationEvent, preview: OperationPreview) -> None:
    preview.sources = [f"{org.code} — {org.name}" for org in event.sources.all()]
    preview.targets = [f"{org.code} — {org.name}" for org in event.targets.all()]
    data = event.data or {}
    preview.facts = {
        key: {"label": value["label"], "moved": value["moved"], "ended": value["ended"]}
        for key, value in (data.get("facts") or {}).items()
    }
    children = data.get("children") or []
    preview.children = len(children) if not isinstance(children, int) else children
    if event.kind == ReorganisationKind.MOVE:
        preview.children = int(data.get("nodes", 0))


class _Rollback(Exception):
    pass


def preview_plan(plan: ReorganisationPlan, *, actor: Actor) -> PlanPreview:
    """Run the whole plan and roll it back: every organisation founded or ended, the members,
    open dossiers, targets and user scopes that move or end, and every operation that would be
    refused (with its reason). The later operations run on the tree as the earlier ones left
    it; a refused operation is skipped in the preview (applying refuses the whole plan)."""
    plan = ReorganisationPlan.objects.select_related("root").get(pk=plan.pk)
    ops.require_reorganise(actor, [plan.root])
    previews: list[OperationPreview] = []
    try:
        with transaction.atomic():
            for operation in plan.operations.order_by("position"):
                preview = OperationPreview(
                    position=operation.position,
                    kind=operation.kind,
                    label=str(ReorganisationKind(operation.kind).label),
                )
                try:
                    with transaction.atomic():
                        event = run_operation(
                            operation.kind, operation.spec, plan=plan, actor=actor
                        )
                        _describe(event, preview)
                except DomainError as exc:
                    preview.refused = True
                    preview.message = exc.message
                    preview.rule = exc.rule
                previews.append(preview)
            raise _Rollback
    except _Rollback:
        pass
    totals: dict[str, dict[str, Any]] = {}
    for preview in previews:
        for key, value in preview.facts.items():
            total = totals.setdefault(key, {"label": value["label"], "moved": 0, "ended": 0})
            total["moved"] += value["moved"]
            total["ended"] += value["ended"]
    return PlanPreview(operations=previews, totals=totals)


@transaction.atomic
def apply_plan(plan: ReorganisationPlan, *, actor: Actor) -> list[ReorganisationEvent]:
    """Apply every operation of a draft in order, all or nothing: the first refusal refuses
    the plan (naming the operation) and nothing is written."""
    plan = _lock_draft(plan)
    ops.require_reorganise(actor, [plan.root])
    events = []
    for operation in plan.operations.order_by("position"):
        try:
            events.append(run_operation(operation.kind, operation.spec, plan=plan, actor=actor))
        except DomainError as exc:
            raise DomainError(
                _("Thao tác %(number)s (%(kind)s): %(message)s")
                % {
                    "number": operation.position,
                    "kind": ReorganisationKind(operation.kind).label,
                    "message": exc.message,
                },
                rule=exc.rule,
                found=exc.found,
                required=exc.required,
                field=exc.field,
            ) from exc
    plan.status = ReorganisationPlan.Status.APPLIED
    plan.applied_at = timezone.now()
    plan.save(update_fields=["status", "applied_at"])
    record(
        actor=actor,
        action="organisations.reorganisation_plan.applied",
        target=plan,
        organisation=plan.root,
        data={"events": [event.pk for event in events], "effective_date": plan.effective_date},
    )
    return events


@transaction.atomic
def cancel_plan(plan: ReorganisationPlan, *, actor: Actor) -> ReorganisationPlan:
    plan = _lock_draft(plan)
    ops.require_reorganise(actor, [plan.root])
    plan.status = ReorganisationPlan.Status.CANCELLED
    plan.save(update_fields=["status"])
    record(
        actor=actor,
        action="organisations.reorganisation_plan.cancelled",
        target=plan,
        organisation=plan.root,
    )
    return plan
