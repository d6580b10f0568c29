"""Every API operation that takes an id of an object (in its path, its query or its payload:
the object itself, a helper, an introducer, a person, an organisation, a class…) is sent an id
out of the caller's scope: the answer is a 404 with the common body and nothing else, and the
database does not change.

The operations come from the OpenAPI schema, so a new operation with an id it does not resolve
through ``dangvien.core.lookup`` fails here until it is listed in ``FOREIGN_IDS``. Each case
starts from the operation's declared payload in ``tests/permissions/<app>.py`` (a request the
persona's role may make, answered 2xx), with exactly one id swapped for an out-of-scope one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
from typing import Any
from urllib.parse import urlencode

from django.db import transaction

from tests.test_permission_matrix import (
    build_world,
    client_as,
    database_digest,
    declaration_modules,
)

NOT_FOUND = {"detail": "Không tìm thấy hoặc bạn không có quyền xem.", "errors": []}

# The personas tried, in order: the first whose designed answer to the operation is a 2xx. All
# of them are scoped below the north region; the foreign objects live in the south.
CALLERS = ("branch_secretary", "grassroots_office", "training_centre", "region_officer")

# operation → the ids it takes: (where, name, kind of object). ``where`` is path, query or
# body; a body name with a dot is a list of objects (``introducers.person_id``), one ending in
# ``[]`` a list of ids.
FOREIGN_IDS: dict[str, list[tuple[str, str, str]]] = {
    "GET /api/v1/organisations/": [("query", "parent", "organisation")],
    "POST /api/v1/organisations/": [("body", "parent_id", "organisation")],
    "GET /api/v1/organisations/{organisation_id}": [("path", "organisation_id", "organisation")],
    "PATCH /api/v1/organisations/{organisation_id}": [("path", "organisation_id", "organisation")],
    "GET /api/v1/organisations/{organisation_id}/lineage": [
        ("path", "organisation_id", "organisation")
    ],
    "POST /api/v1/organisations/reorganisation-plans": [("body", "root_id", "organisation")],
    "GET /api/v1/organisations/reorganisation-plans/{plan_id}": [
        ("path", "plan_id", "reorganisation_plan")
    ],
    "POST /api/v1/organisations/reorganisation-plans/{plan_id}/import": [
        ("path", "plan_id", "reorganisation_plan")
    ],
    "POST /api/v1/organisations/reorganisation-plans/{plan_id}/preview": [
        ("path", "plan_id", "reorganisation_plan")
    ],
    "POST /api/v1/organisations/reorganisation-plans/{plan_id}/apply": [
        ("path", "plan_id", "reorganisation_plan")
    ],
    "POST /api/v1/organisations/reorganisation-plans/{plan_id}/cancel": [
        ("path", "plan_id", "reorganisation_plan")
    ],
    "GET /api/v1/people/": [("query", "organisation", "organisation")],
    "POST /api/v1/people/": [("body", "organisation_id", "organisation")],
    "GET /api/v1/people/{person_id}": [("path", "person_id", "person")],
    "PATCH /api/v1/people/{person_id}": [
        ("path", "person_id", "person"),
        ("body", "organisation_id", "organisation"),
    ],
    "GET /api/v1/reports/admissions": [("query", "org", "organisation")],
    "GET /api/v1/reports/forms": [("query", "org", "organisation")],
    "POST /api/v1/reports/admissions/document/{file_format}": [("query", "org", "organisation")],
    "GET /api/v1/targets/": [("query", "org", "organisation")],
    "PUT /api/v1/targets/": [("body", "organisation", "organisation")],
    "GET /api/v1/targets/allocation": [("query", "org", "organisation")],
    "PUT /api/v1/targets/allocation": [
        ("body", "organisation", "organisation"),
        ("body", "values.organisation", "organisation"),
    ],
    "GET /api/v1/admissions/": [("query", "organisation", "organisation")],
    "POST /api/v1/admissions/": [
        ("body", "person_id", "person"),
        ("body", "organisation_id", "organisation"),
        ("body", "helper_ids[]", "official_person"),
    ],
    "GET /api/v1/admissions/{dossier_id}": [("path", "dossier_id", "dossier")],
    "GET /api/v1/admissions/{dossier_id}/forms": [("path", "dossier_id", "dossier")],
    "POST /api/v1/admissions/{dossier_id}/forms/{code}": [("path", "dossier_id", "dossier")],
    "POST /api/v1/admissions/{dossier_id}/steps": [
        ("path", "dossier_id", "dossier"),
        ("body", "introducers.person_id", "official_person"),
        ("body", "helper_id", "official_person"),
        ("body", "enrolment_id", "enrolment"),
    ],
    "POST /api/v1/admissions/{dossier_id}/stop": [("path", "dossier_id", "dossier")],
    "POST /api/v1/admissions/steps/{step_id}/correct": [("path", "step_id", "step")],
    "POST /api/v1/admissions/steps/{step_id}/cancel": [("path", "step_id", "step")],
    "POST /api/v1/admissions/failed-votes/{vote_id}/correct": [("path", "vote_id", "failed_vote")],
    "POST /api/v1/admissions/failed-votes/{vote_id}/cancel": [("path", "vote_id", "failed_vote")],
    "POST /api/v1/admissions/{dossier_id}/approvals": [("path", "dossier_id", "dossier")],
    "POST /api/v1/admissions/{dossier_id}/extension": [("path", "dossier_id", "dossier")],
    "POST /api/v1/admissions/{dossier_id}/helpers": [
        ("path", "dossier_id", "dossier"),
        ("body", "person_id", "official_person"),
    ],
    "POST /api/v1/training/classes": [("body", "organiser_id", "organisation")],
    "GET /api/v1/training/classes/{class_id}": [("path", "class_id", "class")],
    "GET /api/v1/training/classes/{class_id}/enrolments": [("path", "class_id", "class")],
    "POST /api/v1/training/classes/{class_id}/print/{kind}": [("path", "class_id", "class")],
    "POST /api/v1/training/classes/{class_id}/enrolments": [
        ("path", "class_id", "class"),
        ("body", "person_id", "person"),
    ],
    "POST /api/v1/training/classes/{class_id}/enrolments/{enrolment_id}/complete": [
        ("path", "class_id", "class"),
        ("path", "enrolment_id", "enrolment"),
    ],
    "POST /api/v1/training/classes/{class_id}/enrolments/bulk": [
        ("path", "class_id", "class"),
        ("body", "person_ids[]", "person"),
    ],
    "POST /api/v1/training/classes/{class_id}/results": [
        ("path", "class_id", "class"),
        ("body", "enrolment_ids[]", "enrolment"),
    ],
    "POST /api/v1/training/classes/{class_id}/certificates": [
        ("path", "class_id", "class"),
        ("body", "enrolment_ids[]", "enrolment"),
    ],
    **{
        f"POST /api/v1/training/classes/{{class_id}}/enrolments/{{enrolment_id}}/{action}": [
            ("path", "class_id", "class"),
            ("path", "enrolment_id", "enrolment"),
        ]
        for action in ("correct", "revoke", "remove")
    },
    **{
        f"POST /api/v1/training/classes/{{class_id}}/{action}": [("path", "class_id", "class")]
        for action in ("correct", "cancel", "close")
    },
    "POST /api/v1/training/classes/{class_id}/proposals": [
        ("path", "class_id", "class"),
        ("body", "person_id", "person"),
    ],
    "POST /api/v1/training/classes/{class_id}/proposals/{proposal_id}/decision": [
        ("path", "class_id", "class"),
        ("path", "proposal_id", "proposal"),
    ],
    "GET /api/v1/members/residence-introductions": [("query", "organisation", "organisation")],
    "GET /api/v1/members/{member_id}": [("path", "member_id", "membership")],
    "POST /api/v1/members/{member_id}/forms/{code}": [("path", "member_id", "membership")],
    "GET /api/v1/members/{member_id}/probation": [("path", "member_id", "membership")],
    "GET /api/v1/members/{member_id}/scans": [("path", "member_id", "membership")],
    "POST /api/v1/members/{member_id}/scans": [("path", "member_id", "membership")],
    "POST /api/v1/members/register": [
        ("body", "person_id", "person"),
        ("body", "organisation_id", "organisation"),
    ],
    "POST /api/v1/members/{member_id}/status": [("path", "member_id", "membership")],
    "POST /api/v1/members/{member_id}/helper": [
        ("path", "member_id", "membership"),
        ("body", "helper_id", "membership"),
    ],
    "POST /api/v1/members/{member_id}/recognition/steps": [("path", "member_id", "membership")],
    "POST /api/v1/members/{member_id}/recognition/decision": [("path", "member_id", "membership")],
    "POST /api/v1/members/{member_id}/removal": [("path", "member_id", "membership")],
    "POST /api/v1/members/{member_id}/cards": [("path", "member_id", "membership")],
    "POST /api/v1/members/cards/{card_id}/hand-over": [("path", "card_id", "card")],
    "POST /api/v1/members/cards/{card_id}/correct": [("path", "card_id", "card")],
    "POST /api/v1/members/cards/{card_id}/cancel": [("path", "card_id", "card")],
    "POST /api/v1/members/recognition-steps/{step_id}/correct": [
        ("path", "step_id", "recognition_step")
    ],
    "POST /api/v1/members/recognition-steps/{step_id}/cancel": [
        ("path", "step_id", "recognition_step")
    ],
    "POST /api/v1/members/transfers/{transfer_id}/correct": [("path", "transfer_id", "transfer")],
    "POST /api/v1/accounts/users": [("body", "organisation_id", "organisation")],
    "GET /api/v1/accounts/users/{user_id}": [("path", "user_id", "user")],
    "POST /api/v1/accounts/users/{user_id}/roles": [
        ("path", "user_id", "user"),
        ("body", "organisation_id", "organisation"),
    ],
    "POST /api/v1/accounts/roles/{assignment_id}/end": [
        ("path", "assignment_id", "role_assignment")
    ],
    **{
        f"POST /api/v1/accounts/users/{{user_id}}/{action}": [("path", "user_id", "user")]
        for action in ("password", "mfa-reset", "deactivate", "reactivate")
    },
    "POST /api/v1/members/{member_id}/transfers": [("path", "member_id", "membership")],
    "POST /api/v1/members/transfers/{transfer_id}/confirm": [("path", "transfer_id", "transfer")],
    "POST /api/v1/members/transfers/{transfer_id}/cancel": [("path", "transfer_id", "transfer")],
    "POST /api/v1/members/transfers/{transfer_id}/end": [("path", "transfer_id", "transfer")],
    "POST /api/v1/members/residence/{link_id}": [("path", "link_id", "residence_link")],
    "GET /api/v1/grading/sheet": [("query", "org", "organisation")],
    "POST /api/v1/grading/sheet": [("body", "organisation", "organisation")],
    "GET /api/v1/grading/organisations": [("query", "org", "organisation")],
    "POST /api/v1/grading/organisations": [("body", "organisation", "organisation")],
    "GET /api/v1/grading/distribution": [("query", "org", "organisation")],
    "GET /api/v1/screening/months": [("query", "org", "organisation")],
    "POST /api/v1/screening/months": [("body", "entries.member_id", "membership")],
    "GET /api/v1/screening/flags": [("query", "org", "organisation")],
    "GET /api/v1/screening/cases": [("query", "org", "organisation")],
    "GET /api/v1/screening/cases/{case_id}": [("path", "case_id", "screening_case")],
    "POST /api/v1/screening/members/{member_id}/cases": [("path", "member_id", "membership")],
    "POST /api/v1/screening/cases/{case_id}/progress": [("path", "case_id", "screening_case")],
    "POST /api/v1/screening/cases/{case_id}/proposal": [("path", "case_id", "screening_case")],
    "POST /api/v1/screening/cases/{case_id}/decision": [("path", "case_id", "screening_case")],
    "GET /api/v1/badges/due": [("query", "org", "organisation")],
    "GET /api/v1/badges/proposals": [("query", "org", "organisation")],
    "GET /api/v1/badges/awards": [("query", "org", "organisation")],
    "POST /api/v1/badges/members/{member_id}/proposals": [("path", "member_id", "membership")],
    "POST /api/v1/badges/proposals/{proposal_id}/award": [
        ("path", "proposal_id", "badge_proposal")
    ],
}

# Names that look like ids but name an object anywhere in the country, on purpose: a transfer
# goes to a cell outside the sender's reach, a workplace member lives under any residence cell.
# Both are organisation codes (public: they are printed on every letter), not ids of rows.
DESTINATIONS = {
    ("POST /api/v1/members/{member_id}/transfers", "to_organisation"),
    ("POST /api/v1/members/residence/{link_id}", "residence_organisation"),
}

# the other required query parameters of a read whose matrix entry sends none
QUERY = {
    "GET /api/v1/members/residence-introductions": {"start": "2026-01-01", "end": "2026-12-31"},
    "GET /api/v1/grading/sheet": {"year": 2025},
    "GET /api/v1/grading/organisations": {"year": 2025},
    "GET /api/v1/grading/distribution": {"year": 2025},
    "GET /api/v1/screening/months": {"month": "2026-11-01"},
}

ID_NAME = re.compile(r"(_id|_ids|^organisation|^org|^parent)$")
NOT_IDS = {"citizen_id"}  # the national citizen ID number: a value, not a row's id


def _schema_ids() -> dict[str, set[str]]:
    """operation → every path/query/body name in the schema that looks like an id."""
    from dangvien.api.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    def body_names(ref: str, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name, spec in components[ref.rsplit("/", 1)[1]].get("properties", {}).items():
            items = spec.get("items", {})
            if "$ref" in items:
                found |= body_names(items["$ref"], f"{prefix}{name}.")
            elif ID_NAME.search(name) and name not in NOT_IDS:
                found.add(f"{prefix}{name}" + ("[]" if spec.get("type") == "array" else ""))
        return found

    result: dict[str, set[str]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            key = f"{method.upper()} {path}"
            names = {
                p["name"] for p in operation.get("parameters", []) if ID_NAME.search(p["name"])
            }
            body = operation.get("requestBody", {}).get("content", {})
            ref = body.get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                names |= body_names(ref)
            names -= {name for op, name in DESTINATIONS if op == key}
            if names:
                result[key] = names
    return result


def _south(world: Any) -> types.SimpleNamespace:
    """One object of each kind in the south region, out of every caller's reach."""
    from dangvien.admissions import services as admissions
    from dangvien.badges import selectors as badge_selectors
    from dangvien.badges import services as badges
    from dangvien.members import services as members
    from dangvien.members.choices import TransferKind
    from dangvien.members.models import Membership, PartyCard, ResidenceLink
    from dangvien.members.tests.factories import make_member
    from dangvien.organisations.choices import AreaKind, OrganisationKind
    from dangvien.organisations.tests.factories import make_organisation
    from dangvien.people.tests.factories import PersonFactory
    from dangvien.screening import services as screening
    from dangvien.training import services as training

    admin = world.users["national_admin"]
    tree = world.tree
    today = dt.date.today()
    cell, commune = tree.branch_south, tree.commune_south
    other_cell = make_organisation(
        commune, code="CB04", name="Chi bộ thôn 4", kind=OrganisationKind.CELL,
        area_kind=AreaKind.VILLAGE,
    )  # fmt: skip
    member = make_member(cell, full_name="Đảng Viên Phía Nam")
    mover = make_member(cell, full_name="Người Chuyển Phía Nam")
    training_class = training.create_class(
        kind="awareness",
        name="Lớp nhận thức phía Nam",
        organiser=commune,
        start_date=today - dt.timedelta(days=20),
        end_date=today - dt.timedelta(days=15),
        actor=admin,
    )
    enrolled = PersonFactory(organisation=cell)
    dossier = admissions.open_dossier(
        person=enrolled, organisation=cell, date=today - dt.timedelta(days=30), actor=admin
    )
    veteran = make_member(
        cell,
        full_name="Lão Thành Phía Nam",
        decision_date=badge_selectors.next_award_date(today).replace(year=today.year - 31),
    )
    screened = make_member(cell, full_name="Rà Soát Phía Nam")
    official = Membership.objects.official_in(cell).count()
    from dangvien.accounts.models import RoleAssignment
    from dangvien.admissions.models import FailedVote
    from dangvien.members.models import RecognitionStep
    from dangvien.organisations import plans

    outsider = world.users["outsider"]  # the org board of the south region: no one's to manage
    return types.SimpleNamespace(
        failed_vote=FailedVote.objects.create(
            dossier=dossier,
            stage="cell_vote",
            round=1,
            date=today,
            actor=admin,
            votes_eligible=9,
            votes_for=1,
            votes_against=8,
        ),
        recognition_step=RecognitionStep.objects.create(
            membership=member, stage="self_review", date=today, actor=admin
        ),
        user=outsider,
        role_assignment=RoleAssignment.objects.filter(user=outsider).first(),
        reorganisation_plan=plans.create_plan(
            root=commune,
            effective_date=today,
            decision_number="01-QĐ/ĐU",
            operations=[{"kind": "rename", "spec": {"organisation": "CB03", "name": "Thôn Ba"}}],
            actor=admin,
        ),
        screening_case=screening.open_screening_case(
            screened,
            date=today,
            votes_for=official,
            votes_against=0,
            present=official,
            votes_eligible=official,
            actor=admin,
        ),
        badge_proposal=badges.propose_badge(
            veteran,
            milestone=30,
            award_date=badge_selectors.next_award_date(today),
            actor=admin,
        ),
        organisation=cell,
        person=world.south_person,
        official_person=member.person,
        membership=member,
        dossier=dossier,
        step=dossier.steps.get(),
        **{"class": training_class},
        enrolment=training.enrol_person(training_class, person=enrolled, actor=admin),
        proposal=training.propose_person(
            training_class, person=PersonFactory(organisation=cell), actor=admin
        ),
        card=PartyCard.objects.create(
            membership=member,
            number="09000001",
            reason="first",
            decision_date=today - dt.timedelta(days=20),
            actor=admin,
        ),
        transfer=members.start_transfer(
            mover,
            to_organisation=other_cell,
            kind=TransferKind.OFFICIAL,
            reason_date=today - dt.timedelta(days=3),
            started_on=today - dt.timedelta(days=2),
            actor=admin,
        ),
        residence_link=ResidenceLink.objects.create(
            membership=member,
            workplace_organisation=cell,
            required_from=today - dt.timedelta(days=30),
            due=today + dt.timedelta(days=30),
            actor=admin,
        ),
    )


