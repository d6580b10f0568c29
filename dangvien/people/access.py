from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.people.models import Person


def get_person_for_user(user: AnyUser, pk: int, *, action: str = "person.view") -> Person:
    person = (
        Person.objects.visible_to(user)
        .select_related("organisation", "ethnic_group", "religion", "occupation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if person is None:
        raise Http404("person")
    if not can(user, action, person.organisation):
        raise PermissionDenied(action)
    return person
