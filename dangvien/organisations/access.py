from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.organisations.models import Organisation


def get_organisation_for_user(
    user: AnyUser, pk: int | str, *, action: str = "organisation.view"
) -> Organisation:
    """The organisation if it is in the user's subtrees (else 404) and the role allows
    ``action`` there (else 403)."""
    digits = isinstance(pk, int) or str(pk).isdigit()
    lookup = {"pk": valid_id(pk) or 0} if digits else {"code": pk}
    organisation = Organisation.objects.visible_to(user).filter(**lookup).first()
    if organisation is None:
        raise Http404("organisation")
    if not can(user, action, organisation):
        raise PermissionDenied(action)
    return organisation
