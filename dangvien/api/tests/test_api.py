import json

import pytest

from dangvien.organisations.models import Organisation
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory
from tests.support.personas import scope_matrix

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 401,
    "national_admin": 200,
    "region_officer": 200,
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}


@scope_matrix(READ)
def test_get_organisation_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).get(f"/api/v1/organisations/{persona_tree.branch.pk}")
    assert response.status_code == expected
    if expected == 404:
        assert response.json()["detail"] == "Không tìm thấy hoặc bạn không có quyền xem."


@scope_matrix(READ)
def test_get_person_scope_and_masking(persona, expected, client_for, persona_tree):
    person = PersonFactory(organisation=persona_tree.branch, citizen_id="011200005678")
    response = client_for(persona).get(f"/api/v1/people/{person.pk}")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["citizen_id"] == "••••••••5678"


@scope_matrix(
    {
        "anonymous": 401,
        "national_admin": 201,
        "region_officer": 201,
        "branch_secretary": 404,
        "viewer": 403,
        "outsider": 404,
    }
)
def test_create_organisation_scope(persona, expected, client_for, persona_tree):
    before = Organisation.objects.count()
    response = client_for(persona).post(
        "/api/v1/organisations/",
        json.dumps(
            {
                "parent_id": persona_tree.commune_north.pk,
                "code": "CB88",
                "name": "Chi bộ 88",
                "kind": "cell",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == expected
    assert Organisation.objects.count() == before + (1 if expected == 201 else 0)


def test_create_person_with_bad_citizen_id_returns_vietnamese_error(client_for, persona_tree):
    response = client_for("branch_secretary").post(
        "/api/v1/people/",
        json.dumps(
            {
                "full_name": "Lò Văn A",
                "date_of_birth": "2000-01-01",
                "sex": "male",
                "ethnic_group": "03",
                "occupation": "farmer",
                "citizen_id": "123",
                "organisation_id": persona_tree.branch.pk,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "12 chữ số" in body["detail"]
    assert body["errors"][0]["field"] == "citizen_id"
    assert not Person.objects.exists()


def test_create_person_outside_scope_is_refused(client_for, persona_tree):
    response = client_for("branch_secretary").post(
        "/api/v1/people/",
        json.dumps(
            {
                "full_name": "Lò Văn A",
                "date_of_birth": "2000-01-01",
                "sex": "male",
                "ethnic_group": "03",
                "occupation": "farmer",
                "organisation_id": persona_tree.branch_south.pk,
            }
        ),
        content_type="application/json",
    )
    # an organisation out of scope is answered like one that does not exist (core.lookup)
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không tìm thấy hoặc bạn không có quyền xem.",
        "errors": [],
    }
    assert not Person.objects.exists()


def test_malformed_body_gets_the_common_error_shape(client_for):
    response = client_for("region_officer").post(
        "/api/v1/people/", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_token_auth(persona_tree):
    from django.test import Client

    from dangvien.accounts.services import create_api_token

    _token, raw = create_api_token(
        persona_tree.users["branch_secretary"],
        name="thử",
        actor=persona_tree.users["branch_secretary"],
    )
    client = Client()
    ok = client.get(
        f"/api/v1/organisations/{persona_tree.branch.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert ok.status_code == 200
    other = client.get(
        f"/api/v1/organisations/{persona_tree.branch_south.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert other.status_code == 404
    bad = client.get(
        f"/api/v1/organisations/{persona_tree.branch.pk}", HTTP_AUTHORIZATION="Bearer wrong"
    )
    assert bad.status_code == 401


def test_list_people_is_scoped(client_for, persona_tree):
    PersonFactory(organisation=persona_tree.branch, full_name="Trong")
    PersonFactory(organisation=persona_tree.branch_south, full_name="Ngoài")
    names = [p["full_name"] for p in client_for("region_officer").get("/api/v1/people/").json()]
    assert names == ["Trong"]


@pytest.mark.parametrize("path", ["/api/v1/people/", "/api/v1/organisations/"])
def test_huge_or_negative_paging_is_clamped_not_a_server_error(client_for, persona_tree, path):
    client = client_for("region_officer")
    for query in ({"offset": 10**20, "limit": 10**20}, {"offset": -5, "limit": -5}):
        response = client.get(path, query)
        assert response.status_code == 200, response.content
