import datetime as dt

import pytest
import time_machine

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.people import services
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def person_data(organisation, **overrides):
    data = {
        "full_name": "Lò Văn Pọm",
        "date_of_birth": dt.date(2000, 3, 15),
        "sex": "male",
        "ethnic_group": EthnicGroup.objects.get(code="03"),
        "religion": Religion.objects.get(code="none"),
        "occupation": Occupation.objects.get(code="farmer"),
        "citizen_id": "011200001234",
        "organisation": organisation,
    }
    data.update(overrides)
    return data


def test_create_person_normalises_and_audits(persona_tree, branch_secretary):
    person = services.create_person(
        actor=branch_secretary, **person_data(persona_tree.branch, full_name="  Lò   Văn Pọm ")
    )
    assert person.full_name == "Lò Văn Pọm"
    assert person.full_name_folded == "lo van pom"
    event = AuditEvent.objects.get(action="people.person.created")
    assert event.data["after"]["citizen_id"] == "***"  # secrets masked in the audit row


@pytest.mark.parametrize("bad", ["12345", "01120000123A", "0112000012345"])
def test_citizen_id_must_be_twelve_digits(persona_tree, branch_secretary, bad):
    with pytest.raises(DomainError) as caught:
        services.create_person(
            actor=branch_secretary, **person_data(persona_tree.branch, citizen_id=bad)
        )
    assert "12 chữ số" in caught.value.message
    assert caught.value.field == "citizen_id"
    assert not Person.objects.exists()


def test_citizen_id_keeps_leading_zeros_and_spaces_are_ignored(persona_tree, branch_secretary):
    person = services.create_person(
        actor=branch_secretary, **person_data(persona_tree.branch, citizen_id="0112 0000 1234")
    )
    assert person.citizen_id == "011200001234"


def test_duplicate_citizen_id_is_refused(persona_tree, branch_secretary):
    PersonFactory(organisation=persona_tree.branch, citizen_id="011200001234")
    with pytest.raises(DomainError, match="đã có"):
        services.create_person(actor=branch_secretary, **person_data(persona_tree.branch))
    assert Person.objects.count() == 1


@time_machine.travel(dt.date(2026, 11, 21))
def test_birth_date_in_the_future_is_refused(persona_tree, branch_secretary):
    with pytest.raises(DomainError) as caught:
        services.create_person(
            actor=branch_secretary,
            **person_data(persona_tree.branch, date_of_birth=dt.date(2026, 11, 22)),
        )
    assert "22/11/2026" in caught.value.message
    assert "tương lai" in caught.value.message


def test_person_outside_the_actors_subtree_is_refused(persona_tree, branch_secretary):
    with pytest.raises(DomainError, match="ngoài phạm vi"):
        services.create_person(actor=branch_secretary, **person_data(persona_tree.branch_south))
    assert not Person.objects.exists()


def test_update_records_only_what_changed(persona_tree, branch_secretary):
    person = PersonFactory(organisation=persona_tree.branch, full_name="Vừ A Dính")
    services.update_person(person, actor=branch_secretary, hometown="Mường Luân")
    event = AuditEvent.objects.get(action="people.person.changed")
    assert event.data == {"before": {"hometown": ""}, "after": {"hometown": "Mường Luân"}}


def test_moving_a_person_out_of_scope_is_refused(persona_tree, branch_secretary):
    person = PersonFactory(organisation=persona_tree.branch)
    with pytest.raises(DomainError):
        services.update_person(
            person, actor=branch_secretary, organisation=persona_tree.branch_south
        )
    person.refresh_from_db()
    assert person.organisation == persona_tree.branch


@pytest.mark.parametrize("query", ["nguyen van a", "NGUYEN VAN A", "Nguyễn Văn A", "nguyễn"])
def test_search_ignores_accents_and_case(persona_tree, query):
    PersonFactory(organisation=persona_tree.branch, full_name="Nguyễn Văn A")
    PersonFactory(organisation=persona_tree.branch, full_name="Lò Thị Bình")
    assert list(Person.objects.search(query).values_list("full_name", flat=True)) == [
        "Nguyễn Văn A"
    ]


def test_search_d_finds_the_vietnamese_d_with_stroke(persona_tree):
    PersonFactory(organisation=persona_tree.branch, full_name="Đỗ Đức Đạt")
    assert Person.objects.search("do duc dat").count() == 1
    assert Person.objects.search("d").count() == 1


def test_reveal_is_logged(persona_tree, region_officer):
    person = PersonFactory(organisation=persona_tree.branch, citizen_id="001204012345")
    values = services.reveal_sensitive(person, actor=region_officer)
    assert values == {"citizen_id": "001204012345"}
    event = AuditEvent.objects.get(action="people.person.sensitive_revealed")
    assert event.actor == region_officer
    assert event.organisation == persona_tree.branch


def test_masking_shows_only_the_last_four_digits(persona_tree):
    person = PersonFactory(organisation=persona_tree.branch, citizen_id="001204012345")
    assert person.citizen_id_masked == "••••••••2345"
