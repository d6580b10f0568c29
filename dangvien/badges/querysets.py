"""Chainable filters of the badges app; every read starts from ``visible_to(user)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from dangvien.badges.models import BadgeAward, BadgeProposal  # noqa: F401
    from dangvien.organisations.models import Organisation


class BadgeProposalQuerySet(models.QuerySet["BadgeProposal"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Proposals of cells in the user's subtrees."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)


class BadgeAwardQuerySet(models.QuerySet["BadgeAward"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Awards recorded for members of cells in the user's subtrees."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)
