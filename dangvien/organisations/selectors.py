"""Reads on the tree: top nodes, children with the figures other apps register, subtree counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from dangvien.core.scoping import path_prefix_q, subtree_paths
from dangvien.core.typing import AnyUser
from dangvien.organisations.models import Organisation
from dangvien.organisations.registry import subtree_counts


@dataclass(frozen=True)
class NodeCounts:
    organisation: Organisation
    counts: dict[str, int]  # registered figures shown in the tree (``registry``), by key
    has_children: bool


def _counts_by_prefix(queryset: QuerySet[Any], field: str, prefix_length: int) -> dict[str, int]:
    """One GROUP BY over the first ``prefix_length`` characters of the related path."""
    rows = (
        queryset.annotate(prefix=Substr(f"{field}__path", 1, prefix_length))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    return dict(rows)


def list_top_organisations(*, user: AnyUser) -> list[Organisation]:
    """The roots of the user's reach (the whole tree's roots for a superuser)."""
    paths = subtree_paths(user)
    if paths == [""]:
        return list(Organisation.objects.filter(depth=1))
    return list(Organisation.objects.filter(path__in=paths))


def list_children_with_counts(
    *, organisation: Organisation | None, user: AnyUser
) -> list[NodeCounts]:
    """The visible children of ``organisation`` (or the user's top nodes) with the registered
    tree figures (active members, open dossiers…) of each child's subtree. One query per figure
    and one for the children, per distinct depth among the children, whatever the tree's size."""
    visible = Organisation.objects.visible_to(user)
    if organisation is None:
        paths = subtree_paths(user)
        children = list(
            visible.filter(depth=1) if paths == [""] else visible.filter(path__in=paths)
        )
    else:
        children = list(visible.children_of(organisation))
    if not children:
        return []
    figures = subtree_counts(in_tree=True)
    # Children of one parent share a depth; a user's top nodes may not, so group by length
    # (a handful of depths at most, never one query per node).
    counts: dict[str, dict[str, int]] = {figure.key: {} for figure in figures}
    with_children: set[str] = set()
    for length in sorted({len(child.path) for child in children}):
        paths = [child.path for child in children if len(child.path) == length]
        for figure in figures:
            counts[figure.key].update(
                _counts_by_prefix(
                    figure.rows().filter(path_prefix_q(paths, "organisation__path")),
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
            counts={key: by_path.get(child.path, 0) for key, by_path in counts.items()},
            has_children=child.path in with_children,
        )
        for child in children
    ]


def count_subtree(*, organisation: Organisation) -> dict[str, int]:
    """Every registered figure (members, open dossiers, people…) in one organisation's subtree,
    and ``units``: the organisations below it."""
    prefix = {"organisation__path__startswith": organisation.path}
    counts = {figure.key: figure.rows().filter(**prefix).count() for figure in subtree_counts()}
    counts["units"] = Organisation.objects.subtree(organisation, include_self=False).count()
    return counts


def names_with_parent(ids: set[int]) -> dict[int, str]:
    """``{organisation id: "Chi bộ thôn 1 — Đảng bộ xã Bắc Một"}``: each organisation named with
    its parent, in two queries whatever the number (pickers, rosters)."""
    if not ids:
        return {}
    rows = list(Organisation.objects.filter(pk__in=ids).only("pk", "name", "path"))
    return {row.pk: label for row, label in zip(rows, _with_parents(rows), strict=True)}


def _with_parents(rows: Sequence[Organisation]) -> list[str]:
    steplen = Organisation.steplen
    parents = {row.path[:-steplen] for row in rows if len(row.path) > steplen}
    names = dict(Organisation.objects.filter(path__in=parents).values_list("path", "name"))
    return [
        " — ".join(part for part in (row.name, names.get(row.path[:-steplen], "")) if part)
        for row in rows
    ]


def describe_for_picker(rows: Sequence[Organisation]) -> list[dict[str, Any]]:
    """Organisation rows → ``{"id", "label": name — parent, "detail": code}`` (one query)."""
    return [
        {"id": row.pk, "code": row.code, "label": label, "detail": row.code}
        for row, label in zip(rows, _with_parents(rows), strict=True)
    ]


def picker_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations a user picks from (their subtree, still in existence)."""
    rows: QuerySet[Organisation] = Organisation.objects.visible_to(user)
    return rows.filter(valid_to__isnull=True)


def picker_cells(user: AnyUser) -> QuerySet[Organisation]:
    """The cells a user picks from (their subtree, still in existence)."""
    rows: QuerySet[Organisation] = Organisation.objects.visible_to(user).cells()
    return rows.filter(valid_to__isnull=True)


def picker_cells_anywhere(user: AnyUser) -> QuerySet[Organisation]:
    """Every existing cell of the tree, for a transfer's destination (which may lie outside
    the sender's subtree: the destination cell's name, parent and code are all it shows)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()  # type: ignore[no-any-return]
    rows: QuerySet[Organisation] = Organisation.objects.cells()
    return rows.filter(valid_to__isnull=True)
