from __future__ import annotations

from django.db.models import QuerySet

from dangvien.core.typing import AnyUser
from dangvien.people.models import Person


def list_people(*, user: AnyUser) -> QuerySet[Person]:
    """People visible to the user, with what the list page and its export show; the list's
    filters are ``people.filtersets.PersonFilterSet``."""
    return Person.objects.visible_to(user).select_related(
        "organisation", "ethnic_group", "occupation"
    )
