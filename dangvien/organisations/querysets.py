"""The only place that knows how the organisation tree is stored (treebeard materialized path).

Everything else asks for ``subtree(org)``, ``ancestors_of(org)``, ``children_of(org)`` or
``valid_on(date)``, and never walks parents in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.db.models import Q
from treebeard.mp_tree import MP_NodeQuerySet

from dangvien.core.scoping import path_prefix_q, subtree_paths
from dangvien.core.typing import AnyUser

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dangvien.organisations.models import Organisation

    # treebeard ships no types: to the type checker its node queryset is a plain QuerySet.
    _NodeQuerySet = QuerySet[Organisation]
else:
    _NodeQuerySet = MP_NodeQuerySet


class OrganisationQuerySet(_NodeQuerySet):
    def subtree(self, organisation: Organisation, *, include_self: bool = True) -> Self:
        qs = self.filter(path__startswith=organisation.path)
        if not include_self:
            qs = qs.exclude(pk=organisation.pk)
        return qs

    def ancestors_of(self, organisation: Organisation, *, include_self: bool = False) -> Self:
        steplen = organisation.steplen
        paths = [organisation.path[: steplen * depth] for depth in range(1, organisation.depth)]
        if include_self:
            paths.append(organisation.path)
        return self.filter(path__in=paths).order_by("depth")

    def children_of(self, organisation: Organisation) -> Self:
        return self.filter(
            path__startswith=organisation.path, depth=organisation.depth + 1
        ).order_by("path")

    def valid_on(self, day: dt.date) -> Self:
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def cells(self) -> Self:
        from dangvien.organisations.choices import CELL_KINDS

        return self.filter(kind__in=CELL_KINDS)

    def visible_to(self, user: AnyUser) -> Self:

        return self.filter(path_prefix_q(subtree_paths(user)))
