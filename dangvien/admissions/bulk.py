"""Bulk writers of dossiers and their steps, for generated datasets (see
``organisations.bulk``: no check, no audit, keys given by the caller, sequences synced at the
end). The rows must be what the step services write: one current step per stage reached, in
the order of ``Stage``, the dossier's stage its last step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dangvien.admissions.models import Dossier, Participant, Step
from dangvien.core.bulk import copy_rows, next_id, sync_sequence

DOSSIER_COLUMNS = (
    "id",
    "person_id",
    "organisation_id",
    "stage",
    "status",
    "opened_on",
    "closed_on",
    "enrolment_id",
    "next_deadline",
    "next_deadline_kind",
)
STEP_COLUMNS = (
    "dossier_id",
    "organisation_id",
    "stage",
    "date",
    "actor_id",
    "document_number",
    "votes_eligible",
    "votes_for",
    "votes_against",
    "received_on",
)
PARTICIPANT_COLUMNS = ("dossier_id", "person_id", "role", "months_together", "assigned_on")
MODELS = (Dossier, Step, Participant)


def first_ids() -> dict[str, int]:
    return {"dossier": next_id(Dossier)}


def write_dossiers(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Dossier, DOSSIER_COLUMNS, rows)


def write_steps(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Step, STEP_COLUMNS, rows)


def write_participants(rows: Iterable[Sequence[Any]]) -> int:
    """Helpers and introducers of dossiers (``Participant``)."""
    return copy_rows(Participant, PARTICIPANT_COLUMNS, rows)


def sync_sequences() -> None:
    for model in MODELS:
        sync_sequence(model)
