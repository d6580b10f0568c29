"""Figures other apps contribute to the organisation pages (the tree browser, the detail page).

``organisations`` sits below the apps that own people, members and dossiers, so it never imports
them. Each of those apps registers a count in its ``AppConfig.ready``: a key, a Vietnamese label
and a function returning the rows to count (a queryset of a model with an ``organisation``
foreign key). The selectors count every registered figure per subtree in one GROUP BY each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation

StrOrPromise = str | Promise


@dataclass(frozen=True)
class SubtreeCount:
    key: str  # "members": how templates and callers read it
    label: StrOrPromise  # Vietnamese, shown on the organisation page
    rows: Callable[[], QuerySet[Any]]  # the rows to count; each has an ``organisation`` FK
    in_tree: bool = False  # also shown beside every node of the tree browser
    # live facts that hold the node in place: while any remain in its subtree the node cannot
    # be given an end date, nor (held by the node itself) change its kind between a cell and a
    # committee (``services.update_organisation``)
    live: bool = False


_COUNTS: dict[str, SubtreeCount] = {}


def register_subtree_count(
    key: str,
    *,
    label: StrOrPromise,
    rows: Callable[[], QuerySet[Any]],
    in_tree: bool = False,
    live: bool = False,
) -> None:
    _COUNTS[key] = SubtreeCount(key=key, label=label, rows=rows, in_tree=in_tree, live=live)


def subtree_counts(*, in_tree: bool = False, live: bool = False) -> list[SubtreeCount]:
    """The registered counts (only those shown in the tree when ``in_tree``, only the live
    facts when ``live``), in key order."""
    return [
        count
        for _key, count in sorted(_COUNTS.items())
        if (count.in_tree or not in_tree) and (count.live or not live)
    ]


# --- facts handed over by a reorganisation -----------------------------------------------------
#
# A node that ends in a merge or a split hands over the live facts it holds *directly* (a
# cell's members and open dossiers, the targets of the years from the effective date, the role
# assignments on it) to the organisation that takes it over. ``organisations`` cannot write
# other apps' tables: each owning app registers a mover in its ``AppConfig.ready`` that does it
# through its own services (a member's move is a membership event dated on the effective date,
# never a rewrite of old rows).


@dataclass(frozen=True)
class FactMover:
    key: str  # "members", "dossiers", "targets", "role_assignments"…
    label: StrOrPromise  # Vietnamese, shown in previews and refusals
    # the live facts held directly by these organisations, as {organisation id: [fact ids]}
    ids: Callable[[list[int], Any], dict[int, list[int]]]
    # hand them (all, or only ``ids``) from ``source`` to ``target`` from ``effective_date``;
    # returns the ids moved
    move: Callable[..., list[int]]
    # the latest date of a fact recorded at these organisations (the effective date must be
    # after it: a reorganisation never moves facts dated on or after its own date)
    latest: Callable[[list[int]], Any] | None = None
    # end them instead of moving them (role assignments: the caller's choice)
    end: Callable[..., list[int]] | None = None
    # only a cell may receive them (members, dossiers)
    cells_only: bool = False
    # the order facts are handed over in (members before the people list they belong to)
    order: int = 0
    # a split's mapping ``{fact id: part}`` checked before anything is handed over (members:
    # a probationer and their helper land in the same part); raises DomainError
    check_split: Callable[[Organisation, Mapping[int, Organisation]], None] | None = None


_MOVERS: dict[str, FactMover] = {}


def register_fact_mover(
    key: str,
    *,
    label: StrOrPromise,
    ids: Callable[[list[int], Any], dict[int, list[int]]],
    move: Callable[..., list[int]],
    latest: Callable[[list[int]], Any] | None = None,
    end: Callable[..., list[int]] | None = None,
    cells_only: bool = False,
    order: int = 0,
    check_split: Callable[[Organisation, Mapping[int, Organisation]], None] | None = None,
) -> None:
    """Called by the owning app's ``AppConfig.ready``. ``ids(organisation_ids, effective_date)``
    answers in one query; ``move(source, target, effective_date, actor, ids=None, event=None)``
    and ``end(source, effective_date, actor, ids=None, event=None)`` write through the owning
    app's services."""
    _MOVERS[key] = FactMover(
        key=key,
        label=label,
        ids=ids,
        move=move,
        latest=latest,
        end=end,
        cells_only=cells_only,
        order=order,
        check_split=check_split,
    )


def fact_movers() -> list[FactMover]:
    return sorted(_MOVERS.values(), key=lambda mover: (mover.order, mover.key))
