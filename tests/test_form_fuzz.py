"""Post random and extreme values to every form of the product and to every API operation:
no input may cause a 5xx (an overflowing integer, a year 9999, a date of 1/1/0001, text where a
number belongs…); a refusal is a page or a JSON body with a Vietnamese message.

The forms are discovered, not listed: every page of the permission matrix
(``tests/permissions/<app>.py``) is opened as the system administrator and as the cell secretary,
and every ``<form method="post">`` on it is parsed (its action, its inputs, its selects' first
real option), so a new form is fuzzed the day it appears. Each form is then posted with one
field at a time replaced by each extreme value (deterministic), and with ``FUZZ_EXAMPLES`` random
combinations drawn by hypothesis (derandomised, so a run is repeatable). The API operations are
taken from the OpenAPI schema, with the valid payloads of the permission matrix as the base into
which the extreme values are put, one property at a time. Every page is also opened with its
filter and paging parameters set to extreme values.

Every request runs in a savepoint that is rolled back, so the cases stay independent and, on
PostgreSQL, one failing statement cannot poison the rest of the run.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.matrix import Page
from tests.test_permission_matrix import build_world, client_as, declaration_modules, operations

FUZZ_EXAMPLES = int(os.environ.get("DANGVIEN_FUZZ_EXAMPLES", "3"))
PERSONAS = ("national_admin", "branch_secretary")
EXTREME = (
    "99999999999999999999999",
    "-99999999999999999999999",
    "2147483648",
    "-1",
    "1e400",
    "NaN",
    "31/12/9999",
    "01/01/0001",
    "29/02/2025",
    "9999-12-31",
    "x" * 5000,
    "\x00",
)
SWEEP = EXTREME[:2] + EXTREME[6:8] + EXTREME[10:11]
EXTREME_JSON: tuple[Any, ...] = (
    99999999999999999999999,
    -99999999999999999999999,
    2**63,
    -1,
    "9999-12-31",
    "0001-01-01",
    "x" * 5000,
)
# Forms that are not the product's (the login and second-factor pages of allauth, the logout)
# and one-shot actions whose fuzzing would only log the test user out.
SKIP_ACTIONS = re.compile(r"^/(accounts/|admin/)")


class FormParser(HTMLParser):
    """The POST forms of a page: action and {name: a plausible value}."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._form: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and (a.get("method", "").lower() == "post" or "hx-post" in a):
            self._form = (a.get("hx-post") or a.get("action") or "", {})
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag in ("input", "textarea"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form[1].setdefault(a["name"], "")
                return
            self._form[1][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self._form[1].setdefault(a["name"], "")
        elif (
            tag == "option"
            and self._select
            and a.get("value")
            and not self._form[1].get(self._select)
        ):
            self._form[1][self._select] = a["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def discover_forms(world: Any, modules: list[Any]) -> dict[str, dict[str, str]]:
    """{action URL: fields} of every POST form on every declared page (GET as each persona)."""
    pages: list[tuple[Page, str]] = []
    for module in modules:
        for entry in getattr(module, "PERMISSIONS", []):
            if not isinstance(entry, Page) or entry.get is None:
                continue
            if entry.name.endswith("*"):
                pages += [(entry, sample) for sample in entry.samples]
                continue
            kwargs = entry.kwargs(world) if entry.kwargs else None
            try:
                pages.append((entry, reverse(entry.name, kwargs=kwargs)))
            except Exception:  # an unnamed pattern: not a product form page
                continue
    found: dict[str, dict[str, str]] = {}
    for persona in PERSONAS:
        client = client_as(persona, world)
        for page, url in pages:
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                action = action or url
                if SKIP_ACTIONS.match(action) or "logout" in action:
                    continue
                fields.pop("csrfmiddlewaretoken", None)
                if page.data:
                    fields.update({k: str(v) for k, v in page.data(world).items()})
                found.setdefault(action, {}).update(fields)
    return found


def step_forms(world: Any) -> dict[str, dict[str, str]]:
    """The admission step form at each stage with numbers (the introducers' months, the votes,
    the date the decision was received): a dossier waiting at each of those stages, and the
    form's fields for it, filled with plausible values to be replaced by the fuzzer."""
    import datetime as dt

    from django.utils import timezone

    from dangvien.admissions import services
    from dangvien.admissions.choices import Stage
    from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
    from dangvien.people.tests.factories import PersonFactory

    admin = world.users["national_admin"]
    cell = world.tree.branch
    today = timezone.localdate()
    opened = today - dt.timedelta(days=60)
    introducers = make_officials(cell, 2)
    day = f"{today - dt.timedelta(days=1):%d/%m/%Y}"
    forms: dict[str, dict[str, str]] = {}
    for before, stage, fields in (
        (
            Stage.VERIFICATION,
            Stage.INTRODUCTION,
            {
                "introducer_1": str(introducers[0].pk),
                "months_1": "24",
                "introducer_2": str(introducers[1].pk),
                "months_2": "13",
                "union_committee": "",
            },
        ),
        (Stage.OPINIONS, Stage.CELL_VOTE, {"votes_for": "3", "votes_against": "0"}),
        (
            Stage.CELL_VOTE,
            Stage.GRASSROOTS_VOTE,
            {"votes_eligible": "9", "votes_for": "8", "votes_against": "1"},
        ),
        (Stage.GRASSROOTS_VOTE, Stage.DECISION, {"received_on": day}),
    ):
        person = PersonFactory(organisation=cell, date_of_birth=dt.date(1998, 3, 15))
        dossier = services.open_dossier(person=person, organisation=cell, date=opened, actor=admin)
        certificate = make_certificate(person, cell, opened + dt.timedelta(days=5))
        walk(
            dossier,
            to=before,
            actor=admin,
            start=opened + dt.timedelta(days=7),
            introducers=introducers,
            certificate=certificate,
        )
        url = reverse("admissions:dossier-step", kwargs={"pk": dossier.pk})
        forms[url] = {"stage": stage, "date": day, "document_number": "1-NQ/CB", **fields}
    return forms


def client_as_without_raising(persona: str, world: Any) -> Client:
    """A logged-in client that answers a server error with its 500 page, as in production."""
    client = client_as(persona, world)
    client.raise_request_exception = False
    return client


def post(client: Client, url: str, data: dict[str, str], *, htmx: bool = False) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        response = client.post(url, data, headers=headers)
        transaction.set_rollback(True)
    return response


def test_no_form_answers_extreme_or_random_values_with_a_server_error(persona_tree: Any) -> None:
    modules = declaration_modules()
    world = build_world(persona_tree, modules)
    forms = discover_forms(world, modules)
    # one form per URL pattern (the targets page has one per target, alike)
    seen: set[str] = set()
    for action in sorted(forms):
        if re.sub(r"\d+", "N", action) in seen:
            del forms[action]
        seen.add(re.sub(r"\d+", "N", action))
    forms.update(step_forms(world))
    # the forms of the admission path, the registry, training and the rules are all found
    assert len(forms) > 20, sorted(forms)
    assert any("/step/" in action for action in forms), sorted(forms)
    clients = {persona: client_as_without_raising(persona, world) for persona in PERSONAS}
    failures: list[str] = []
    statuses: set[int] = set()

    def check(persona: str, url: str, data: dict[str, str], htmx: bool = False) -> None:
        response = post(clients[persona], url, data, htmx=htmx)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            shown = {k: (v[:30] + "…" if len(v) > 30 else v) for k, v in data.items()}
            failures.append(f"{persona} POST {url} → {response.status_code} for {shown}")

    # one field at a time, every extreme value (the step form also as an htmx request)
    for url, fields in sorted(forms.items()):
        for name in fields:
            for value in SWEEP:
                check("national_admin", url, {**fields, name: value}, htmx="/step/" in url)

    # random combinations, as either persona
    values = st.one_of(
        st.sampled_from(EXTREME),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        st.text(max_size=40),
        st.just(""),
    )

    def make_fuzz(url: str, fields: dict[str, str]) -> Any:
        names = sorted(fields)

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            persona=st.sampled_from(PERSONAS),
            changes=st.dictionaries(st.sampled_from(names), values, max_size=len(names)),
        )
        def fuzz(persona: str, changes: dict[str, str]) -> None:
            check(persona, url, {**fields, **changes})

        return fuzz

    for url, fields in sorted(forms.items()):
        if fields:
            make_fuzz(url, fields)()
    assert statuses - {500}, statuses
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:60])


