"""Bulk writers of the organisation tree and its history, for generated datasets.

Plain tuples in the column orders below, written by ``core.bulk.copy_rows`` (COPY on
PostgreSQL, multi-row INSERTs on SQLite) with keys given by the caller (``first_ids``). No
check, no audit: the caller (``demo.dataset``) builds a whole consistent world inside one
transaction, writes its own audit row and calls ``sync_sequences`` at the end. The rows must
hold what the services would have written: treebeard paths (``tree_path``) and ``numchild``,
one open placement per node in force, closed placements for the tree before a
reorganisation, the event with its sources and targets, and the lineage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dangvien.core.bulk import copy_rows, next_id, sync_sequence
from dangvien.organisations.models import (
    Organisation,
    OrganisationLineage,
    OrganisationPlacement,
    ReorganisationEvent,
)

ORGANISATION_COLUMNS = (
    "id",
    "path",
    "depth",
    "numchild",
    "kind",
    "code",
    "name",
    "name_folded",
    "area_kind",
    "disadvantaged_area",
    "valid_from",
    "valid_to",
)
PLACEMENT_COLUMNS = (
    "organisation_id",
    "parent_id",
    "path",
    "depth",
    "valid_from",
    "valid_to",
    "event_id",
)
EVENT_COLUMNS = ("id", "kind", "date", "decision_number", "handover_reference", "note", "data")
LINEAGE_COLUMNS = ("predecessor_id", "successor_id", "event_id", "approximate")

MODELS = (Organisation, OrganisationPlacement, ReorganisationEvent, OrganisationLineage)


def tree_path(parent_path: str, position: int) -> str:
    """treebeard's path of the ``position``-th child (1-based, siblings in code order: the
    model's ``node_order_by``) under ``parent_path`` ("" for a root)."""
    depth = len(parent_path) // Organisation.steplen + 1
    path: str = Organisation._get_path(parent_path, depth, position)
    return path


def first_ids() -> dict[str, int]:
    return {"organisation": next_id(Organisation), "event": next_id(ReorganisationEvent)}


def write_organisations(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Organisation, ORGANISATION_COLUMNS, rows)


def write_placements(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(OrganisationPlacement, PLACEMENT_COLUMNS, rows)


def write_events(
    rows: Iterable[Sequence[Any]],
    *,
    sources: Iterable[tuple[int, int]],
    targets: Iterable[tuple[int, int]],
) -> int:
    """Events, then their sources and targets as (event id, organisation id) pairs."""
    count = copy_rows(ReorganisationEvent, EVENT_COLUMNS, rows)
    for field, pairs in (("sources", sources), ("targets", targets)):
        through = ReorganisationEvent._meta.get_field(field).remote_field.through  # type: ignore[union-attr]
        copy_rows(through, ("reorganisationevent_id", "organisation_id"), pairs)
    return count


def write_lineage(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(OrganisationLineage, LINEAGE_COLUMNS, rows)


def sync_sequences() -> None:
    for model in MODELS:
        sync_sequence(model)
    for field in ("sources", "targets"):
        sync_sequence(ReorganisationEvent._meta.get_field(field).remote_field.through)  # type: ignore[union-attr]
