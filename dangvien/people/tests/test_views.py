import pytest
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory
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
    "branch_secretary": 200,
    "viewer": 403,
    "outsider": 404,
}


@pytest.fixture
def person(persona_tree):
    return PersonFactory(
        organisation=persona_tree.branch, full_name="Lò Thị Xuân", citizen_id="011200005678"
    )


@scope_matrix(READ)
def test_detail_scope(persona, expected, client_for, person):
    response = client_for(persona).get(reverse("people:person-detail", args=[person.pk]))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "••••••••5678" in html
        assert "011200005678" not in html


@scope_matrix(WRITE)
def test_edit_scope(persona, expected, client_for, person):
    response = client_for(persona).get(reverse("people:person-edit", args=[person.pk]))
    assert response.status_code == expected


@scope_matrix({**WRITE, "national_admin": 302, "region_officer": 302, "branch_secretary": 302})
def test_edit_post_changes_nothing_out_of_scope(persona, expected, client_for, person):
    response = client_for(persona).post(
        reverse("people:person-edit", args=[person.pk]),
        {
            "full_name": "Tên Mới",
            "date_of_birth": "15/03/2000",
            "sex": "female",
            "ethnic_group": person.ethnic_group_id,
            "religion": person.religion_id,
            "occupation": person.occupation_id,
            "residence_area": "rural",
            "general_education": "upper_secondary",
            "professional_level": "none",
            "political_theory": "none",
            "organisation": person.organisation_id,
            "citizen_id": "011200005678",
        },
    )
    assert response.status_code == expected
    person.refresh_from_db()
    assert (person.full_name == "Tên Mới") == (expected == 302 and persona != "anonymous")


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 403,
        "viewer": 403,
        "outsider": 404,
    }
)
def test_reveal_scope_and_log(persona, expected, client_for, person):
    response = client_for(persona).post(reverse("people:person-reveal", args=[person.pk]))
    assert response.status_code == expected
    logged = AuditEvent.objects.filter(action="people.person.sensitive_revealed").count()
    assert logged == (1 if expected == 200 else 0)
    if expected == 200:
        assert "011200005678" in response.content.decode()


def test_list_is_scoped_and_searchable_without_accents(client_for, persona_tree):
    PersonFactory(organisation=persona_tree.branch, full_name="Nguyễn Văn An")
    PersonFactory(organisation=persona_tree.branch_south, full_name="Nguyễn Văn Nam")
    html = (
        client_for("branch_secretary")
        .get(reverse("people:person-list"), {"q": "nguyen van"})
        .content.decode()
    )
    assert "Nguyễn Văn An" in html
    assert "Nguyễn Văn Nam" not in html


def test_list_query_count_does_not_grow(client_for, persona_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("region_officer")
    PersonFactory(organisation=persona_tree.branch)
    client.get(reverse("people:person-list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("people:person-list"))
    for _n in range(40):
        PersonFactory(organisation=persona_tree.branch_two)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("people:person-list"))
    # Session, user, scope, the page and its count, the ethnic groups (the worklist badge is
    # fetched after the page).
    assert len(large) == len(small) == 9


def test_create_form_shows_vietnamese_errors_and_saves_nothing(client_for, persona_tree):
    from dangvien.people.models import EthnicGroup, Occupation, Religion

    response = client_for("branch_secretary").post(
        reverse("people:person-create"),
        {
            "full_name": "Giàng A Páo",
            "date_of_birth": "01/01/2000",
            "sex": "male",
            "ethnic_group": EthnicGroup.objects.get(code="08").pk,
            "religion": Religion.objects.get(code="none").pk,
            "occupation": Occupation.objects.get(code="farmer").pk,
            "residence_area": "rural",
            "general_education": "primary",
            "professional_level": "none",
            "political_theory": "none",
            "organisation": persona_tree.branch.pk,
            "citizen_id": "12345",
        },
    )
    assert response.status_code == 200
    assert "12 chữ số" in response.content.decode()
    assert not Person.objects.exists()


def test_edit_form_hides_the_full_citizen_id_from_who_may_not_reveal_it(client_for, person):
    person.phone = "0912345678"
    person.save(update_fields=["phone"])
    secretary = client_for("branch_secretary").get(reverse("people:person-edit", args=[person.pk]))
    html = secretary.content.decode()
    assert "011200005678" not in html
    assert "0912345678" not in html
    assert "••••••••5678" in html
    officer = client_for("region_officer").get(reverse("people:person-edit", args=[person.pk]))
    assert "011200005678" in officer.content.decode()


def test_saving_without_retyping_the_hidden_citizen_id_keeps_it(client_for, person):
    response = client_for("branch_secretary").post(
        reverse("people:person-edit", args=[person.pk]),
        {
            "full_name": "Lò Thị Xuân",
            "date_of_birth": "15/03/2000",
            "sex": "female",
            "ethnic_group": person.ethnic_group_id,
            "religion": person.religion_id,
            "occupation": person.occupation_id,
            "residence_area": "rural",
            "general_education": "upper_secondary",
            "professional_level": "none",
            "political_theory": "none",
            "organisation": person.organisation_id,
            "citizen_id": "",
            "hometown": "Mường Luân",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.citizen_id == "011200005678"
    assert person.hometown == "Mường Luân"
