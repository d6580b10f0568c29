from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.admissions.models import Dossier, FailedVote, Step
from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser


def get_dossier_for_user(user: AnyUser, pk: int, *, action: str = "dossier.view") -> Dossier:
    dossier = (
        Dossier.objects.visible_to(user)
        .select_related("person", "organisation", "enrolment__training_class")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if dossier is None:
        raise Http404("dossier")
    if not can(user, action, dossier.organisation):
        raise PermissionDenied(action)
    return dossier


def get_step_for_user(
    user: AnyUser, pk: int, *, action: str = "dossier.view", with_history: bool = False
) -> Step:
    """A step in force of a dossier in the user's scope (404 otherwise; a corrected or
    cancelled one only ``with_history``); 403 when the role lacks ``action`` on the dossier's
    cell. Which role may correct which step is checked by the service (the step authority of
    its stage)."""
    rows = Step.history if with_history else Step.objects
    step = (
        rows.filter(dossier__in=Dossier.objects.visible_to(user))
        .select_related("dossier__organisation", "dossier__person")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if step is None:
        raise Http404("step")
    if not can(user, action, step.dossier.organisation):
        raise PermissionDenied(action)
    return step


def get_failed_vote_for_user(
    user: AnyUser, pk: int, *, action: str = "dossier.view", with_history: bool = False
) -> FailedVote:
    """A failed round of a dossier in the user's scope (404 otherwise; a corrected or
    cancelled one only ``with_history``); 403 without ``action`` on the dossier's cell. Who
    may correct which vote is checked by the service (the step authority of its stage)."""
    rows = FailedVote.history if with_history else FailedVote.objects
    vote = (
        rows.filter(dossier__in=Dossier.objects.visible_to(user))
        .select_related("dossier__organisation", "dossier__person")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if vote is None:
        raise Http404("failed vote")
    if not can(user, action, vote.dossier.organisation):
        raise PermissionDenied(action)
    return vote
