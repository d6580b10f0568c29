"""Bulk writer of people, for generated datasets (see ``organisations.bulk``: no check, no
audit, keys given by the caller, sequences synced at the end)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dangvien.core.bulk import copy_rows, next_id, sync_sequence
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion

PERSON_COLUMNS = (
    "id",
    "full_name",
    "full_name_folded",
    "date_of_birth",
    "sex",
    "ethnic_group_id",
    "religion_id",
    "occupation_id",
    "citizen_id",
    "residence_area",
    "general_education",
    "professional_level",
    "political_theory",
    "youth_union_member",
    "trade_union_member",
    "organisation_id",
)


def reference_ids() -> dict[str, dict[str, int]]:
    """The reference tables by code: ethnic groups, religions, occupations."""
    return {
        "ethnic": dict(EthnicGroup.objects.values_list("code", "pk")),
        "religion": dict(Religion.objects.values_list("code", "pk")),
        "occupation": dict(Occupation.objects.values_list("code", "pk")),
    }


def first_ids() -> dict[str, int]:
    return {"person": next_id(Person)}


def write_people(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Person, PERSON_COLUMNS, rows)


def sync_sequences() -> None:
    sync_sequence(Person)