def _with_foreign(body: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    body = dict(body)
    if name.endswith("[]"):
        body[name[:-2]] = [value]
    elif "." in name:
        outer, inner = name.split(".", 1)
        first = (body.get(outer) or [{}])[0]
        body[outer] = [{**first, inner: value}]
    else:
        body[name] = value
    return body


def test_every_operation_taking_an_id_is_walked() -> None:
    declared = {key: {name for _where, name, _kind in ids} for key, ids in FOREIGN_IDS.items()}
    assert declared == _schema_ids()


def test_an_out_of_scope_id_is_a_404_that_changes_nothing(persona_tree: Any) -> None:
    modules = declaration_modules()
    ops = {
        entry.key: entry
        for module in modules
        for entry in getattr(module, "PERMISSIONS", [])
        if hasattr(entry, "key")
    }
    world = build_world(persona_tree, modules)
    south = _south(world)
    failures: list[str] = []
    walked = 0
    for key, ids in FOREIGN_IDS.items():
        op = ops[key]
        method, path = key.split(" ", 1)
        callers = [p for p in CALLERS if isinstance(op.answers[p], int) and op.answers[p] < 300]
        persona = (callers or ["branch_secretary"])[0]
        for where, name, kind in ids:
            params = op.params(world) if op.params else {}
            body = op.payload(world) if op.payload else {}
            query: dict[str, Any] = dict(QUERY.get(key, {}))
            foreign = getattr(south, kind)
            value: Any = foreign.code if name == "organisation" and where == "body" else foreign.pk
            if where == "path":
                params = {**params, name: value}
            elif where == "query":
                query[name] = value
            else:
                body = _with_foreign(body, name, value)
            url = re.sub(r"{(\w+)}", lambda m, p=params: str(p[m.group(1)]), path)
            with transaction.atomic():
                client = client_as(persona, world)
                before = database_digest()
                if method == "GET":
                    response = client.get(url, query)
                else:
                    if query:  # a write that names its object in the query string
                        url = f"{url}?{urlencode(query)}"
                    response = client.generic(
                        method, url, json.dumps(body), content_type="application/json"
                    )
                changed = database_digest() != before
                transaction.set_rollback(True)
            walked += 1
            answer = (
                response.json()
                if response.get("Content-Type", "").startswith("application/json")
                else response.content[:200]
            )
            if response.status_code != 404 or answer != NOT_FOUND or changed:
                failures.append(
                    f"{persona} {key} with {where} {name}={value} ({kind} out of scope): "
                    f"{response.status_code} {answer!r}"
                    + (" CHANGED the database" if changed else "")
                )
    assert walked == sum(len(ids) for ids in FOREIGN_IDS.values())
    assert not failures, "\n".join(failures)
