"""Reads on the tree: top nodes, children with the figures other apps register, subtree counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from dangvien.core.formatting import format_date
from dangvien.core.replica import fact_connection as connection
from dangvien.core.scoping import path_prefix_q, subtree_paths
from dangvien.core.typing import AnyUser
from dangvien.organisations.choices import KIND_SHORT_LABELS
from dangvien.organisations.models import (
    Organisation,
    OrganisationLineage,
    OrganisationPlacement,
    ReorganisationEvent,
)
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
    prefix = {"organisation__in_subtree": organisation.path}
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
    """Organisation rows → ``{"id", "label": name — parent, "detail": code}`` (one query); a
    dissolved organisation's detail says since when."""
    return [
        {"id": row.pk, "code": row.code, "label": label, "detail": _picker_detail(row)}
        for row, label in zip(rows, _with_parents(rows), strict=True)
    ]


def _picker_detail(row: Organisation) -> str:
    if row.valid_to is None:
        return row.code
    return _("%(code)s · giải thể %(date)s") % {
        "code": row.code,
        "date": format_date(row.valid_to),
    }


def picker_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations a user picks from (their subtree, still in existence)."""
    rows: QuerySet[Organisation] = Organisation.objects.visible_to(user)
    return rows.filter(valid_to__isnull=True)


def picker_organisations_ever(user: AnyUser) -> QuerySet[Organisation]:
    """Every organisation of a user's subtree, dissolved ones too (the audit log's filter: a
    district committee gone on 1/7/2025 keeps its history)."""
    rows: QuerySet[Organisation] = Organisation.objects.visible_to(user)
    return rows


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


# --- the tree as it was on a date (placements) and the lineage across reorganisations ---


def placements_valid_on(day: dt.date) -> Q:
    """The placements in force on ``day`` (an open bound is no bound)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def placement_on(organisation: Organisation, on: dt.date) -> OrganisationPlacement | None:
    """Where ``organisation`` sat on ``on`` (None: it was not in the tree that day)."""
    return (
        OrganisationPlacement.objects.filter(placements_valid_on(on), organisation=organisation)
        .order_by("-valid_from")
        .first()
    )


class StructureRoot(NamedTuple):
    """Where an organisation's subtree is looked up for a structure date: ``on`` None is
    today's tree (``path`` is the treebeard path, a prefix); otherwise ``path`` is the
    organisation's placement path on ``on`` (placements in force that day under it);
    ``empty``: the organisation was not in the tree that day."""

    path: str
    on: dt.date | None
    empty: bool = False


def resolve_structure(organisation: Organisation, on: dt.date | None) -> StructureRoot:
    """The root of ``organisation``'s subtree as the tree was on ``on`` (None: today). At most
    two queries; the fast prefix whenever nothing in that subtree moved since ``on``."""
    today = StructureRoot(organisation.path, None)
    if on is None:
        return today
    # the rows' three fields, not model instances: every report and membership figure on a
    # closed period starts here (a commune's membership is a few milliseconds in all)
    placements = list(
        OrganisationPlacement.objects.filter(organisation=organisation)
        .order_by("valid_from")
        .values_list("path", "valid_from", "valid_to")
    )
    if not placements:  # a node written without history (should not happen): today's tree
        return today
    placement = next(
        (
            (path, valid_to)
            for path, valid_from, valid_to in placements
            if (valid_from is None or valid_from <= on) and (valid_to is None or valid_to >= on)
        ),
        None,
    )
    if placement is None:  # the organisation was not in the tree on that date
        return StructureRoot("", on, empty=True)
    path, valid_to = placement
    if valid_to is None:
        moved = OrganisationPlacement.objects.filter(
            Q(valid_from__gt=on) | Q(valid_to__gte=on), path__startswith=path
        ).exists()
        if not moved:  # the subtree is the same today as on ``on``: the fast prefix
            return today
    return StructureRoot(path, on)


def placed_under(root: StructureRoot) -> QuerySet[Any, Any]:
    """The ids (``organisation_id``) of the organisations under a past-date root."""
    assert root.on is not None
    rows: QuerySet[Any, Any] = OrganisationPlacement.objects.filter(
        placements_valid_on(root.on), path__startswith=root.path
    ).values("organisation_id")
    return rows


