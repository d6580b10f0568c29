from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from dangvien.core.typing import AnyUser
from dangvien.people.models import Person


def list_people(*, user: AnyUser) -> QuerySet[Person]:
    """People visible to the user, with what the list page and its export show; the list's
    filters are ``people.filtersets.PersonFilterSet``."""
    return Person.objects.visible_to(user).select_related(
        "organisation", "ethnic_group", "occupation"
    )


def describe_for_picker(rows: Sequence[Person]) -> list[dict[str, Any]]:
    """Person rows → ``{"id", "label": full name, "detail": birth date · cell — parent}``,
    in two queries for the batch (the cells and their parents)."""
    from dangvien.core.formatting import format_date
    from dangvien.organisations.selectors import names_with_parent

    cells = names_with_parent({row.organisation_id for row in rows})
    return [
        {
            "id": row.pk,
            "label": row.full_name,
            "detail": " · ".join(
                part
                for part in (format_date(row.date_of_birth), cells.get(row.organisation_id, ""))
                if part
            ),
        }
        for row in rows
    ]
