from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.admissions.models import Dossier, Step
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


def get_step_for_user(user: AnyUser, pk: int, *, action: str = "dossier.view") -> Step:
    """A step in force of a dossier in the user's scope (404 otherwise); 403 when the role
    lacks ``action`` on the dossier's cell. Which role may correct which step is checked by
    the service (the step authority of its stage)."""
    step = (
        Step.objects.filter(dossier__in=Dossier.objects.visible_to(user))
        .select_related("dossier__organisation", "dossier__person")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if step is None:
        raise Http404("step")
    if not can(user, action, step.dossier.organisation):
        raise PermissionDenied(action)
    return step