def subtree_ids_sql(root: StructureRoot) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of the ids of the organisations in the root's subtree (today's tree: the path
    prefix; a past tree: the placements in force that day), with its parameters, for the
    hand-written statements of the figures (``col IN (sql)``). Not for an empty root."""
    assert not root.empty
    if root.on is None:
        rows = Organisation.objects.filter(path__startswith=root.path).values("id")
    else:
        rows = placed_under(root)
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def structure_q(root: StructureRoot, *, field: str = "organisation") -> Q:
    """``structure_filter`` from an already resolved root (no query to build)."""
    if root.empty:
        return Q(**{f"{field}__in": []})
    if root.on is None:
        return Q(**{f"{field}__in_subtree": root.path})
    return Q(**{f"{field}__in": placed_under(root)})


def _structure_q(
    organisation: Organisation, on: dt.date | None, path_lookup: str, in_lookup: str
) -> Q:
    root = resolve_structure(organisation, on)
    if root.empty:
        return Q(**{in_lookup: []})
    if root.on is None:
        return Q(**{path_lookup: root.path})
    return Q(**{in_lookup: placed_under(root)})


def structure_filter(
    organisation: Organisation, *, on: dt.date | None = None, field: str = "organisation"
) -> Q:
    """The facts whose ``field`` (a foreign key to Organisation) lies in ``organisation``'s
    subtree as the tree was on ``on``; ``on=None`` is today's tree (the path prefix).

    For a past date: the organisations whose placement in force on ``on`` lies under the
    organisation's own placement of that day (a subquery); when nothing in that subtree moved
    since ``on``, the same fast prefix as today. At most two queries to build, whatever the
    tree's size; an organisation that did not exist on ``on`` holds nothing."""
    return _structure_q(organisation, on, f"{field}__in_subtree", f"{field}__in")


def subtree_on(organisation: Organisation, on: dt.date | None) -> QuerySet[Organisation]:
    """The organisations of ``organisation``'s subtree as the tree was on ``on`` (None: today),
    the organisation itself included."""
    rows: QuerySet[Organisation] = Organisation.objects.filter(
        _structure_q(organisation, on, "path__startswith", "pk__in")
    )
    return rows


class LineageLink(NamedTuple):
    organisation: Organisation
    approximate: bool  # a split on the way: the figures are shared by the split's mapping
    event: ReorganisationEvent


_CHAIN_SQL = """
WITH RECURSIVE chain(org_id, approximate, event_id, generation) AS (
    SELECT {far}, approximate, event_id, 1
    FROM organisations_organisationlineage WHERE {near} = %s
    UNION
    SELECT l.{far}, (l.approximate OR c.approximate), l.event_id, c.generation + 1
    FROM organisations_organisationlineage l JOIN chain c ON l.{near} = c.org_id
    WHERE c.generation < 64
)
SELECT org_id, approximate, event_id, generation FROM chain
"""


def _lineage(organisation: Organisation, *, backwards: bool, transitive: bool) -> list[LineageLink]:
    near, far = (
        ("successor_id", "predecessor_id") if backwards else ("predecessor_id", "successor_id")
    )
    if transitive:
        with connection.cursor() as cursor:
            cursor.execute(_CHAIN_SQL.format(near=near, far=far), [organisation.pk])
            rows = [
                (org_id, bool(approximate), event_id, generation)
                for org_id, approximate, event_id, generation in cursor.fetchall()
            ]
    else:
        rows = [
            (org_id, approximate, event_id, 1)
            for org_id, approximate, event_id in OrganisationLineage.objects.filter(
                **{near: organisation.pk}
            ).values_list(far, "approximate", "event_id")
        ]
    best: dict[int, tuple[bool, int, int]] = {}
    for org_id, approximate, event_id, generation in rows:
        if org_id == organisation.pk:
            continue
        seen = best.get(org_id)
        if seen is None or generation < seen[2]:
            best[org_id] = (approximate or (seen[0] if seen else False), event_id, generation)
        elif approximate and not seen[0]:
            best[org_id] = (True, seen[1], seen[2])
    if not best:
        return []
    organisations = Organisation.objects.in_bulk(list(best))
    events = ReorganisationEvent.objects.in_bulk({event_id for _a, event_id, _g in best.values()})
    links = [
        LineageLink(organisations[org_id], approximate, events[event_id])
        for org_id, (approximate, event_id, _generation) in best.items()
    ]
    links.sort(key=lambda link: (best[link.organisation.pk][2], link.organisation.code))
    return links


def predecessors(organisation: Organisation, *, transitive: bool = True) -> list[LineageLink]:
    """The organisations ``organisation`` was formed from, as ``(organisation, approximate,
    event)``: direct ones first, then (``transitive``) theirs. Three queries, whatever the
    depth of the lineage (a recursive query)."""
    return _lineage(organisation, backwards=True, transitive=transitive)


def successors(organisation: Organisation, *, transitive: bool = True) -> list[LineageLink]:
    """The organisations that took over ``organisation`` (merge target, split parts)."""
    return _lineage(organisation, backwards=False, transitive=transitive)


@dataclass(frozen=True)
class LineageLine:
    """What a comparison across a reorganisation compares with, said in one line."""

    organisations: list[Organisation]
    approximate: bool
    reasons: list[str] = field(default_factory=list)
    text: str = ""