def _schema_properties(schema: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in ref:
        ref = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    return dict(ref.get("properties", {}))


def test_no_api_operation_answers_extreme_values_with_a_server_error(persona_tree: Any) -> None:
    from dangvien.accounts.services import create_api_token
    from dangvien.api.api import api

    modules = declaration_modules()
    world = build_world(persona_tree, modules)
    declared = {
        entry.key: entry
        for module in modules
        for entry in getattr(module, "PERMISSIONS", [])
        if not isinstance(entry, Page)
    }
    schema = api.get_openapi_schema()
    user = world.users["national_admin"]
    _token, raw = create_api_token(user, name="fuzz", actor=user)
    client = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    failures: list[str] = []
    calls = 0
    for key in operations():
        method, path = key.split(" ", 1)
        op = declared[key]
        params = op.params(world) if op.params else {}
        url = re.sub(r"{(\w+)}", lambda m, p=params: str(p[m.group(1)]), path)
        spec = schema["paths"][path][method.lower()]
        cases: list[tuple[str, dict[str, Any], Any]] = []
        query_names = [p["name"] for p in spec.get("parameters", []) if p["in"] == "query"]
        for name in query_names:
            cases += [(f"{url}?{name}={value}", {}, None) for value in EXTREME[:10]]
        for name in [p["name"] for p in spec.get("parameters", []) if p["in"] == "path"]:
            cases.append((path.replace("{" + name + "}", EXTREME[0]), {}, None))
        body_ref = (
            spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        if body_ref:
            base = op.payload(world) if op.payload else {}
            for name in _schema_properties(schema, body_ref):
                cases += [(url, {**base, name: value}, True) for value in EXTREME_JSON]
        for target, body, is_json in cases:
            with transaction.atomic():
                if is_json:
                    response = client.generic(
                        method, target, json.dumps(body), content_type="application/json"
                    )
                else:
                    response = client.generic(method, target)
                transaction.set_rollback(True)
            calls += 1
            if response.status_code >= 500:
                failures.append(
                    f"{method} {target[:120]} → {response.status_code} body={body!r:.200}"
                )
    assert calls > 100
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:60])


