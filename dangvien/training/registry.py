"""What the apps above ``training`` tell it, and do when a class result changes, without
``training`` importing them (register in ``AppConfig.ready``):

- ``admissions`` moves an outstanding person's dossier to the class stage when their awareness
  certificate is issued, and follows a correction or revocation of that certificate;
- ``members`` says which member status people have (who may attend which kind of class);
- ``admissions`` and ``members`` list the people waiting for a class in given cells (the
  outstanding lists; the probationers without a new-member certificate).

Hooks run inside the service's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dangvien.accounts.models import User
    from dangvien.training.models import Enrolment

CertificateHook = Callable[..., Any]  # (enrolment, *, actor) -> anything
SupersededHook = Callable[..., Any]  # (old, new, *, actor) -> anything
StatusSource = Callable[[Iterable[int]], dict[int, str]]  # person ids -> member status
CandidateSource = Callable[[Any], "QuerySet[Any]"]  # cells queryset -> people waiting

_AWARENESS_ISSUED: dict[str, CertificateHook] = {}
_SUPERSEDED: dict[str, SupersededHook] = {}
_STATUS: list[StatusSource] = []
_STATUS_LABELS: dict[str, str] = {}
_CANDIDATES: dict[str, CandidateSource] = {}


def register_awareness_certificate_issued(name: str, hook: CertificateHook) -> None:
    _AWARENESS_ISSUED[name] = hook


def awareness_certificate_issued(enrolment: Enrolment, *, actor: User) -> None:
    for hook in _AWARENESS_ISSUED.values():
        hook(enrolment, actor=actor)


def register_enrolment_superseded(name: str, hook: SupersededHook) -> None:
    """``hook(old, new, *, actor)``: a certificate was corrected or revoked, or the student
    removed; ``new`` is the row now in force."""
    _SUPERSEDED[name] = hook


def enrolment_superseded(old: Enrolment, new: Enrolment, *, actor: User) -> None:
    for hook in _SUPERSEDED.values():
        hook(old, new, actor=actor)


def register_member_status(source: StatusSource, labels: dict[str, str]) -> None:
    """``source(person_ids)`` → ``{person id: status}`` for the members among them; ``labels``
    names each status in Vietnamese."""
    _STATUS[:] = [source]
    _STATUS_LABELS.clear()
    _STATUS_LABELS.update(labels)


def member_statuses(person_ids: Iterable[int]) -> dict[int, str]:
    """``{person id: member status}``; people who are not members are absent."""
    return _STATUS[0](person_ids) if _STATUS else {}


def status_label(status: str) -> str:
    return _STATUS_LABELS.get(status, status)


def register_candidates(kind: str, source: CandidateSource) -> None:
    """``source(cells)`` → the people of those cells waiting for a class of ``kind``."""
    _CANDIDATES[kind] = source


def candidates(kind: str, cells: Any) -> QuerySet[Any] | None:
    source = _CANDIDATES.get(kind)
    return source(cells) if source else None
