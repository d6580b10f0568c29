from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from dangvien.core.api import ERROR_RESPONSES, Date
from dangvien.core.pagination import paginated
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations import services
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.choices import AreaKind, OrganisationKind
from dangvien.organisations.filtersets import OrganisationFilterSet
from dangvien.organisations.models import Organisation

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
