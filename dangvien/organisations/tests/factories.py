from __future__ import annotations

import factory

from dangvien.organisations.choices import AreaKind, OrganisationKind
from dangvien.organisations.models import Organisation


def make_organisation(
    parent: Organisation | None = None,
    *,
    code: str,
    name: str | None = None,
    kind: str = OrganisationKind.CELL,
    area_kind: str = AreaKind.RURAL_COMMUNE,
    **extra: object,
) -> Organisation:
    """Add a node directly (tests of other apps need a tree, not the service's audit rows)."""
    from dangvien.core.text import fold

    name = name or f"Tổ chức {code}"
    fields = {
        "code": code,
        "name": name,
        "name_folded": fold(name),
        "kind": kind,
        "area_kind": area_kind,
        **extra,
    }
    from dangvien.organisations.services import open_placement

    organisation: Organisation
    if parent is None:
        organisation = Organisation.add_root(**fields)
    else:
        parent.refresh_from_db()
        organisation = parent.add_child(**fields)
    open_placement(organisation)
    return organisation


class OrganisationFactory(factory.Factory):
    """``OrganisationFactory(parent=...)`` adds a cell under ``parent`` (a root when None)."""

    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    kind = OrganisationKind.CELL
    parent = None

    @classmethod
    def _create(
        cls, model_class: type, *args: object, parent: Organisation | None = None, **kwargs: object
    ) -> Organisation:
        return make_organisation(parent, **kwargs)  # type: ignore[arg-type]
