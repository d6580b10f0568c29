"""How the apps above ``rules`` take part in its decisions without ``rules`` importing them.

- ``register_rule_set_user(rows)``: a model whose rows rest on a rule set (a ``rule_set``
  foreign key); a rule set with such rows counts as used and is never edited again.
- ``register_rule_set_changed(hook)``: called, in the same transaction, after a rule set is
  created or edited (to forget values cached from it).
- ``register_calendar_changed(hook)``: called, in the same transaction, after the working-day
  calendar is corrected (to recompute deadlines).

Apps register in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from dangvien.core.memo import forget

RowsSource = Callable[[], QuerySet[Any]]
Hook = Callable[[], object]

_USERS: dict[str, RowsSource] = {}
_RULE_SET_CHANGED: dict[str, Hook] = {}
_CALENDAR_CHANGED: dict[str, Hook] = {}


def register_rule_set_user(name: str, rows: RowsSource) -> None:
    _USERS[name] = rows


def register_rule_set_changed(name: str, hook: Hook) -> None:
    _RULE_SET_CHANGED[name] = hook


def register_calendar_changed(name: str, hook: Hook) -> None:
    _CALENDAR_CHANGED[name] = hook


def rule_set_users() -> list[RowsSource]:
    return list(_USERS.values())


def rule_set_changed() -> None:
    forget()
    for hook in _RULE_SET_CHANGED.values():
        hook()


def calendar_changed() -> None:
    forget()
    for hook in _CALENDAR_CHANGED.values():
        hook()
