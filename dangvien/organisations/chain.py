"""The organisations a printed form names, read from a cell upwards (one query): the cell, the
committee above it, its grassroots organisation and the committee above that."""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.organisations.choices import GRASSROOTS_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation


@dataclass(frozen=True)
class Chain:
    cell: Organisation
    cell_parent: Organisation | None
    grassroots: Organisation
    superior: Organisation | None
    superior_parent: Organisation | None


def organisation_chain(cell: Organisation) -> Chain:
    """The nearest grassroots organisation at or above ``cell`` (the cell's parent when none
    is of a grassroots kind, e.g. a commune committee acting as one) and the two above it."""
    ancestors = [*Organisation.objects.ancestors_of(cell), cell]
    grassroots_index = next(
        (i for i in range(len(ancestors) - 1, -1, -1) if ancestors[i].kind in GRASSROOTS_KINDS),
        max(len(ancestors) - 2, 0),
    )

    def at(index: int) -> Organisation | None:
        return ancestors[index] if 0 <= index < len(ancestors) else None

    return Chain(
        cell=cell,
        cell_parent=at(len(ancestors) - 2),
        grassroots=ancestors[grassroots_index],
        superior=at(grassroots_index - 1),
        superior_parent=at(grassroots_index - 2),
    )


# The issuer's symbol after the slash of a document number ("05-NQ/CB", "12-QĐ/ĐU", "3-QĐ/TU"),
# where the kind alone decides it; a district or bloc committee's symbol depends on its name
# (huyện ủy, quận ủy, thị ủy, đảng ủy khối …) and is left to the hand.
ISSUER_SYMBOL: dict[str, str] = {
    OrganisationKind.CELL: "CB",
    OrganisationKind.GRASSROOTS_CELL: "CB",
    OrganisationKind.SUB_COMMITTEE: "ĐU",
    OrganisationKind.GRASSROOTS_COMMITTEE: "ĐU",
    OrganisationKind.COMMUNE: "ĐU",
    OrganisationKind.PROVINCE: "TU",
}


def number_suffix(kind: str, issuer: Organisation | None) -> str:
    """'-NQ/CB' for a cell's resolution, '-QĐ/……' for a district committee's decision."""
    symbol = ISSUER_SYMBOL.get(issuer.kind, "……") if issuer is not None else "……"
    return f"-{kind}/{symbol}"
