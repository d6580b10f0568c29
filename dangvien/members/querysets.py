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
        that is fastest to count rather than to page through (the UNION for a province too: a
        province's members counted in 166 ms instead of 1.596 on the national dataset, while
        its first page, ordered by cell and name, takes 3,7 s instead of 8 ms).

        Two shapes of the same rows, by how many rows the reach holds (measured on the
        national dataset, docs/performance.md "The first national run"). The ids of the two
        branches as a UNION, each branch read through its foreign key's index for the reach's
        organisations' keys (``core.subtree``), where the branches are small: below the
        provinces, or for one status at any reach (the status goes inside each branch, so
        that a province's probationers are found from its cells through the probationers'
        partial index: a province's 6.424 among the nation's 205.471, 60 ms). A province or
        the whole tree without a status keeps the OR across the two joins to page through
        its members: there the UNION would gather every member of the reach first (a
        province's first page 3,7 s against 8 ms; the nation 4,5 s against 0,4), though it
        counts a province's faster (``counting``). A commune's probationers by the OR:
        330 ms, PostgreSQL joined and tested every probationer in the country; by the UNION:
        5 ms."""
        from dangvien.core.scoping import path_prefix_q, subtree_paths
        from dangvien.organisations.models import Organisation

        paths = subtree_paths(user)
        in_cell = path_prefix_q(paths, "organisation__path")
        lodged_in_cell = path_prefix_q(paths, "temporary_organisation__path")
        # a province or above; the nation only, when counting
        widest = Organisation.steplen if counting else 2 * Organisation.steplen
        wide = any(len(path) <= widest for path in paths)
        if wide and status is None:
            return self.filter(in_cell | lodged_in_cell)
        members = self.model._default_manager.using(self.db).order_by()
        if status is not None:
            members = members.filter(status=status)
        if status is None and any(len(path) <= 2 * Organisation.steplen for path in paths):
            # a province's members counted: joined on the paths, the planner knows the
            # branches hold 169.003 rows and hashes them (166 ms); from the keys' array it
            # expects 700, spills its hash to disk and probes the key 169.003 times (552 ms)
            own = members.filter(in_cell).values("pk")
            lodged = members.filter(lodged_in_cell).values("pk")
        else:
            # each branch from its foreign key's index, for the reach's organisations' keys
            # (``core.subtree``)
            own = members.filter(organisation__in_subtree=tuple(paths)).values("pk")
            lodged = members.filter(temporary_organisation__in_subtree=tuple(paths)).values("pk")
        # the status is inside the branches only: repeated outside, it made PostgreSQL read
        # every probationer of the nation (205.000) to meet a province's 6.400 (545 → 60 ms)
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
