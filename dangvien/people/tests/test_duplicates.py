"""A person without citizen ID is asked about before a second one of the same name and birth
date is created in the same grassroots organisation (issue 15, item 7): service, form, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.people import services
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1998, 5, 20)


def _data(organisation, **extra):
    return {
        "full_name": "Lò Thị Mới",
        "date_of_birth": BORN,
        "sex": "female",
        "ethnic_group": EthnicGroup.objects.get(code="01"),
        "religion": Religion.objects.get(code="none"),
        "occupation": Occupation.objects.get(code="farmer"),
        "organisation": organisation,
        **extra,
    }


def _form(organisation, **extra):
    return {
        "full_name": "Lò Thị Mới",
        "date_of_birth": "20/05/1998",
        "sex": "female",
        "ethnic_group": EthnicGroup.objects.get(code="01").pk,
        "religion": Religion.objects.get(code="none").pk,
        "occupation": Occupation.objects.get(code="farmer").pk,
        "citizen_id": "",
        "residence_area": "rural",
        "general_education": "upper_secondary",
        "professional_level": "none",
        "political_theory": "none",
        "organisation": organisation.pk,
        **extra,
    }


def test_the_grassroots_organisation_of_a_cell_is_its_commune(persona_tree):
    assert services.grassroots_of(persona_tree.branch) == persona_tree.commune_north
    assert services.grassroots_of(persona_tree.commune_north) == persona_tree.commune_north


def test_two_creates_in_a_row_without_citizen_id_ask_before_the_second(persona_tree):
    actor = persona_tree.users["region_officer"]
    first = services.create_person(actor=actor, **_data(persona_tree.branch))
    events = AuditEvent.objects.count()

    # same name (other case and spacing), same birth date, another cell of the same commune
    with pytest.raises(services.PossibleDuplicate) as asked:
        services.create_person(
            actor=actor, **_data(persona_tree.branch_two, full_name="  lò  thị MỚI ")
        )

    assert asked.value.rule == "person_possible_duplicate"
    assert asked.value.candidates == [first]
    assert asked.value.message == (
        "Có thể trùng: 1 người tên «lò thị MỚI», sinh ngày 20/05/1998 đã có trong Đảng bộ xã "
        "Bắc Một. Hãy kiểm tra; nếu đúng là người khác, chọn «Vẫn tạo mới»."
    )
    assert Person.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_create_anyway_creates_and_a_repeated_confirmation_asks_again(persona_tree):
    actor = persona_tree.users["region_officer"]
    services.create_person(actor=actor, **_data(persona_tree.branch))
    second = services.create_person(
        actor=actor, confirm_duplicate=True, seen_duplicates=1, **_data(persona_tree.branch)
    )
    assert second.pk
    # the same confirmed form sent again: it saw one candidate, there are two now
    with pytest.raises(services.PossibleDuplicate) as asked:
        services.create_person(
            actor=actor, confirm_duplicate=True, seen_duplicates=1, **_data(persona_tree.branch)
        )
    assert len(asked.value.candidates) == 2
    assert Person.objects.count() == 2


def test_no_question_with_a_citizen_id_or_in_another_commune_or_another_birth_date(persona_tree):
    actor = persona_tree.users["national_admin"]
    services.create_person(actor=actor, **_data(persona_tree.branch))
    services.create_person(actor=actor, **_data(persona_tree.branch, citizen_id="001198000111"))
    services.create_person(actor=actor, **_data(persona_tree.branch_south))
    services.create_person(
        actor=actor, **_data(persona_tree.branch, date_of_birth=dt.date(1998, 5, 21))
    )
    assert Person.objects.count() == 4


def test_the_form_shows_the_candidates_and_needs_an_explicit_create_anyway(
    persona_tree, client_for
):
    client = client_for("region_officer")
    url = reverse("people:person-create")
    first = client.post(url, _form(persona_tree.branch))
    assert first.status_code == 302

    # the same form sent again (a double click): asked, nothing created
    again = client.post(url, _form(persona_tree.branch))
    assert again.status_code == 200
    body = again.content.decode()
    assert 'id="possible-duplicates"' in body
    assert "Lò Thị Mới</a>, sinh ngày 20/05/1998 — Chi bộ thôn 1" in body
    assert 'name="confirm_duplicate"' in body
    assert 'name="seen_duplicates" value="1"' in body
    assert Person.objects.count() == 1

    # without ticking the box it still asks; with it, the second person is created
    assert client.post(url, _form(persona_tree.branch, seen_duplicates="1")).status_code == 200
    assert Person.objects.count() == 1
    done = client.post(url, _form(persona_tree.branch, seen_duplicates="1", confirm_duplicate="on"))
    assert done.status_code == 302
    assert Person.objects.count() == 2


def test_a_candidate_out_of_the_users_scope_is_shown_without_name(persona_tree, client_for):
    PersonFactory(organisation=persona_tree.branch_two, full_name="Lò Thị Mới", date_of_birth=BORN)
    response = client_for("branch_secretary").post(
        reverse("people:person-create"), _form(persona_tree.branch)
    )
    body = response.content.decode()
    assert "Một người ở Chi bộ thôn 2 (ngoài phạm vi của bạn)" in body
    assert "people/" + str(Person.objects.get().pk) not in body
    assert Person.objects.count() == 1


def test_the_api_answers_409_with_the_candidates_unless_confirm_duplicate(persona_tree, client_for):
    client = client_for("region_officer")
    payload = {
        "full_name": "Lò Thị Mới",
        "date_of_birth": "1998-05-20",
        "sex": "female",
        "ethnic_group": "01",
        "occupation": "farmer",
        "organisation_id": persona_tree.branch.pk,
    }
    first = client.post("/api/v1/people/", payload, content_type="application/json")
    assert first.status_code == 201

    second = client.post("/api/v1/people/", payload, content_type="application/json")
    assert second.status_code == 409
    body = second.json()
    assert body["rule"] == "person_possible_duplicate"
    assert body["candidates"] == [
        {
            "id": first.json()["id"],
            "full_name": "Lò Thị Mới",
            "date_of_birth": "1998-05-20",
            "organisation": "Chi bộ thôn 1",
            "has_citizen_id": False,
        }
    ]
    assert Person.objects.count() == 1

    confirmed = client.post(
        "/api/v1/people/", {**payload, "confirm_duplicate": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201
    assert Person.objects.count() == 2
