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
    def visible_to(
        self, user: AnyUser, *, status: str | None = None, counting: bool = False
    ) -> Self:
        """Members whose cell, or temporary cell, lies in one of the user's subtrees; with
        ``status``, only the members in that status. ``counting``: the same rows in the shape
        that is fastest to count rather than to page through.

        Three shapes of the same rows, chosen by the reach (measured on the national dataset,
        docs/performance.md "Scopes as key arrays, and the fourth national run"):

        - below the nation, when counting, with a status, or for a reach below the provinces:
          the two foreign keys against the reach's organisations' keys (``core.subtree``),
          OR-ed;
        - a province's or the nation's members without a status, to page through: the OR
          across the two joins on the paths, so that the first page in the order of the cells
          is found without gathering the reach (a province's first page 8 ms; from the keys
          every member is gathered and sorted first);
        - the nation in one status: the UNION of the two branches' ids, the status inside
          each (outside, PostgreSQL read every probationer of the nation to meet a commune's).
        """
        from dangvien.core.scoping import path_prefix_q, subtree_paths
        from dangvien.organisations.models import Organisation

        paths = subtree_paths(user)
        keys = tuple(paths)
        below_nation = all(len(path) > Organisation.steplen for path in paths)
        province_or_above = any(len(path) <= 2 * Organisation.steplen for path in paths)
        if below_nation and (counting or status is not None or not province_or_above):
            # both foreign keys' indexes for the reach's organisations' keys (``core.subtree``)
            # OR-ed in one bitmap scan, the status beside them: a province's 169.003 members
            # counted in 48–75 ms (a UNION of the two branches: 450–630), its probationers in
            # 36 (42), a commune's members in 1 (3)
            by_keys = models.Q(organisation__in_subtree=keys) | models.Q(
                temporary_organisation__in_subtree=keys
            )
            return self.filter(by_keys if status is None else models.Q(status=status) & by_keys)
        if status is None:
            # a province's or the nation's first page, in the order of the cells: joined on the
            # paths, PostgreSQL walks the cells in order and stops at the page (8 ms)
            in_cell = path_prefix_q(paths, "organisation__path")
            return self.filter(in_cell | path_prefix_q(paths, "temporary_organisation__path"))
        # the nation's members in one status: the ids of the two branches, each from its
        # foreign key's index; the status is inside the branches only (repeated outside, it
        # made PostgreSQL read every probationer of the nation)
        members = self.model._default_manager.using(self.db).order_by().filter(status=status)
        own = members.filter(organisation__in_subtree=keys).values("pk")
        lodged = members.filter(temporary_organisation__in_subtree=keys).values("pk")
        return self.filter(pk__in=own.union(lodged))

    def in_subtree(self, organisation: Organisation) -> Self:
        return self.filter(organisation__in_subtree=organisation.path)

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
        return self.filter(workplace_organisation__in_subtree=organisation.path)

    def pending(self) -> Self:
        """Not introduced yet and not exempt from the introduction."""
        return self.filter(introduced_on__isnull=True).exclude(exemption="introduction")
