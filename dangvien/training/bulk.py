"""Bulk writers of training classes and enrolments, for generated datasets (see
``organisations.bulk``: no check, no audit, keys given by the caller, sequences synced at
the end)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dangvien.core.bulk import copy_rows, next_id, sync_sequence
from dangvien.training.models import Enrolment, TrainingClass

CLASS_COLUMNS = (
    "id",
    "kind",
    "name",
    "organiser_id",
    "start_date",
    "end_date",
    "status",
    "closed_on",
)
ENROLMENT_COLUMNS = (
    "id",
    "training_class_id",
    "person_id",
    "attended",
    "result",
    "completed",
    "certificate_number",
    "certificate_date",
    "issuing_body_id",
)
MODELS = (TrainingClass, Enrolment)


def first_ids() -> dict[str, int]:
    return {"class": next_id(TrainingClass), "enrolment": next_id(Enrolment)}


def write_classes(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(TrainingClass, CLASS_COLUMNS, rows)


def write_enrolments(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Enrolment, ENROLMENT_COLUMNS, rows)


def sync_sequences() -> None:
    for model in MODELS:
        sync_sequence(model)
