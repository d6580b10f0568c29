"""The permission matrix: every page and every API operation, for every persona, read and write.

HOW TO DECLARE (one list per app, next to the app's urls.py / api.py)::

    # tests/permissions/<app>.py
    from tests.support.matrix import LOGIN, Operation, Page, answers, by_role

    PERMISSIONS = [
        Page("people:person-detail",                       # URL name (namespace:name)
             get=by_role(200, who=NORTH),                  # answer per persona for GET
             post=None,                                     # None: no write here (POST must
                                                            # change nothing, no 5xx)
             kwargs=lambda w: {"pk": w.north_person.pk}),   # URL kwargs, from the world
        Operation("PATCH /api/v1/people/{person_id}",       # METHOD + path from the schema
                  by_role(200, who=CHANGERS, anonymous=401),
                  params=lambda w: {"person_id": w.north_person.pk},
                  payload=lambda w: {"full_name": "Tên đã sửa"}),
    ]

    def build_world(world):           # optional: create the rows your declarations use
        world.my_dossier = ...        # in the north branch CB01 (w.tree.branch)

The personas (``tests.support.matrix.MATRIX_PERSONAS``): anonymous; one user per role —
national_admin (system admin, TW), region_officer (org board, T01), grassroots_office (X01),
branch_secretary (cell secretary, CB01), training_centre (T01), area_committee (X01), viewer
(T01); and outsider (org board on T02, the sibling subtree). Objects of the world live in the
north branch CB01 unless named otherwise, so the outsider's designed answer is 404.
Answers: see the docstring of ``dangvien/accounts/matrix.py``.

Every URL pattern from the resolver and every operation of the OpenAPI schema must be declared;
an undeclared one fails this test with the file to declare it in. Each write that is refused
(401/403/404/400/405/login/UNCHANGED) is checked to have changed nothing in the database.
``PENDING_APPS`` lists the apps that were mid-build when the matrix landed: their URLs are
reported (as a warning) until the app adds its ``tests/permissions/<app>.py``; from then on they count.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import types
import warnings
from typing import Any

from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.support.matrix import MATRIX_PERSONAS, UNCHANGED, Operation, Page, Redirect

# Apps still being built by other engineers when the matrix landed; remove an app from here
# (or simply add its tests/permissions/<app>.py) and its pages become mandatory.
PENDING_APPS: set[str] = set()

REFUSED = {400, 401, 403, 404, 405}


# --- collecting the declarations -------------------------------------------------------------


def declaration_modules() -> list[types.ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangvien."):
            continue
        try:
            modules.append(importlib.import_module(f"tests.permissions.{config.label}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.permissions.{config.label}":
                raise
    return modules


def app_of_module(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "dangvien" else parts[0]


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, Any]]:
    """(view name, route, callback) for every URL pattern."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            found += walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            # an unnamed pattern is declared as "[<route>]" ("admin:[<route>]" in a namespace)
            name = entry.name or f"[{route}]"
            found.append((f"{namespace}{name}" if name else "", route, entry.callback))
    return found