def lineage_line(organisation: Organisation) -> LineageLine | None:
    """ "so với cùng kỳ của 3 đảng bộ xã cũ: A, B, C" for an organisation formed by a merge or a
    split (None for one that was not): its direct predecessors, whether the comparison is
    approximate (a split) and why (the split event's note)."""
    links = predecessors(organisation, transitive=False)
    if not links:
        return None
    kinds = {link.organisation.kind for link in links}
    kind = (
        str(KIND_SHORT_LABELS.get(kinds.pop(), _("tổ chức"))) if len(kinds) == 1 else _("tổ chức")
    )
    names = ", ".join(link.organisation.name for link in links)
    text = _("so với cùng kỳ của %(count)s %(kind)s cũ: %(names)s") % {
        "count": len(links),
        "kind": kind,
        "names": names,
    }
    if len(links) == 1:
        text = _("so với cùng kỳ của %(name)s (cũ)") % {"name": names}
    approximate = any(link.approximate for link in links)
    reasons = sorted(
        {
            str(link.event.data.get("reason") or link.event.note)
            for link in links
            if link.approximate and (link.event.data.get("reason") or link.event.note)
        }
    )
    if approximate:
        text += " " + _("(số liệu ước tính: %(reason)s)") % {
            "reason": "; ".join(reasons) or _("tổ chức cũ được chia tách")
        }
    return LineageLine(
        organisations=[link.organisation for link in links],
        approximate=approximate,
        reasons=reasons,
        text=text,
    )


def reorganisation_events(organisation: Organisation) -> QuerySet[ReorganisationEvent]:
    """The reorganisation events the organisation took part in (as a source or a target),
    latest first, with their sources and targets prefetched."""
    rows: QuerySet[ReorganisationEvent] = (
        ReorganisationEvent.objects.filter(Q(sources=organisation) | Q(targets=organisation))
        .distinct()
        .prefetch_related("sources", "targets")
        .order_by("-date", "-pk")
    )
    return rows


def organisations_q(root: StructureRoot) -> Q:
    """``structure_q`` for the ``Organisation`` rows themselves: the subtree of ``root``."""
    if root.empty:
        return Q(pk__in=[])
    if root.on is None:
        return Q(path__startswith=root.path)
    return Q(pk__in=placed_under(root))


def children_on(organisation: Organisation, root: StructureRoot) -> list[tuple[Organisation, str]]:
    """The children of ``organisation`` on ``root``'s tree, each with the path its subtree's
    facts are grouped by: today's treebeard path, or (a past tree) its placement path that day.
    One query."""
    from django.db.models import OuterRef, Subquery

    from dangvien.organisations.models import PLACEMENT_STEP

    if root.empty:
        return []
    if root.on is None:
        return [(child, child.path) for child in Organisation.objects.children_of(organisation)]
    in_force = placements_valid_on(root.on)
    depth = len(root.path) // PLACEMENT_STEP + 1
    rows = (
        Organisation.objects.filter(
            pk__in=OrganisationPlacement.objects.filter(
                in_force, path__startswith=root.path, depth=depth
            ).values("organisation_id")
        )
        .annotate(
            placed_path=Subquery(
                OrganisationPlacement.objects.filter(in_force, organisation=OuterRef("pk"))
                .order_by("-valid_from")
                .values("path")[:1]
            )
        )
        .order_by("path")
    )
    return [(child, child.placed_path) for child in rows]


def branch_of(root: StructureRoot, organisation: Organisation, field: str = "organisation") -> Any:
    """An expression giving, for a fact whose ``field`` points at an organisation, the path of
    the child subtree of ``root`` it lies in (the keys of ``children_on``); the organisation's
    own facts give ``root.path``."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Substr

    from dangvien.organisations.models import PLACEMENT_STEP

    if root.on is None:
        return Substr(f"{field}__path", 1, len(root.path) + organisation.steplen)
    length = len(root.path) + PLACEMENT_STEP
    return Subquery(
        OrganisationPlacement.objects.filter(
            placements_valid_on(root.on), organisation=OuterRef(field)
        )
        .order_by("-valid_from")
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")[:1]
    )


def structure_root_from_param(organisation: Organisation, value: str | None) -> StructureRoot:
    """A list's ``structure`` parameter resolved for ``organisation``: a date (YYYY-MM-DD, the
    tree as it was that day, as a report's links carry it) or ``today``/empty (today's tree: a
    list without a period has no closed period to default to). A malformed date is refused
    with a DomainError saying the value found and the form required."""
    from dangvien.core.errors import DomainError
    from dangvien.core.formatting import parse_date

    value = (value or "").strip()
    if value in ("", "today"):
        return resolve_structure(organisation, None)
    try:
        day = parse_date(value)
    except ValueError as exc:
        raise DomainError(
            _("Ngày cơ cấu tổ chức «%(value)s» không hợp lệ; cần dạng YYYY-MM-DD hoặc «today».")
            % {"value": value},
            rule="structure_date",
            found=value,
            required="YYYY-MM-DD | today",
            field="structure",
        ) from exc
    return resolve_structure(organisation, day)
