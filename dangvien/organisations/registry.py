"""Figures other apps contribute to the organisation pages (the tree browser, the detail page).

``organisations`` sits below the apps that own people, members and dossiers, so it never imports
them. Each of those apps registers a count in its ``AppConfig.ready``: a key, a Vietnamese label
and a function returning the rows to count (a queryset of a model with an ``organisation``
foreign key). The selectors count every registered figure per subtree in one GROUP BY each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

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
