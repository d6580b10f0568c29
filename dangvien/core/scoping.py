"""The seam between "who may reach what" and the apps that ask.

core knows no roles and no users' assignments. ``accounts`` (which owns role assignments)
installs the policy in its ``AppConfig.ready``; the apps below ``accounts`` in the layers
(``audit``, ``organisations``) ask through these functions, and the apps above may call
``accounts.scope`` and ``accounts.rules`` directly: both give the same answers.

A user's reach is a list of materialized-path prefixes (``[""]`` means the whole tree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from dangvien.core.typing import AnyUser


@dataclass(frozen=True)
class ScopePolicy:
    subtree_paths: Callable[[AnyUser], list[str]]  # user -> the path prefixes they can read
    can: Callable[[AnyUser, str, Any], bool]  # user, action, organisation -> allowed
    can_anywhere: Callable[[AnyUser, str], bool]  # user, action -> allowed somewhere


_POLICY: list[ScopePolicy] = []


def install_policy(policy: ScopePolicy) -> None:
    _POLICY[:] = [policy]


def _policy() -> ScopePolicy:
    if not _POLICY:
        raise ImproperlyConfigured("No scope policy installed: is dangvien.accounts installed?")
    return _POLICY[0]


def subtree_paths(user: AnyUser) -> list[str]:
    return _policy().subtree_paths(user)


def can(user: AnyUser, action: str, organisation: Any) -> bool:
    return _policy().can(user, action, organisation)


def can_anywhere(user: AnyUser, action: str) -> bool:
    return _policy().can_anywhere(user, action)


def path_prefix_q(paths: list[str] | tuple[str, ...], field: str = "path") -> Q:
    """Q matching rows whose ``field`` starts with any of ``paths``; matches nothing when empty."""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def scope_q(user: AnyUser, field: str = "organisation") -> Q:
    """Q for rows whose ``field`` (an organisation foreign key) lies in the user's reach: the
    reach's organisations' keys, not a join on their paths (``core.subtree``)."""
    paths = subtree_paths(user)
    if not paths:
        return Q(pk__in=[])
    return Q(**{f"{field}__in_subtree": tuple(paths)})
