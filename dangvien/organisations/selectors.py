"""Reads on the tree that span apps: children with their member and candidate counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr

from dangvien.organisations.models import Organisation


@dataclass(frozen=True)
class NodeCounts:
    organisation: Organisation
    members: int
    candidates: int
    has_children: bool


def _counts_by_prefix(queryset: Any, field: str, prefix_length: int) -> dict[str, int]:
    """One GROUP BY over the first ``prefix_length`` characters of the related path."""
    rows = (
        queryset.annotate(prefix=Substr(f"{field}__path", 1, prefix_length))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    return dict(rows)


def list_children_with_counts(*, organisation: Organisation | None, user: Any) -> list[NodeCounts]:
    """The visible children of ``organisation`` (or the user's top nodes) with the number of
    active members and open dossiers in each child's subtree. Three queries per distinct
    depth among the children, whatever the size of the tree."""
    from dangvien.admissions.models import Dossier
    from dangvien.members.choices import ACTIVE_STATUSES
    from dangvien.members.models import Membership

    visible = Organisation.objects.visible_to(user)
    if organisation is None:
        from dangvien.accounts.scope import subtree_paths

        paths = subtree_paths(user)
        children = list(
            visible.filter(depth=1) if paths == [""] else visible.filter(path__in=paths)
        )
    else:
        children = list(visible.children_of(organisation))
    if not children:
        return []
    from dangvien.organisations.querysets import path_prefix_q

    # Children of one parent share a depth; a user's top nodes may not, so group by length
    # (a handful of depths at most, never one query per node).
    members: dict[str, int] = {}
    candidates: dict[str, int] = {}
    with_children: set[str] = set()
    for length in sorted({len(child.path) for child in children}):
        paths = [child.path for child in children if len(child.path) == length]
        members.update(
            _counts_by_prefix(
                Membership.objects.filter(status__in=ACTIVE_STATUSES).filter(
                    path_prefix_q(paths, "organisation__path")
                ),
                "organisation",
                length,
            )
        )
        candidates.update(
            _counts_by_prefix(
                Dossier.objects.filter(status="open").filter(
                    path_prefix_q(paths, "organisation__path")
                ),
                "organisation",
                length,
            )
        )
        with_children.update(
            Organisation.objects.filter(
                path_prefix_q(paths), depth=length // Organisation.steplen + 1
            )
            .annotate(prefix=Substr("path", 1, length))
            .values_list("prefix", flat=True)
            .distinct()
        )
    return [
        NodeCounts(
            organisation=child,
            members=members.get(child.path, 0),
            candidates=candidates.get(child.path, 0),
            has_children=child.path in with_children,
        )
        for child in children
    ]


def count_subtree(*, organisation: Organisation) -> dict[str, int]:
    """Active members, open dossiers and people in one organisation's subtree."""
    from dangvien.admissions.models import Dossier
    from dangvien.members.choices import ACTIVE_STATUSES
    from dangvien.members.models import Membership
    from dangvien.people.models import Person

    prefix = {"organisation__path__startswith": organisation.path}
    return {
        "members": Membership.objects.filter(status__in=ACTIVE_STATUSES, **prefix).count(),
        "candidates": Dossier.objects.filter(status="open", **prefix).count(),
        "people": Person.objects.filter(**prefix).count(),
        "units": Organisation.objects.subtree(organisation, include_self=False).count(),
    }
