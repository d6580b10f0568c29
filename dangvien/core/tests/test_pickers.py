"""Typing pickers: accent-insensitive, scoped, limited, a fixed number of queries."""

import datetime as dt

import pytest

from dangvien.admissions.forms import DossierCreateForm
from dangvien.core.pickers import LIMIT
from dangvien.members.tests.factories import make_member
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _pick(client, source, q):
    response = client.get(f"/pick/{source}/", {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_people_are_found_without_accents_with_birth_date_and_cell(client_for, persona_tree):
    PersonFactory(
        organisation=persona_tree.branch,
        full_name="Nguyễn Văn Đạt",
        date_of_birth=dt.date(2001, 4, 12),
    )
    PersonFactory(organisation=persona_tree.branch_south, full_name="Nguyễn Văn Đạt")
    results = _pick(client_for("branch_secretary"), "people", "nguyen dat")
    assert [(r["label"], r["detail"]) for r in results] == [
        ("Nguyễn Văn Đạt", "12/04/2001 · Chi bộ thôn 1 — Đảng bộ xã Bắc Một")
    ]
    # the other region's namesake is outside the secretary's reach
    assert len(_pick(client_for("national_admin"), "people", "Nguyen Van Dat")) == 2
    assert _pick(client_for("outsider"), "people", "dat")[0]["detail"].endswith("Nam Một")


def _count(client, source, q):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        results = _pick(client, source, q)
    return len(queries), results


def test_results_are_limited_and_the_query_count_is_fixed(client_for, persona_tree):
    client = client_for("region_officer")
    PersonFactory(organisation=persona_tree.branch, full_name="Lò Văn Số")
    few, _ = _count(client, "people", "lo van")
    for n in range(LIMIT + 5):
        cell = persona_tree.branch if n % 2 else persona_tree.branch_two
        PersonFactory(organisation=cell, full_name=f"Lò Văn Số {n}")
    many, results = _count(client, "people", "lo van")
    assert len(results) == LIMIT
    # the login's own (session, user, second factor, role assignments), then three: the
    # people, their cells, the cells' parents; the same whatever the number of people
    assert many == few == 9
    assert _pick(client, "people", "l") == []  # one letter: nothing yet


def test_members_and_cells_sources(client_for, persona_tree):
    make_member(persona_tree.branch, full_name="Quàng Văn Một")
    PersonFactory(organisation=persona_tree.branch, full_name="Quàng Văn Hai")
    client = client_for("branch_secretary")
    assert [r["label"] for r in _pick(client, "official-members", "quang")] == ["Quàng Văn Một"]
    cells = _pick(client_for("region_officer"), "cells", "thon")
    assert [r["label"] for r in cells] == [
        "Chi bộ thôn 1 — Đảng bộ xã Bắc Một",
        "Chi bộ thôn 2 — Đảng bộ xã Bắc Một",
    ]
    # a transfer's destination may lie anywhere in the tree
    anywhere = _pick(client, "cells-anywhere", "thon 3")
    assert [r["code"] for r in anywhere] == ["CB03"]


def test_unknown_source_and_anonymous(client, client_for):
    assert client_for("viewer").get("/pick/nothing/", {"q": "ab"}).status_code == 404
    assert client.get("/pick/people/", {"q": "ab"}).status_code == 302


def test_the_dossier_form_lists_nobody_and_still_checks_what_is_posted(persona_tree):
    # given many people in scope, the rendered form holds none of them
    people = [PersonFactory(organisation=persona_tree.branch) for _ in range(5)]
    user = persona_tree.users["branch_secretary"]
    html = str(DossierCreateForm(user=user)["person"])
    assert "<option" not in html and "data-picker" in html
    for person in people:
        assert person.full_name not in html
    # a posted id is rendered with its name and validated by the scoped field
    form = DossierCreateForm({"person": people[0].pk}, user=user)
    assert people[0].full_name in str(form["person"])
    outside = PersonFactory(organisation=persona_tree.branch_south)
    from django.http import Http404

    with pytest.raises(Http404):
        DossierCreateForm({"person": outside.pk}, user=user).is_valid()


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("/members/", "organisations"),
        ("/admissions/", "organisations"),
        ("/people/", "organisations"),
        ("/audit/", "organisations-ever"),
    ],
)
def test_list_filters_choose_the_organisation_by_typing(client_for, persona_tree, url, source):
    # given a board that sees a province's organisations
    client = client_for("region_officer")
    html = client.get(url).content.decode()
    # then no organisation is listed in the filter: a picker on the source stands instead
    assert f'data-url="/pick/{source}/"' in html
    assert "Chi bộ thôn 2" not in html
    # and a chosen organisation is shown by name, with its parent, in the picker's chip
    chosen = client.get(url, {"organisation": persona_tree.branch_two.pk}).content.decode()
    assert "Chi bộ thôn 2 — Đảng bộ xã Bắc Một" in chosen
    # and an organisation outside the user's tree is neither shown nor used
    outside = client.get(url, {"organisation": persona_tree.branch_south.pk})
    assert outside.status_code == 200
    assert "Chi bộ thôn 3" not in outside.content.decode()
    assert "nằm ngoài phạm vi bạn được xem" in outside.content.decode()


def test_the_member_list_filtered_by_a_typed_cell(client_for, persona_tree):
    # given members in two cells of a commune
    make_member(persona_tree.branch, full_name="Lò Thị Một")
    make_member(persona_tree.branch_two, full_name="Lò Thị Hai")
    client = client_for("region_officer")
    # when a cell found by typing is chosen
    found = _pick(client, "organisations", "thon 2")
    assert [row["id"] for row in found] == [persona_tree.branch_two.pk]
    html = client.get("/members/", {"organisation": found[0]["id"]}).content.decode()
    # then only its members are listed
    assert "Lò Thị Hai" in html and "Lò Thị Một" not in html


def test_the_audit_filter_finds_a_dissolved_organisation(client_for, persona_tree):
    # given a cell dissolved on the day of the reorganisation
    from dangvien.organisations.tests.factories import make_organisation

    make_organisation(
        persona_tree.commune_north,
        code="CB09",
        name="Chi bộ thôn 9 cũ",
        valid_to=dt.date(2025, 6, 30),
    )
    client = client_for("region_officer")
    # then the audit log's picker finds it and says since when; today's pickers do not
    (row,) = _pick(client, "organisations-ever", "thon 9")
    assert row["detail"] == "CB09 · giải thể 30/06/2025"
    assert _pick(client, "organisations", "thon 9") == []
