"""Fuzz every operation of the OpenAPI schema with schemathesis: no input may cause a 5xx.

Bounded: ``FUZZ_EXAMPLES`` generated cases per operation (derandomised, so a run is
repeatable), sent in-process through the WSGI handler with a system administrator's API token
(so every operation is reached past authentication), plus one anonymous call per operation.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, given, settings

FUZZ_EXAMPLES = int(os.environ.get("DANGVIEN_FUZZ_EXAMPLES", "4"))

# Server errors found by this test in another engineer's app, reported to its owner. They are
# shown as warnings until fixed; delete the entry with the fix (any other 5xx fails the test).
KNOWN_SERVER_ERRORS = {
    "GET /api/v1/rules/calendar": "a year out of range (e.g. -2039991) raises instead of 422",
}


@pytest.fixture
def schema() -> Iterator[Any]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from dangvien.api.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = WSGIHandler()
    # Like Django's test client: keep the test's database connection (and its transaction)
    # open across in-process requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_operation_answers_with_a_server_error(schema: Any, persona_tree: Any) -> None:
    from dangvien.accounts.services import create_api_token

    admin = persona_tree.users["national_admin"]
    _token, raw = create_api_token(admin, name="fuzz", actor=admin)
    headers = {"Authorization": f"Bearer {raw}"}
    errors: list[str] = []
    known: set[str] = set()
    calls = [0]
    statuses: Counter[int] = Counter()

    def fuzz_operation(operation: Any) -> None:
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case: Any) -> None:
            for auth in (headers, {}):
                # each call in a savepoint that is rolled back: calls stay independent, and on
                # PostgreSQL one failing query cannot poison the rest of the run
                with transaction.atomic():
                    response = case.call(base_url="http://localhost", headers=auth)
                    transaction.set_rollback(True)
                calls[0] += 1
                statuses[response.status_code // 100] += 1
                key = f"{operation.method.upper()} {operation.path}"
                if response.status_code >= 500 and key in KNOWN_SERVER_ERRORS:
                    known.add(key)
                elif response.status_code >= 500:
                    errors.append(
                        f"{operation.method.upper()} {operation.path} → {response.status_code} "
                        f"for path={case.path_parameters} query={case.query} body={case.body!r}"
                    )

        fuzz()

    for result in schema.get_all_operations():
        fuzz_operation(result.ok())
    assert calls[0] > 0
    # the token reaches the operations: plenty of 2xx, and 401s only from the anonymous calls
    assert statuses[2] > calls[0] // 10, statuses
    for key in sorted(known):
        warnings.warn(
            f"known server error still present: {key}: {KNOWN_SERVER_ERRORS[key]}", stacklevel=1
        )
    assert not errors, "server errors:\n" + "\n".join(errors[:30])
