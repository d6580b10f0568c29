"""Access helpers: the object when in scope (else 404), 403 when the role lacks the action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.screening.models import ScreeningCase

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


def get_case_for_user(user: AnyUser, pk: int, *, action: str = "member.view") -> ScreeningCase:
    case = (
        ScreeningCase.objects.visible_to(user)
        .select_related("membership__person", "organisation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if case is None:
        raise Http404("screening case")
    if not can(user, action, case.organisation):
        raise PermissionDenied(action)
    return case


def get_screening_organisation(
    user: AnyUser, value: str | int | None, *, action: str = "member.view"
) -> Organisation:
    """The organisation of a screening page (pk or code), in scope (else 404); the user's
    home organisation when none is given."""
    from dangvien.targets.access import resolve_organisation

    return resolve_organisation(user, value, action=action)
