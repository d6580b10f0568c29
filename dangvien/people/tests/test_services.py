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


def test_an_update_that_changes_nothing_is_not_written_nor_audited(
    persona_tree, branch_secretary, client_for
):
    person = PersonFactory(organisation=persona_tree.branch, full_name="Vừ A Dính")
    updated_at = Person.objects.get(pk=person.pk).updated_at
    services.update_person(person, actor=branch_secretary)
    services.update_person(person, actor=branch_secretary, full_name="Vừ A Dính")
    for body in ("{}", '{"full_name": "Vừ A Dính"}'):
        response = client_for("branch_secretary").patch(
            f"/api/v1/people/{person.pk}", body, content_type="application/json"
        )
        assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="people.person.changed").exists()
    assert Person.objects.get(pk=person.pk).updated_at == updated_at


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


# --- the one field list ----------------------------------------------------------------------


def test_the_form_the_services_and_the_import_share_one_field_list():
    from dangvien.imports.importers.base import person_columns
    from dangvien.people.forms import PersonForm

    assert tuple(PersonForm.Meta.fields) == services.PERSON_FIELDS
    import_keys = {column.key for column in person_columns()}
    assert import_keys == set(services.PERSON_FIELDS)


def test_the_api_schema_has_the_same_fields():
    from dangvien.people.api import PersonIn

    api_fields = {name.removesuffix("_id") for name in PersonIn.model_fields}
    assert api_fields == {name.removesuffix("_id") for name in services.PERSON_FIELDS}


# --- bulk_create_people / bulk_update_people ---------------------------------------------------


def snapshot():
    return (
        list(Person.objects.order_by("pk").values_list("pk", "full_name", "citizen_id")),
        AuditEvent.objects.count(),
    )


def test_bulk_create_writes_every_row_and_one_audit_row(persona_tree, branch_secretary):
    rows = [
        person_data(persona_tree.branch, full_name="  Lò   Văn Pọm ", is_village_head=True),
        person_data(persona_tree.branch, full_name="Quàng Thị Ún", citizen_id=" 011 200 001 235"),
        person_data(persona_tree.branch, full_name="Lù Văn Sáng", citizen_id=None),
    ]
    ids = services.bulk_create_people(rows, actor=branch_secretary, source={"import_job": 7})
    people = list(Person.objects.order_by("pk"))
    assert [p.pk for p in people] == ids
    assert [p.full_name for p in people] == ["Lò Văn Pọm", "Quàng Thị Ún", "Lù Văn Sáng"]
    assert [p.full_name_folded for p in people] == ["lo van pom", "quang thi un", "lu van sang"]
    assert [p.citizen_id for p in people] == ["011200001234", "011200001235", None]
    assert [p.is_village_head for p in people] == [True, False, False]
    event = AuditEvent.objects.get()
    assert event.action == "people.person.bulk_created"
    assert event.actor == branch_secretary
    assert event.organisation == persona_tree.branch
    assert event.data == {"count": 3, "import_job": 7}
    # the keys came from the table's own numbering: the next ordinary row gets a free one
    assert PersonFactory(organisation=persona_tree.branch).pk > max(ids)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"citizen_id": "12345"}, "Dòng 2: Số CCCD phải gồm đúng 12 chữ số"),
        ({"citizen_id": "011200001234"}, "Dòng 2: Số CCCD 011200001234 trùng với dòng 1"),
        ({"full_name": "  "}, "Dòng 2: Họ và tên không được để trống"),
        ({"date_of_birth": dt.date(2999, 1, 1)}, "Dòng 2: Ngày sinh 01/01/2999 ở tương lai"),
        ({"sex": "x"}, "Dòng 2: Giá trị «x» không hợp lệ cho «giới tính»"),
        ({"occupation": None}, "Dòng 2: Thiếu giá trị bắt buộc: nghề nghiệp"),
        ({"full_name_folded": "x"}, "Dòng 2: Trường không hợp lệ: full_name_folded"),
    ],
)
def test_bulk_create_refuses_a_bad_row_and_writes_nothing(
    persona_tree, branch_secretary, overrides, message
):
    before = snapshot()
    rows = [
        person_data(persona_tree.branch),
        person_data(
            persona_tree.branch, **{"full_name": "Quàng Thị Ún", "citizen_id": None, **overrides}
        ),
    ]
    with pytest.raises(DomainError, match=message):
        services.bulk_create_people(rows, actor=branch_secretary)
    assert snapshot() == before


