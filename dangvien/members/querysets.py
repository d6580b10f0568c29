"""Chainable filters of the members app; every read starts from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.db import models

from dangvien.core.typing import AnyUser
from dangvien.members.choices import ACTIVE_STATUSES, MemberStatus, TransferStatus

if TYPE_CHECKING:
    from dangvien.members.models import Membership, ResidenceLink, Transfer  # noqa: F401 (the QuerySet[...] base)
    from dangvien.organisations.models import Organisation


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Members whose cell, or temporary cell, lies in one of the user's subtrees."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user) | scope_q(user, "temporary_organisation"))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__path__startswith=organisation.path)

    def active(self) -> Self:
        return self.filter(status__in=ACTIVE_STATUSES)

    def probationary(self) -> Self:
        return self.filter(status=MemberStatus.PROBATIONARY)

    def official_in(self, organisation: Organisation) -> Self:
        """The official members of one cell (the denominator of a cell vote)."""
        return self.filter(organisation=organisation, status=MemberStatus.OFFICIAL)

    def probation_ending(self, today: dt.date, days: int) -> Self:
        return self.probationary().filter(
            probation_end__gte=today, probation_end__lte=today + dt.timedelta(days=days)
        )


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: AnyUser) -> Self:
        """Transfers seen from either side: the sending cell's or the receiving cell's subtree."""
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user, "from_organisation") | scope_q(user, "to_organisation"))

    def open(self) -> Self:
        return self.filter(status=TransferStatus.OPEN)


class ResidenceLinkQuerySet(models.QuerySet["ResidenceLink"]):
    def visible_to(self, user: AnyUser) -> Self:
        from dangvien.core.scoping import scope_q

        return self.filter(scope_q(user, "workplace_organisation"))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(workplace_organisation__path__startswith=organisation.path)

    def pending(self) -> Self:
        """Not introduced yet and not exempt from the introduction."""
        return self.filter(introduced_on__isnull=True).exclude(exemption="introduction")
