"""Bulk writer of targets and their first assignment in the history, for generated datasets
(see ``organisations.bulk``: no check, no audit, keys given by the caller, sequences synced
at the end)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dangvien.core.bulk import copy_rows, next_id, sync_sequence
from dangvien.targets.models import Target, TargetChange

TARGET_COLUMNS = ("id", "organisation_id", "year", "kind", "period", "value", "assigned_by_id")
CHANGE_COLUMNS = ("target_id", "old_value", "new_value", "note", "actor_id", "actor_name")


def first_ids() -> dict[str, int]:
    return {"target": next_id(Target)}


def write_targets(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Target, TARGET_COLUMNS, rows)


def write_changes(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(TargetChange, CHANGE_COLUMNS, rows)


def sync_sequences() -> None:
    sync_sequence(Target)
    sync_sequence(TargetChange)