def operations() -> list[str]:
    from dangvien.api.api import api

    schema = api.get_openapi_schema()
    return [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def where_to_declare(app: str) -> str:
    owner = app if apps.is_installed(f"dangvien.{app}") else "<the app that owns the URL>"
    return f"tests/permissions/{owner}.py (PERMISSIONS list; format at the top of {__name__})"


# --- the world -------------------------------------------------------------------------------


def build_world(tree: Any, modules: list[types.ModuleType]) -> Any:
    from axes.models import AccessAttempt

    from dangvien.people.models import EthnicGroup, Occupation, Religion
    from dangvien.people.services import reveal_sensitive
    from dangvien.people.tests.factories import PersonFactory

    users = dict(tree.users)
    world = types.SimpleNamespace(tree=tree, users=users)
    world.ethnic_group = EthnicGroup.objects.get(code="01")
    world.religion = Religion.objects.get(code="none")
    world.occupation = Occupation.objects.get(code="farmer")
    world.north_person = PersonFactory(
        organisation=tree.branch, citizen_id="001204012345", phone="0912345678"
    )
    world.south_person = PersonFactory(organisation=tree.branch_south, citizen_id="079204099999")
    reveal_sensitive(world.north_person, actor=users["national_admin"])
    from dangvien.audit.models import AuditEvent

    world.north_event = AuditEvent.objects.get(target_id=str(world.north_person.pk))
    world.locked_user = users["branch_secretary"]
    AccessAttempt.objects.create(
        username="branch_secretary",
        ip_address="10.9.9.9",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    for module in modules:
        if hasattr(module, "build_world"):
            module.build_world(world)
    return world


def database_digest(*, also_skip: frozenset[str] = frozenset()) -> str:
    """A fingerprint of every domain table (not sessions or axes' access log)."""
    digest = hashlib.sha256()
    skip = {"sessions", "axes", "admin", "contenttypes", "auth", "django_tasks_database"}
    skip |= also_skip
    for model in apps.get_models():
        if model._meta.app_label in skip or model._meta.proxy:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest.update(model._meta.label.encode())
        digest.update(json.dumps(list(rows), default=str).encode())
    return digest.hexdigest()


# --- running one case --------------------------------------------------------------------------


def client_as(persona: str, world: Any) -> Client:
    from tests.support.mfa import force_login_with_mfa

    client = Client()
    if persona != "anonymous":
        force_login_with_mfa(client, world.users[persona])
    return client


def matches(expected: Any, response: Any, *, api: bool) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    login_url = reverse("accounts:login")
    if isinstance(expected, Redirect):
        return status == 302 and location.startswith(expected.prefix)
    if expected == UNCHANGED:
        return status < 500
    if expected == 302:
        return status == 302 and not location.startswith(login_url)
    return status == expected


def describe(response: Any) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def run_case(
    world: Any, persona: str, method: str, url: str, expected: Any, body: Any, *, api: bool
) -> str | None:
    """Perform one request in a savepoint that is rolled back; return a failure or None."""
    audited = isinstance(expected, Redirect) and expected.audited
    skip = frozenset({"audit"}) if audited else frozenset()
    with transaction.atomic():
        client = client_as(persona, world)
        before = database_digest(also_skip=skip) if method != "GET" else ""
        if api:
            kwargs: dict[str, Any] = {"content_type": "application/json"}
            response = client.generic(method, url, json.dumps(body or {}), **kwargs)
        elif method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, body or {})
        failure = None
        if response.status_code >= 500:
            failure = f"{persona:18} {method:5} {url}: server error {response.status_code}"
        elif not matches(expected, response, api=api):
            failure = (
                f"{persona:18} {method:5} {url}: expected {expected!r}, got {describe(response)}"
            )
        elif (
            method != "GET"
            and (expected == UNCHANGED or isinstance(expected, Redirect) or expected in REFUSED)
            and database_digest(also_skip=skip) != before
        ):
            failure = f"{persona:18} {method:5} {url}: refused write ({describe(response)}) CHANGED the database"
        transaction.set_rollback(True)
    return failure


# --- the test ----------------------------------------------------------------------------------


def test_permission_matrix(persona_tree: Any) -> None:
    modules = declaration_modules()
    pages: dict[str, Page] = {}
    ops: dict[str, Operation] = {}
    problems: list[str] = []
    for module in modules:
        for entry in getattr(module, "PERMISSIONS", []):
            target = pages if isinstance(entry, Page) else ops
            key = entry.name if isinstance(entry, Page) else entry.key
            if key in target:
                problems.append(f"{key} declared twice (second time in {module.__name__})")
            target[key] = entry
            answers = [entry.get, entry.post] if isinstance(entry, Page) else [entry.answers]
            for table in answers:
                if table is not None and set(table) != set(MATRIX_PERSONAS):
                    problems.append(
                        f"{key} ({module.__name__}): answers must name every persona "
                        f"of MATRIX_PERSONAS; missing {set(MATRIX_PERSONAS) - set(table)}"
                    )
    declared_apps = {module.__name__.split(".")[1] for module in modules}

    # 1. every URL pattern is declared
    pending: list[str] = []
    to_run: list[tuple[Page, str]] = []
    for name, route, callback in walk(get_resolver().url_patterns):
        app = app_of_module(getattr(callback, "__module__", ""))
        if name.startswith("api:") and name not in pages:
            continue  # API operations are enumerated from the schema below
        page = pages.get(name) or next(
            (p for key, p in pages.items() if key.endswith("*") and name.startswith(key[:-1])), None
        )
        if page is None:
            if app in PENDING_APPS and app not in declared_apps:
                pending.append(name)
                continue
            problems.append(
                f"URL {name!r} ({route}) has no declared expectation: "
                f"declare it in {where_to_declare(app)}"
            )
            continue
        if page.name.endswith("*"):
            continue  # covered by its samples
        to_run.append(
            (page, name if ":[" not in name and not name.startswith("[") else "/" + route)
        )
    for page in pages.values():
        for sample in page.samples:
            to_run.append((page, sample))

    # 2. every API operation is declared
    api_to_run: list[Operation] = []
    for key in operations():
        app = key.split(" ", 1)[1].removeprefix("/api/v1/").split("/", 1)[0]
        if key not in ops:
            if app in PENDING_APPS and app not in declared_apps:
                pending.append(key)
                continue
            problems.append(
                f"API operation {key!r} has no declared expectation: "
                f"declare it in {where_to_declare(app)}"
            )
            continue
        api_to_run.append(ops[key])
    stale = set(ops) - set(operations())
    problems += [f"API operation {key!r} is declared but no longer exists" for key in sorted(stale)]
    assert not problems, "\n".join(problems)
    if pending:
        warnings.warn(
            f"{len(pending)} URLs/operations of apps still without tests/permissions/<app>.py: "
            + ", ".join(sorted(pending)[:20]),
            stacklevel=1,
        )

    # 3. every persona, read and write
    world = build_world(persona_tree, modules)
    failures: list[str] = []
    for page, name in to_run:
        kwargs = page.kwargs(world) if page.kwargs else None
        url = name if name.startswith("/") else reverse(name, kwargs=kwargs)
        body = page.data(world) if page.data else {}
        for persona in MATRIX_PERSONAS:
            if page.get is not None:
                failures.append(
                    run_case(world, persona, "GET", url, page.get[persona], None, api=False)
                )
            post_expected = page.post[persona] if page.post is not None else UNCHANGED
            failures.append(run_case(world, persona, "POST", url, post_expected, body, api=False))
    for op in api_to_run:
        method, path = op.key.split(" ", 1)
        params = op.params(world) if op.params else {}
        url = re.sub(r"{(\w+)}", lambda m, p=params: str(p[m.group(1)]), path)
        payload = op.payload(world) if op.payload else None
        for persona in MATRIX_PERSONAS:
            failures.append(
                run_case(world, persona, method, url, op.answers[persona], payload, api=True)
            )
    failures = [f for f in failures if f]
    assert not failures, f"{len(failures)} answers differ from the design:\n" + "\n".join(failures)


def test_outsider_writes_change_nothing(persona_tree: Any) -> None:
    """The sibling-subtree user tries every write on the north branch: all refused, and the
    database is byte-for-byte what it was (spelled out here, beyond the matrix's own check)."""
    modules = declaration_modules()
    world = build_world(persona_tree, modules)
    client = client_as("outsider", world)
    before = database_digest()
    person = world.north_person
    responses = [
        client.post(reverse("people:person-edit", args=[person.pk]), {"full_name": "X"}),
        client.post(reverse("people:person-reveal", args=[person.pk])),
        client.post(
            reverse("organisations:organisation-edit", args=[world.tree.branch.pk]), {"name": "X"}
        ),
        client.post(
            reverse("organisations:organisation-create", args=[world.tree.commune_north.pk]),
            {"code": "X", "name": "X", "kind": "cell", "area_kind": "village"},
        ),
        client.patch(
            f"/api/v1/people/{person.pk}", {"full_name": "X"}, content_type="application/json"
        ),
        client.patch(
            f"/api/v1/organisations/{world.tree.branch.pk}",
            {"name": "X"},
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404, 404, 404]
    assert database_digest() == before
    person.refresh_from_db()
    assert person.full_name != "X"
