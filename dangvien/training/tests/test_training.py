import datetime as dt
import json
import re

import pytest
import time_machine

from dangvien.admissions import services as admissions
from dangvien.admissions.choices import Stage
from dangvien.core.errors import DomainError
from dangvien.people.tests.factories import PersonFactory
from dangvien.training import services
from dangvien.training.models import Enrolment, TrainingClass
from dangvien.training.selectors import certificate_expiry
from tests.support.personas import scope_matrix

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield


@pytest.fixture
def klass(persona_tree):
    return services.create_class(
        kind="awareness",
        name="Lớp nhận thức khóa 3",
        organiser=persona_tree.commune_north,
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        actor=persona_tree.users["national_admin"],
    )


def test_finishing_the_class_makes_the_outstanding_person_a_sympathiser(persona_tree, klass):
    admin = persona_tree.users["national_admin"]
    person = PersonFactory(organisation=persona_tree.branch)
    dossier = admissions.open_dossier(
        person=person, organisation=persona_tree.branch, date=D(2026, 5, 20), actor=admin
    )
    enrolment = services.enrol_person(klass, person=person, actor=admin)
    services.complete_enrolment(
        enrolment, certificate_number="07/GCN", certificate_date=D(2026, 6, 6), actor=admin
    )
    dossier.refresh_from_db()
    assert dossier.stage == Stage.CLASS
    assert dossier.enrolment == enrolment
    assert dossier.next_deadline == D(2031, 6, 6)
    enrolment.refresh_from_db()
    assert certificate_expiry(enrolment) == D(2031, 6, 6)


def test_bad_input_is_refused(persona_tree, klass):
    admin = persona_tree.users["national_admin"]
    with pytest.raises(DomainError):
        services.create_class(
            kind="awareness",
            name="x",
            organiser=persona_tree.branch,
            start_date=D(2026, 6, 5),
            end_date=D(2026, 6, 1),
            actor=admin,
        )
    person = PersonFactory(organisation=persona_tree.branch)
    enrolment = services.enrol_person(klass, person=person, actor=admin)
    with pytest.raises(DomainError):
        services.enrol_person(klass, person=person, actor=admin)
    with pytest.raises(DomainError) as err:
        services.complete_enrolment(
            enrolment, certificate_number="1", certificate_date=D(2026, 6, 4), actor=admin
        )
    assert err.value.rule == "certificate_date"
    assert not Enrolment.objects.get(pk=enrolment.pk).completed
    assert TrainingClass.objects.count() == 1


VIEW = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 200,
    # the class of the commune is open to its cells' people: the secretary sees it
    "branch_secretary": 200,
    "viewer": 200,
    "outsider": 404,
}


@scope_matrix(VIEW)
def test_class_detail(persona, expected, client_for, klass):
    assert client_for(persona).get(f"/training/{klass.pk}/").status_code == expected


@scope_matrix({**VIEW, "branch_secretary": 200, "outsider": 200})
def test_class_list(persona, expected, client_for, klass):
    response = client_for(persona).get("/training/")
    assert response.status_code == expected
    if expected == 200:
        visible = "Lớp nhận thức khóa 3" in response.content.decode()
        assert visible == (VIEW[persona] == 200)


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 302,
        "region_officer": 302,
        "branch_secretary": 403,
        "viewer": 403,
        "outsider": 404,
    }
)
def test_enrol_by_page(persona, expected, client_for, klass, persona_tree):
    person = PersonFactory(organisation=persona_tree.branch)
    response = client_for(persona).post(f"/training/{klass.pk}/enrol/", {"person": person.pk})
    assert response.status_code == expected
    enrolled = Enrolment.objects.filter(person=person).exists()
    assert enrolled == (expected == 302 and persona != "anonymous")


@scope_matrix(
    {
        "anonymous": 401,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 200,
        "outsider": 404,
    }
)
def test_api_class_detail(persona, expected, client_for, klass):
    assert client_for(persona).get(f"/api/v1/training/classes/{klass.pk}").status_code == expected


def test_api_enrol_and_complete(client_for, klass, persona_tree):
    person = PersonFactory(organisation=persona_tree.branch)
    client = client_for("region_officer")
    response = client.post(
        f"/api/v1/training/classes/{klass.pk}/enrolments",
        data=json.dumps({"person_id": person.pk}),
        content_type="application/json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.post(
        f"/api/v1/training/classes/{klass.pk}/enrolments/{pk}/complete",
        data=json.dumps({"certificate_number": "9/GCN", "certificate_date": "2026-06-05"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["certificate_expiry"] == "2031-06-05"
    response = client_for("viewer").post(
        f"/api/v1/training/classes/{klass.pk}/enrolments",
        data=json.dumps({"person_id": person.pk}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_class_list_filters_by_kind_on_the_page_and_the_api(client_for, klass):
    client = client_for("region_officer")
    assert "Lớp nhận thức khóa 3" in client.get("/training/?kind=awareness").content.decode()
    assert "Lớp nhận thức khóa 3" not in client.get("/training/?kind=new_member").content.decode()
    names = [c["name"] for c in client.get("/api/v1/training/classes?kind=awareness").json()]
    assert names == ["Lớp nhận thức khóa 3"]
    assert client.get("/api/v1/training/classes?kind=new_member").json() == []
    bad = client.get("/api/v1/training/classes?kind=bogus")
    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("Bộ lọc không hợp lệ: Loại lớp: ")


def test_the_same_class_created_twice_is_refused(persona_tree, klass):
    with pytest.raises(DomainError) as caught:
        services.create_class(
            kind="awareness",
            name=" Lớp nhận thức khóa 3 ",
            organiser=persona_tree.commune_north,
            start_date=D(2026, 6, 1),
            end_date=D(2026, 6, 5),
            actor=persona_tree.users["national_admin"],
        )
    assert caught.value.rule == "unique_training_class"
    assert caught.value.message == (
        "Đảng bộ xã Bắc Một đã có lớp «Lớp nhận thức khóa 3» khai giảng ngày 01/06/2026."
    )
    assert TrainingClass.objects.count() == 1
    # another opening day is another class
    services.create_class(
        kind="awareness",
        name="Lớp nhận thức khóa 3",
        organiser=persona_tree.commune_north,
        start_date=D(2026, 6, 8),
        end_date=D(2026, 6, 12),
        actor=persona_tree.users["national_admin"],
    )
    assert TrainingClass.objects.count() == 2


def test_the_class_list_is_shown_a_page_at_a_time(client_for, persona_tree):
    for number in range(51):
        start = D(2026, 1, 1) + dt.timedelta(days=number)
        services.create_class(
            kind="awareness",
            name=f"Lớp nhận thức khóa {number + 10}",
            organiser=persona_tree.commune_north,
            start_date=start,
            end_date=start + dt.timedelta(days=4),
            actor=persona_tree.users["national_admin"],
        )
    client = client_for("region_officer")
    first = client.get("/training/?kind=awareness").content.decode()
    links = re.findall(r'href="/training/(\d+)/"', first)
    assert len(set(links)) == 50
    assert "51 lớp" in first and "1/2" in first
    assert "?kind=awareness&amp;page=2" in first or "?kind=awareness&page=2" in first
    second = client.get("/training/?kind=awareness&page=2").content.decode()
    assert "Lớp nhận thức khóa 10<" in second  # the oldest, last of the newest-first order
    assert len(set(re.findall(r'href="/training/(\d+)/"', second))) == 1
    # a page number past the end shows the last page, a bad one the first
    assert "Lớp nhận thức khóa 10<" in client.get("/training/?page=99").content.decode()
    assert client.get("/training/?page=abc").status_code == 200
