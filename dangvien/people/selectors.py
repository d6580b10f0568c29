from __future__ import annotations

from typing import Any

from dangvien.people.models import Person


def list_people(*, user: Any, filters: dict[str, Any]) -> Any:
    """People visible to the user, filtered as on the list page (and its export)."""
    queryset = Person.objects.visible_to(user).select_related(
        "organisation", "ethnic_group", "occupation"
    )
    if filters.get("q"):
        queryset = queryset.search(filters["q"])
    if filters.get("organisation"):
        queryset = queryset.in_subtree(filters["organisation"])
    if filters.get("sex"):
        queryset = queryset.filter(sex=filters["sex"])
    if filters.get("ethnic_group"):
        queryset = queryset.filter(ethnic_group=filters["ethnic_group"])
    return queryset