def test_every_number_and_date_field_of_every_form_is_bounded() -> None:
    """Every integer field has a maximum and every date field is ``core.forms.DateField``
    (01/01/1900–31/12/2100, or narrower): a new form cannot forget its bounds."""
    import importlib
    import inspect

    from django import forms
    from django.apps import apps

    from dangvien.core.forms import DateField

    unbounded = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangvien."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, forms.BaseForm):
                continue
            for field_name, field in getattr(cls, "base_fields", {}).items():
                where = f"{module.__name__}.{name}.{field_name}"
                if isinstance(field, forms.IntegerField) and field.max_value is None:
                    unbounded.append(f"{where}: integer without max_value")
                if isinstance(field, forms.DateField) and not isinstance(field, DateField):
                    unbounded.append(f"{where}: not core.forms.DateField")
    assert unbounded == []


QUERY_NAMES = (
    "year",
    "month",
    "quarter",
    "period",
    "page",
    "from",
    "to",
    "on",
    "org",
    "organisation",
    "age_min",
    "age_max",
    "stage",
    "kind",
    "status",
    "q",
    "sex",
    "ethnic_group",
    "direction",
)


def test_no_page_answers_extreme_query_values_with_a_server_error(persona_tree: Any) -> None:
    """Every page of the permission matrix, opened with every common filter and paging
    parameter set to an extreme value (a list's filters, a report's period, a calendar's year)."""
    modules = declaration_modules()
    world = build_world(persona_tree, modules)
    client = client_as_without_raising("national_admin", world)
    failures: list[str] = []
    for module in modules:
        for entry in getattr(module, "PERMISSIONS", []):
            if not isinstance(entry, Page) or entry.get is None or entry.name.endswith("*"):
                continue
            try:
                url = reverse(entry.name, kwargs=entry.kwargs(world) if entry.kwargs else None)
            except Exception:  # an unnamed pattern
                continue
            for value in ("99999999999999999999999", "31/12/9999", "9999-12-31", "-1"):
                query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
                with transaction.atomic():
                    response = client.get(f"{url}?{query}")
                    transaction.set_rollback(True)
                if response.status_code >= 500:
                    failures.append(f"GET {url}?…={value} → {response.status_code}")
    assert not failures, "\n".join(failures)
