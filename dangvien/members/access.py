"""Access helpers: the object when in scope (else 404), 403 when the role lacks the action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.lookup import valid_id
from dangvien.core.scoping import can
from dangvien.core.typing import AnyUser
from dangvien.members.models import (
    Membership,
    PartyCard,
    RecognitionStep,
    ResidenceLink,
    Transfer,
)


def get_membership_for_user(user: AnyUser, pk: int, *, action: str = "member.view") -> Membership:
    membership = (
        Membership.objects.visible_to(user)
        .select_related(
            "person",
            "person__ethnic_group",
            "organisation",
            "admitted_in",
            "temporary_organisation",
        )
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if membership is None:
        raise Http404("membership")
    if not can(user, action, membership.organisation):
        raise PermissionDenied(action)
    return membership


def get_transfer_for_user(user: AnyUser, pk: int, *, action: str = "member.view") -> Transfer:
    """``side`` of the action follows the action: starting/cancelling needs the sending cell,
    confirming (``member.receive``) needs the receiving cell."""
    transfer = (
        Transfer.objects.visible_to(user)
        .select_related("membership__person", "from_organisation", "to_organisation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if transfer is None:
        raise Http404("transfer")
    if action == "member.receive":
        allowed = can(user, "member.change", transfer.to_organisation)
    elif action == "member.view":
        allowed = can(user, action, transfer.from_organisation) or can(
            user, action, transfer.to_organisation
        )
    else:
        allowed = can(user, action, transfer.from_organisation)
    if not allowed:
        raise PermissionDenied(action)
    return transfer


def get_card_for_user(user: AnyUser, pk: int, *, action: str = "member.change") -> PartyCard:
    card = (
        PartyCard.objects.filter(membership__in=Membership.objects.visible_to(user))
        .select_related("membership__organisation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if card is None:
        raise Http404("card")
    if not can(user, action, card.membership.organisation):
        raise PermissionDenied(action)
    return card


def get_recognition_step_for_user(
    user: AnyUser, pk: int, *, action: str = "member.change", with_history: bool = False
) -> RecognitionStep:
    """A recognition step of a member in the user's scope (404 otherwise; a corrected or
    cancelled one only ``with_history``); 403 without ``action`` on the member's cell. Which
    role may correct which step is checked by the service (the step's authority)."""
    rows = RecognitionStep.history if with_history else RecognitionStep.objects
    step = (
        rows.filter(membership__in=Membership.objects.visible_to(user))
        .select_related("membership__organisation", "membership__person")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if step is None:
        raise Http404("recognition step")
    if not can(user, action, step.membership.organisation):
        raise PermissionDenied(action)
    return step


def get_residence_link_for_user(
    user: AnyUser, pk: int, *, action: str = "member.change"
) -> ResidenceLink:
    link = (
        ResidenceLink.objects.visible_to(user)
        .select_related("membership", "workplace_organisation")
        .filter(pk=valid_id(pk) or 0)
        .first()
    )
    if link is None:
        raise Http404("residence link")
    if not can(user, action, link.workplace_organisation):
        raise PermissionDenied(action)
    return link
