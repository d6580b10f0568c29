from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.training.models import TrainingClass


def get_class_for_user(user: AnyUser, pk: int, *, action: str = "training.view") -> TrainingClass:
    training_class = (
        TrainingClass.objects.visible_to(user)
        .select_related("organiser")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if training_class is None:
        raise Http404("training class")
    if not can(user, action, training_class.organiser):
        raise PermissionDenied(action)
    return training_class
