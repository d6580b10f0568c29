from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.admissions.models import Dossier
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
