"""Report reads on a read replica (``DATABASE_REPLICA_URL``), everything else on the primary.

A streaming replica of PostgreSQL takes the heavy report reads off the primary. Reads go there
only where lag is harmless and only when asked: inside ``replica_reads()`` (the report pages
and API, by path, through ``ReplicaReadsMiddleware``; the ``report`` command), for the models of
the fact apps, outside any transaction on the primary. Accounts, sessions, second factors,
lockouts, audit, imports and tasks always read the primary, so a login, a fresh session or an
audit row written a moment ago is never missing. Writes always go to the primary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"

# the apps whose tables the reports read (facts and the tree); the rest stay on the primary
FACT_APPS = frozenset(
    {
        "admissions",
        "badges",
        "grading",
        "members",
        "organisations",
        "people",
        "rules",
        "screening",
        "targets",
        "training",
    }
)

_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block (or a function it decorates), fact reads may go to the replica."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def fact_alias() -> str:
    """The alias that fact reads use now: the replica inside ``replica_reads``, else default."""
    if not _reading.get() or not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # read your own writes
    return REPLICA


class _FactConnection:
    """Like ``django.db.connection``, for hand-written SQL over facts: the connection of
    ``fact_alias()`` at the moment it is used."""

    def __getattr__(self, name: str) -> Any:
        return getattr(connections[fact_alias()], name)


# ``from dangvien.core.replica import fact_connection as connection`` in report SQL
fact_connection: Any = _FactConnection()


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: fact reads inside ``replica_reads`` go to the replica."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label not in FACT_APPS:
            return None
        alias = fact_alias()
        return None if alias == DEFAULT_DB_ALIAS else alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: objects from both relate

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """GET and HEAD requests under ``REPLICA_READ_PATHS`` read facts from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "REPLICA_READ_PATHS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and request.path.startswith(self.prefixes):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
