from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.training.models import ClassProposal, TrainingClass


def get_class_for_user(user: AnyUser, pk: int, *, action: str = "training.view") -> TrainingClass:
    """A class the user may see (organised in their subtrees, or open to their people: organised
    above them); 404 otherwise. Any other ``action`` than viewing is checked on the organiser
    (403): only the organiser's side runs the class."""
    training_class = (
        TrainingClass.objects.visible_to(user)
        .select_related("organiser")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if training_class is None:
        raise Http404("training class")
    if action != "training.view" and not can(user, action, training_class.organiser):
        raise PermissionDenied(action)
    return training_class


def get_proposal_for_user(
    user: AnyUser, training_class: TrainingClass, pk: int, *, action: str = "training.change"
) -> ClassProposal:
    """A proposal for ``training_class`` (which the caller reached with ``action``)."""
    proposal = (
        ClassProposal.objects.filter(training_class=training_class, pk=valid_id(pk) or 0)
        .select_related("person", "training_class__organiser")
        .first()
    )
    if proposal is None:
        raise Http404("proposal")
    return proposal
