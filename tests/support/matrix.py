"""The vocabulary of the permission matrix (``tests/test_permission_matrix.py``).

Every app declares, in ``tests/permissions/<app>.py``, a list ``PERMISSIONS`` of ``Page``
(a URL name, for GET and POST) and ``Operation`` (an API operation, as in the OpenAPI schema)
entries, each giving the designed answer for every persona of ``MATRIX_PERSONAS``. The test
walks the URL resolver and the OpenAPI schema and fails on anything undeclared.

Answers: an HTTP status (``200``, ``201``, ``204``, ``302`` = a redirect *not* to the login
page, ``400``, ``403``, ``404``, ``405``), ``LOGIN`` (a redirect to the login page; the API
answers 401 instead), ``redirect("/prefix")`` (a redirect to that prefix), or ``UNCHANGED``
(for a POST: any non-5xx answer, and the database must not change). Writes answered with
403/404/401/LOGIN/400/405/UNCHANGED are always checked to have changed nothing.
``redirect("/prefix", audited=True)`` is a redirect after which only the audit log may have
changed (logging out: the session ends and ``accounts.user.logged_out`` is written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.personas import PERSONAS

MATRIX_PERSONAS = PERSONAS


@dataclass(frozen=True)
class Redirect:
    prefix: str
    audited: bool = False  # only audit rows may change


LOGIN = Redirect("/accounts/login/")
UNCHANGED = "unchanged"

Answer = int | Redirect | str


def redirect(prefix: str, *, audited: bool = False) -> Redirect:
    return Redirect(prefix, audited=audited)


def answers(default: Answer, **overrides: Answer) -> dict[str, Answer]:
    """``answers(200, anonymous=LOGIN, outsider=404)`` → one answer per matrix persona."""
    unknown = set(overrides) - set(MATRIX_PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    return {persona: overrides.get(persona, default) for persona in MATRIX_PERSONAS}


def by_role(
    allowed: Answer,
    *,
    who: tuple[str, ...],
    denied: Answer = 403,
    anonymous: Answer = LOGIN,
    outsider: Answer = 404,
) -> dict[str, Answer]:
    """``allowed`` for the personas in ``who``, ``denied`` for the other signed-in ones."""
    result: dict[str, Answer] = {}
    for persona in MATRIX_PERSONAS:
        if persona == "anonymous":
            result[persona] = anonymous
        elif persona in who:
            result[persona] = allowed
        elif persona == "outsider":
            result[persona] = outsider
        else:
            result[persona] = denied
    return result


World = Any
"""A namespace: ``world.tree`` (the persona tree), ``world.users``, and the named objects the
test and each app's ``build_world(world)`` put on it (``world.north_person`` …)."""


@dataclass(frozen=True)
class Page:
    """A URL name (``"people:person-detail"``; a trailing ``*`` covers every name with that
    prefix, tested through ``samples``). ``get``/``post``: answers per persona; ``post=None``
    means the page has no write: a POST must change nothing and must not fail with a 5xx."""

    name: str
    get: dict[str, Answer] | None
    post: dict[str, Answer] | None = None
    kwargs: Callable[[World], dict[str, Any]] | None = None
    data: Callable[[World], dict[str, Any]] | None = None
    samples: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Operation:
    """An API operation, ``"<METHOD> <path as in the OpenAPI schema>"``, e.g.
    ``"PATCH /api/v1/people/{person_id}"``."""

    key: str
    answers: dict[str, Answer]
    params: Callable[[World], dict[str, Any]] | None = None
    payload: Callable[[World], dict[str, Any]] | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