def test_bulk_create_refuses_a_citizen_id_already_in_the_database(persona_tree, branch_secretary):
    PersonFactory(organisation=persona_tree.branch, citizen_id="011200001235")
    before = snapshot()
    rows = [
        person_data(persona_tree.branch, citizen_id=None),
        person_data(persona_tree.branch, citizen_id="011200001235"),
    ]
    with pytest.raises(DomainError, match="Dòng 12: Số CCCD 011200001235 đã có") as exc:
        services.bulk_create_people(rows, actor=branch_secretary, row_numbers=[11, 12])
    assert exc.value.rule == "citizen_id_unique"
    assert snapshot() == before


def test_bulk_create_outside_the_actors_subtree_is_refused(persona_tree, branch_secretary):
    before = snapshot()
    rows = [person_data(persona_tree.branch), person_data(persona_tree.branch_two, citizen_id=None)]
    with pytest.raises(DomainError, match="ngoài phạm vi") as exc:
        services.bulk_create_people(rows, actor=branch_secretary)
    assert exc.value.rule == "scope"
    assert snapshot() == before


def test_bulk_create_of_nothing_writes_nothing(branch_secretary):
    assert services.bulk_create_people([], actor=branch_secretary) == []
    assert AuditEvent.objects.count() == 0


def test_bulk_update_records_each_persons_changes(persona_tree, branch_secretary):
    first = PersonFactory(organisation=persona_tree.branch, full_name="Lò Văn A")
    second = PersonFactory(organisation=persona_tree.branch, full_name="Lò Văn B", phone="")
    people = services.bulk_update_people(
        {first.pk: {"full_name": "Lò Văn Ă"}, second.pk: {"phone": "0912 345 678"}},
        actor=branch_secretary,
    )
    assert [p.pk for p in people] == [first.pk, second.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.full_name, first.full_name_folded) == ("Lò Văn Ă", "lo van a")
    assert second.phone == "0912345678"
    event = AuditEvent.objects.get()
    assert event.action == "people.person.bulk_changed"
    assert event.data["count"] == 2
    assert event.data["changes"] == {
        str(first.pk): {"before": {"full_name": "Lò Văn A"}, "after": {"full_name": "Lò Văn Ă"}},
        str(second.pk): {"before": {"phone": ""}, "after": {"phone": "***"}},
    }


def test_bulk_update_moving_out_of_scope_is_refused(persona_tree, branch_secretary):
    person = PersonFactory(organisation=persona_tree.branch)
    before = snapshot()
    with pytest.raises(DomainError, match="ngoài phạm vi"):
        services.bulk_update_people(
            {person.pk: {"organisation": persona_tree.branch_two, "full_name": "Mới"}},
            actor=branch_secretary,
        )
    assert snapshot() == before


def test_bulk_update_refuses_a_citizen_id_held_by_someone_else(persona_tree, branch_secretary):
    PersonFactory(organisation=persona_tree.branch, citizen_id="011200001235")
    person = PersonFactory(organisation=persona_tree.branch, citizen_id=None)
    before = snapshot()
    with pytest.raises(DomainError, match="Dòng 5: Số CCCD 011200001235 đã có"):
        services.bulk_update_people(
            {person.pk: {"citizen_id": "011200001235"}},
            actor=branch_secretary,
            row_numbers={person.pk: 5},
        )
    assert snapshot() == before
