from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict

from dangvien.core.api import ERROR_RESPONSES, Date
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations import plan_import, plans, selectors, services
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.choices import AreaKind, OrganisationKind, ReorganisationKind
from dangvien.organisations.filtersets import OrganisationFilterSet
from dangvien.organisations.models import Organisation, ReorganisationEvent, ReorganisationPlan

router = Router(tags=["Tổ chức đảng"])


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    area_kind: str
    disadvantaged_area: bool
    depth: int
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_parent_id(obj: Organisation) -> int | None:
        parent = obj.get_parent()
        return parent.pk if parent else None


class OrganisationIn(Schema):
    parent_id: int
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=255)
    kind: OrganisationKind
    area_kind: AreaKind = AreaKind.OTHER
    disadvantaged_area: bool = False
    valid_from: Date | None = None
    valid_to: Date | None = None


class OrganisationPatch(Schema):
    """Only these fields; any other (``parent_id``, ``code``) is refused (422): moving a node or
    changing its code is a reorganisation."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=255)
    kind: OrganisationKind | None = None
    area_kind: AreaKind | None = None
    disadvantaged_area: bool | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@router.get("/", response={200: list[OrganisationOut], **ERROR_RESPONSES})
@paginated(default_limit=100)
def list_organisations(request: HttpRequest, parent: int | None = None, q: str = "") -> Any:
    """Filters (``OrganisationFilterSet``): parent (id: its children), q (name)."""
    if parent is not None:
        get_organisation_for_user(request.user, parent)  # out of scope: 404; no role: 403
    filterset = OrganisationFilterSet(request.GET, user=request.user, request=request)
    return filterset.strict_qs(not_found=("parent",))


@router.get("/{int:organisation_id}", response={200: OrganisationOut, **ERROR_RESPONSES})
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_organisation_for_user(request.user, organisation_id)


@router.post("/", response={201: OrganisationOut, **ERROR_RESPONSES})
def create_organisation(
    request: AuthenticatedHttpRequest, payload: OrganisationIn
) -> tuple[int, Organisation]:
    parent = get_organisation_for_user(
        request.user, payload.parent_id, action="organisation.change"
    )
    data = payload.dict(exclude={"parent_id"})
    data["kind"] = str(payload.kind.value)
    data["area_kind"] = str(payload.area_kind.value)
    return 201, services.create_organisation(parent=parent, actor=request.user, **data)


@router.patch("/{int:organisation_id}", response={200: OrganisationOut, **ERROR_RESPONSES})
def update_organisation(
    request: AuthenticatedHttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    organisation = get_organisation_for_user(
        request.user, organisation_id, action="organisation.change"
    )
    changes = payload.dict(exclude_unset=True)
    for key in ("kind", "area_kind"):
        if changes.get(key) is not None:
            changes[key] = str(
                changes[key].value if hasattr(changes[key], "value") else changes[key]
            )
    return services.update_organisation(organisation, actor=request.user, **changes)


# --- reorganisation (issue 11) ------------------------------------------------------------------


class LineageLinkOut(Schema):
    organisation_id: int
    code: str
    name: str
    approximate: bool
    event_id: int


class ReorganisationEventOut(Schema):
    id: int
    kind: str
    date: dt.date
    decision_number: str
    handover_reference: str
    note: str
    source_ids: list[int]
    target_ids: list[int]
    plan_id: int | None
    data: dict[str, Any]

    @staticmethod
    def resolve_source_ids(obj: ReorganisationEvent) -> list[int]:
        return [org.pk for org in obj.sources.all()]

    @staticmethod
    def resolve_target_ids(obj: ReorganisationEvent) -> list[int]:
        return [org.pk for org in obj.targets.all()]


class LineageOut(Schema):
    predecessors: list[LineageLinkOut]
    successors: list[LineageLinkOut]
    events: list[ReorganisationEventOut]
    line: str | None
    aliases: list[dict[str, Any]]


def _links(links: list[selectors.LineageLink]) -> list[dict[str, Any]]:
    return [
        {
            "organisation_id": link.organisation.pk,
            "code": link.organisation.code,
            "name": link.organisation.name,
            "approximate": link.approximate,
            "event_id": link.event.pk,
        }
        for link in links
    ]


@router.get("/{int:organisation_id}/lineage", response={200: LineageOut, **ERROR_RESPONSES})
def get_lineage(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    """Predecessors and successors (transitive), the reorganisation events of the organisation
    (decision, handover minutes), its former codes and names, and the comparison line."""
    organisation = get_organisation_for_user(request.user, organisation_id)
    line = selectors.lineage_line(organisation)
    return {
        "predecessors": _links(selectors.predecessors(organisation)),
        "successors": _links(selectors.successors(organisation)),
        "events": list(selectors.reorganisation_events(organisation)),
        "line": line.text if line else None,
        "aliases": [
            {"code": alias.code, "name": alias.name, "valid_to": alias.valid_to}
            for alias in organisation.aliases.all()
        ],
    }


class OperationIn(Schema):
    kind: ReorganisationKind
    spec: dict[str, Any]


class PlanIn(Schema):
    root_id: int
    effective_date: Date
    decision_number: str = Field(..., min_length=1, max_length=64)
    handover_reference: str = Field("", max_length=128)
    name: str = Field("", max_length=255)
    operations: list[OperationIn] = Field(..., min_length=1, max_length=500)


class PlanOut(Schema):
    id: int
    root_id: int
    name: str
    effective_date: dt.date
    decision_number: str
    handover_reference: str
    status: str
    operations: list[dict[str, Any]]

    @staticmethod
    def resolve_operations(obj: ReorganisationPlan) -> list[dict[str, Any]]:
        return [
            {"position": op.position, "kind": op.kind, "spec": op.spec}
            for op in obj.operations.all()
        ]


class OperationPreviewOut(Schema):
    position: int
    kind: str
    label: str
    refused: bool
    message: str
    rule: str
    sources: list[str]
    targets: list[str]
    facts: dict[str, dict[str, Any]]
    children: int


class PreviewOut(Schema):
    ok: bool
    operations: list[OperationPreviewOut]
    totals: dict[str, dict[str, Any]]


def _preview_out(preview: plans.PlanPreview) -> dict[str, Any]:
    return {
        "ok": preview.ok,
        "operations": [vars(operation) for operation in preview.operations],
        "totals": preview.totals,
    }


def _plan_for_user(
    request: HttpRequest, plan_id: int, action: str = "organisation.view"
) -> ReorganisationPlan:
    plan = get_visible_or_404(
        ReorganisationPlan.objects.filter(root__in=Organisation.objects.visible_to(request.user)),
        request.user,
        plan_id,
    )
    get_organisation_for_user(request.user, plan.root_id, action=action)
    return plan


@router.post("/reorganisation-plans", response={201: PlanOut, **ERROR_RESPONSES})
def create_plan(request: AuthenticatedHttpRequest, payload: PlanIn) -> tuple[int, Any]:
    """Save a draft plan (nothing changes in the tree until it is applied)."""
    root = get_organisation_for_user(
        request.user, payload.root_id, action="organisation.reorganise"
    )
    plan = plans.create_plan(
        root=root,
        effective_date=payload.effective_date,
        decision_number=payload.decision_number,
        handover_reference=payload.handover_reference,
        name=payload.name,
        operations=[{"kind": str(op.kind.value), "spec": op.spec} for op in payload.operations],
        actor=request.user,
    )
    return 201, plan


@router.get("/reorganisation-plans/{int:plan_id}", response={200: PlanOut, **ERROR_RESPONSES})
def get_plan(request: HttpRequest, plan_id: int) -> ReorganisationPlan:
    return _plan_for_user(request, plan_id)


@router.post(
    "/reorganisation-plans/{int:plan_id}/import", response={200: PlanOut, **ERROR_RESPONSES}
)
def import_plan(
    request: AuthenticatedHttpRequest,
    plan_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008
) -> ReorganisationPlan:
    """Replace a draft's operations by those of an xlsx file (multipart field ``file``; the
    template is ``/organisations/plans/template.xlsx``). All or nothing: a bad row refuses the
    file (400, every error in ``errors`` with its ``row`` and ``field`` = column header)."""
    plan = _plan_for_user(request, plan_id, action="organisation.reorganise")
    return plan_import.import_upload(plan, upload=file, actor=request.user)


@router.post(
    "/reorganisation-plans/{int:plan_id}/preview",
    response={200: PreviewOut, **ERROR_RESPONSES},
)
def preview_plan(request: AuthenticatedHttpRequest, plan_id: int) -> dict[str, Any]:
    """Run the plan and roll it back: what moves, what is refused."""
    plan = _plan_for_user(request, plan_id, action="organisation.reorganise")
    return _preview_out(plans.preview_plan(plan, actor=request.user))


@router.post(
    "/reorganisation-plans/{int:plan_id}/apply",
    response={200: list[ReorganisationEventOut], **ERROR_RESPONSES},
)
def apply_plan(request: AuthenticatedHttpRequest, plan_id: int) -> list[ReorganisationEvent]:
    """Apply a draft, all or nothing."""
    plan = _plan_for_user(request, plan_id, action="organisation.reorganise")
    return plans.apply_plan(plan, actor=request.user)


@router.post(
    "/reorganisation-plans/{int:plan_id}/cancel", response={200: PlanOut, **ERROR_RESPONSES}
)
def cancel_plan(request: AuthenticatedHttpRequest, plan_id: int) -> ReorganisationPlan:
    plan = _plan_for_user(request, plan_id, action="organisation.reorganise")
    return plans.cancel_plan(plan, actor=request.user)
