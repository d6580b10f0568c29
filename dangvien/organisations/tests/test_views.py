import pytest
from django.urls import reverse

from dangvien.organisations.models import Organisation
from tests.support.personas import scope_matrix

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}
WRITE = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 403,
    "viewer": 403,
    "outsider": 404,
}


@scope_matrix(READ)
def test_detail_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(
        reverse("organisations:organisation-detail", args=[persona_tree.branch.pk])
    )
    assert response.status_code == expected


@scope_matrix(READ)
def test_children_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(
        reverse("organisations:organisation-children", args=[persona_tree.branch.pk])
    )
    assert response.status_code == expected


@scope_matrix(WRITE)
def test_edit_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(
        reverse("organisations:organisation-edit", args=[persona_tree.branch.pk])
    )
    assert response.status_code == expected


@scope_matrix({**WRITE, "national_admin": 302, "region_officer": 302, "branch_secretary": 404})
def test_create_post_scope_and_nothing_changes_out_of_scope(
    persona, expected, client_for, persona_tree
):
    before = Organisation.objects.count()
    response = client_for(persona).post(
        reverse("organisations:organisation-create", args=[persona_tree.commune_north.pk]),
        {"code": "CB77", "name": "Chi bộ mới", "kind": "cell", "area_kind": "village"},
    )
    assert response.status_code == expected
    assert Organisation.objects.count() == before + (
        1 if expected == 302 and persona != "anonymous" else 0
    )


def test_tree_shows_only_the_users_top_nodes(client_for, persona_tree):
    html = (
        client_for("branch_secretary")
        .get(reverse("organisations:organisation-tree"))
        .content.decode()
    )
    assert "Chi bộ thôn 1" in html
    assert "Tỉnh ủy miền Bắc" not in html
    html = (
        client_for("region_officer")
        .get(reverse("organisations:organisation-tree"))
        .content.decode()
    )
    assert "Tỉnh ủy miền Bắc" in html
    assert "Tỉnh ủy miền Nam" not in html


def test_children_query_count_does_not_grow_with_the_tree(client_for, persona_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangvien.organisations.tests.factories import make_organisation
    from dangvien.people.tests.factories import PersonFactory

    client = client_for("national_admin")
    url = reverse("organisations:organisation-children", args=[persona_tree.commune_north.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(30):
        cell = make_organisation(persona_tree.commune_north, code=f"CBN{n:02d}")
        make_organisation(cell, code=f"TO{n:02d}")
        PersonFactory(organisation=cell)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small) == 11
    assert response.content.decode().count("data-org=") == 32


def test_duplicate_code_in_the_form_shows_a_vietnamese_message(client_for, persona_tree):
    response = client_for("region_officer").post(
        reverse("organisations:organisation-create", args=[persona_tree.commune_north.pk]),
        {"code": "CB02", "name": "Trùng mã", "kind": "cell", "area_kind": "village"},
    )
    assert response.status_code == 200
    assert "đã được dùng" in response.content.decode()
