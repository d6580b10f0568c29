from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.targets.models import Target

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


def get_target_for_user(user: AnyUser, pk: int, *, action: str = "target.view") -> Target:
    """The target if its organisation is in the user's subtrees (else 404) and the role allows
    ``action`` there (else 403)."""
    from dangvien.core.scoping import scope_q

    target = (
        Target.objects.filter(scope_q(user))
        .select_related("organisation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if target is None:
        raise Http404("target")
    if not can(user, action, target.organisation):
        raise PermissionDenied(action)
    return target


def get_home_organisation(user: AnyUser) -> Organisation:
    """The top organisation of the user's first subtree (where their pages start)."""
    from dangvien.core.scoping import subtree_paths
    from dangvien.organisations.models import Organisation

    paths = subtree_paths(user)
    if not paths:
        raise Http404("organisation")
    queryset = Organisation.objects.all()
    if paths != [""]:
        queryset = queryset.filter(path__in=paths)
    organisation = queryset.order_by("depth", "path").first()
    if organisation is None:
        raise Http404("organisation")
    return organisation


def resolve_organisation(user: AnyUser, value: str | int | None, *, action: str) -> Organisation:
    """``value`` (pk or code) checked against the user's scope; the home organisation if empty."""
    from dangvien.organisations.access import get_organisation_for_user

    if value in (None, ""):
        organisation = get_home_organisation(user)
        if not can(user, action, organisation):
            raise PermissionDenied(action)
        return organisation
    return get_organisation_for_user(user, str(value), action=action)
