"""Access helpers of grading: out of scope is 404, in scope without the role's action 403."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from dangvien.core.lookup import get_visible_or_404
from dangvien.core.typing import AnyUser
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.choices import CELL_KINDS

if TYPE_CHECKING:
    from dangvien.members.models import Membership
    from dangvien.organisations.models import Organisation


def get_cell_for_user(
    user: AnyUser, pk: int | str, *, action: str = "grading.view"
) -> Organisation:
    """A cell in the user's subtrees (else 404; an organisation that is not a cell is 404 too:
    member sheets exist for cells only)."""
    organisation = get_organisation_for_user(user, pk, action=action)
    if organisation.kind not in CELL_KINDS:
        raise Http404("cell")
    return organisation


def get_membership_for_user(user: AnyUser, pk: int | str) -> Membership:
    """A member whose cell (or temporary cell) is in the user's subtrees, else 404."""
    from dangvien.members.models import Membership

    return get_visible_or_404(Membership, user, pk, what="membership")
