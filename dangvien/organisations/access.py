from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.organisations.models import Organisation


def get_organisation_for_user(
    user: AnyUser, pk: int | str, *, action: str = "organisation.view"
) -> Organisation:
    """The organisation if it is in the user's subtrees (else 404) and the role allows
    ``action`` there (else 403)."""
    lookup = {"pk": pk} if isinstance(pk, int) or str(pk).isdigit() else {"code": pk}
    organisation = Organisation.objects.visible_to(user).filter(**lookup).first()
    if organisation is None:
        raise Http404("organisation")
    if not can(user, action, organisation):
        raise PermissionDenied(action)
    return organisation
