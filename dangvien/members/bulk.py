"""Bulk writers of memberships, their events and recognition steps, for generated datasets
(see ``organisations.bulk``: no check, no audit, keys given by the caller, sequences synced
at the end). The rows must be what ``admit_member``, ``recognise_official`` and
``change_status`` write: a probationary event at the ceremony, an official event at the end
of probation, the membership's status and cell equal to its latest event."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dangvien.core.bulk import copy_rows, next_id, sync_sequence
from dangvien.members.models import (
    HelperAssignment,
    Membership,
    MembershipEvent,
    RecognitionStep,
    ResidenceLink,
)

MEMBERSHIP_COLUMNS = (
    "id",
    "person_id",
    "organisation_id",
    "admitted_in_id",
    "dossier_id",
    "status",
    "decision_number",
    "decision_date",
    "ceremony_date",
    "probation_end",
    "official_date",
)
EVENT_COLUMNS = (
    "membership_id",
    "status",
    "organisation_id",
    "date",
    "decision_number",
    "actor_id",
)
RECOGNITION_COLUMNS = (
    "membership_id",
    "stage",
    "date",
    "document_number",
    "votes_eligible",
    "votes_for",
    "passed",
    "actor_id",
)
HELPER_COLUMNS = ("membership_id", "helper_id", "start_date", "end_date", "end_reason", "actor_id")
RESIDENCE_COLUMNS = (
    "membership_id",
    "workplace_organisation_id",
    "required_from",
    "due",
    "residence_place",
    "introduced_on",
    "actor_id",
)
MODELS = (Membership, MembershipEvent, RecognitionStep, HelperAssignment, ResidenceLink)


def first_ids() -> dict[str, int]:
    return {"membership": next_id(Membership)}


def write_memberships(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(Membership, MEMBERSHIP_COLUMNS, rows)


def write_events(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(MembershipEvent, EVENT_COLUMNS, rows)


def write_recognition_steps(rows: Iterable[Sequence[Any]]) -> int:
    return copy_rows(RecognitionStep, RECOGNITION_COLUMNS, rows)


def write_helper_assignments(rows: Iterable[Sequence[Any]]) -> int:
    """The official member helping each probationer (ended at the recognition)."""
    return copy_rows(HelperAssignment, HELPER_COLUMNS, rows)


def write_residence_links(rows: Iterable[Sequence[Any]]) -> int:
    """The introduction to the residence cell owed by members of workplace cells; ``due`` by
    ``residence_due`` (what ``open_residence_requirement`` writes)."""
    return copy_rows(ResidenceLink, RESIDENCE_COLUMNS, rows)


def residence_due(required_from: Any) -> Any:
    """The deadline of the introduction (the rule set's working days), as the service sets it."""
    from dangvien.members.deadlines import residence_due as due

    return due(required_from)


def sync_sequences() -> None:
    for model in MODELS:
        sync_sequence(model)
