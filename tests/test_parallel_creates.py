"""Double submissions: 20 identical requests at once make what one request makes (issue 15,
item 7).

Every create operation of people, members, training, admissions, targets and imports — each API
operation answering 201 (and the targets PUT) and each page form that creates a row — is
taken from the permission-matrix declarations (``tests/permissions/<app>.py``: the world,
the URL, the body and a persona allowed to do it). The test first measures, in a rolled-back
savepoint, how many rows of each table one request adds; then fires 20 identical requests in
parallel threads, each with its own session and database connection, and checks that every
table grew by exactly that much: one person, one card, one class… and one audit event.

PostgreSQL only: the in-memory shared-cache SQLite test database raises «table is locked»
instead of waiting (the constraint paths are covered on SQLite by each app's tests).
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from tests.support.matrix import Operation, Page
from tests.test_permission_matrix import build_world, declaration_modules

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 20
APPS = ("people", "members", "training", "admissions", "targets", "imports", "accounts")
# The page forms that create a row (the others change or end existing rows).
CREATE_PAGES = {
    "people:person-create",
    "members:member-register",
    "members:helper-assign",
    "members:recognition-step",
    "members:card-issue",
    "members:transfer-start",
    "training:class-create",
    "training:class-enrol",
    "admissions:dossier-create",
    "admissions:dossier-step",
    "admissions:dossier-approval",
    "admissions:dossier-helper",
    "targets:target-set",
    "targets:allocation",
    "imports:import-list",
}
SKIP_TABLES = {"sessions", "axes", "admin", "contenttypes", "auth", "django_tasks_database"}


def _create_entries() -> list[tuple[str, str, Any]]:
    entries: list[tuple[str, str, Any]] = []
    for module in declaration_modules():
        app = module.__name__.rsplit(".", 1)[-1]
        if app not in APPS:
            continue
        for entry in module.PERMISSIONS:
            if isinstance(entry, Operation):
                method = entry.key.split(" ", 1)[0]
                if (method == "POST" and 201 in entry.answers.values()) or method == "PUT":
                    entries.append(("api", entry.key, entry))
            elif isinstance(entry, Page) and entry.name in CREATE_PAGES:
                entries.append(("page", entry.name, entry))
    return entries


def _without_citizen_id(entries: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """The person form and API once more without a citizen ID: the duplicate check by name,
    birth date and grassroots organisation is what stops the second person there."""
    extra = []
    for kind, key, entry in entries:
        if key == "people:person-create":
            data = entry.data
            extra.append(
                (
                    kind,
                    f"{key} without citizen ID",
                    dataclasses.replace(entry, data=lambda w, d=data: {**d(w), "citizen_id": ""}),
                )
            )
    return extra


ENTRIES = _create_entries()
ENTRIES += _without_citizen_id(ENTRIES)


def test_every_create_operation_is_covered():
    keys = {key for _kind, key, _entry in ENTRIES}
    assert keys >= CREATE_PAGES
    assert {
        "POST /api/v1/people/",
        "POST /api/v1/members/register",
        "POST /api/v1/members/{member_id}/cards",
        "POST /api/v1/members/{member_id}/transfers",
        "POST /api/v1/members/{member_id}/recognition/steps",
        "POST /api/v1/members/{member_id}/helper",
        "POST /api/v1/training/classes",
        "POST /api/v1/training/classes/{class_id}/enrolments",
        "POST /api/v1/admissions/",
        "POST /api/v1/admissions/{dossier_id}/steps",
        "POST /api/v1/admissions/{dossier_id}/approvals",
        "POST /api/v1/admissions/{dossier_id}/helpers",
        "PUT /api/v1/targets/",
    } <= keys


def _counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    for model in apps.get_models():
        if model._meta.app_label in SKIP_TABLES or model._meta.proxy:
            continue
        counts[model._meta.label] = model._default_manager.count()
    return counts


def _request(kind: str, entry: Any, world: Any) -> tuple[str, str, Any]:
    if kind == "api":
        method, path = entry.key.split(" ", 1)
        params = entry.params(world) if entry.params else {}
        url = re.sub(r"{(\w+)}", lambda m: str(params[m.group(1)]), path)
        return method, url, entry.payload(world) if entry.payload else {}
    kwargs = entry.kwargs(world) if entry.kwargs else None
    return "POST", reverse(entry.name, kwargs=kwargs), entry.data(world) if entry.data else {}


def _persona(kind: str, entry: Any) -> str:
    answers = entry.answers if kind == "api" else entry.post
    wanted = {201, 200} if kind == "api" else {302}
    return next(p for p, answer in answers.items() if answer in wanted and p != "anonymous")


def _send(client: Client, kind: str, method: str, url: str, body: Any) -> int:
    if kind == "api":
        response = client.generic(method, url, json.dumps(body), content_type="application/json")
    else:
        response = client.post(url, body)
    return response.status_code


@pytest.mark.parametrize(("kind", "key", "entry"), ENTRIES, ids=[key for _k, key, _e in ENTRIES])
def test_twenty_identical_requests_at_once_write_what_one_writes(persona_tree, kind, key, entry):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency is tested on PostgreSQL")
    from tests.support.mfa import force_login_with_mfa

    world = build_world(persona_tree, declaration_modules())
    persona = _persona(kind, entry)
    method, url, body = _request(kind, entry, world)

    # what one request writes (measured, then rolled back)
    with transaction.atomic():
        client = Client()
        force_login_with_mfa(client, world.users[persona])  # a login is audited: count after it
        before = _counts()
        single = _send(client, kind, method, url, body)
        one = _counts() - before
        transaction.set_rollback(True)
    assert single < 500
    assert sum(one.values()) > 0, f"{key}: one request wrote nothing ({single})"

    clients = []
    for _ in range(PARALLEL):
        client = Client()
        force_login_with_mfa(client, world.users[persona])
        clients.append(client)
    before = _counts()
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int | str] = []

    def fire(client: Client) -> None:
        try:
            barrier.wait()
            statuses.append(_send(client, kind, method, url, body))
        except Exception as exc:  # a deadlock or a lock timeout would show here
            statuses.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    after = _counts()
    grew = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    assert grew == dict(one), f"{key}: {statuses}"
    assert all(isinstance(status, int) and status < 500 for status in statuses), statuses
    if kind == "api" and method == "POST":
        assert sorted(statuses).count(single) == 1, statuses
