"""Access helpers: the object when in scope (else 404), 403 when the role lacks the action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.badges.models import BadgeProposal
from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation


def get_proposal_for_user(user: AnyUser, pk: int, *, action: str = "member.view") -> BadgeProposal:
    proposal = (
        BadgeProposal.objects.visible_to(user)
        .select_related("membership__person", "membership__organisation", "organisation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if proposal is None:
        raise Http404("badge proposal")
    if not can(user, action, proposal.organisation):
        raise PermissionDenied(action)
    return proposal


def get_badge_organisation(
    user: AnyUser, value: str | int | None, *, action: str = "member.view"
) -> Organisation:
    """The organisation of a badge page (pk or code), in scope (else 404); the user's home
    organisation when none is given."""
    from dangvien.targets.access import resolve_organisation

    return resolve_organisation(user, value, action=action)
