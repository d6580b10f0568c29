"""Values read once per request: the rule sets and the working-day calendar's corrections.

A worklist or a report judges dozens of items against the rule set in force on each item's date
and counts working days for each deadline; without a memo every item read the same few rows
again (a province's worklist made 99 of its 122 queries that way). The memo lives in a context
variable that ``RequestIdMiddleware`` opens for each request and closes after it, so a value is
never shared between requests, processes or users, and code run outside a request (commands,
workers, tests calling services) reads the database every time, as before. A write that changes
a memoised table calls ``forget()`` in its own transaction, so the rest of that request reads the
new value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_store: ContextVar[dict[str, Any] | None] = ContextVar("dangvien_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Open a memo for the duration of a request (nested calls share the outer one)."""
    if _store.get() is not None:
        yield
        return
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def memoised(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, once per request under ``key``; every time outside a request."""
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def forget() -> None:
    """Drop what this request memoised (after a write to a memoised table)."""
    store = _store.get()
    if store is not None:
        store.clear()
