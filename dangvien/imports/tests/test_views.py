import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangvien.audit.models import AuditEvent
from dangvien.imports import services
from dangvien.imports.models import ImportJob, ImportStatus
from dangvien.imports.tests.conftest import upload
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory
from tests.support.personas import scope_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(persona_tree):
    user = persona_tree.users["branch_secretary"]
    job, _new = services.create_import_job(
        actor=user, kind="people", upload=upload("people_errors.xlsx")
    )
    return services.analyse_import(job, actor=user)


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 200,
        "outsider": 200,
    }
)
def test_import_list(persona, expected, client_for):
    assert client_for(persona).get(reverse("imports:import-list")).status_code == expected


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 200,
        "outsider": 404,
    }
)
def test_import_detail(persona, expected, client_for, job):
    response = client_for(persona).get(reverse("imports:import-detail", args=[job.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Lỗi cần sửa (11)" in response.content.decode()


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 200,
        "outsider": 404,
    }
)
def test_import_progress_and_errors_file(persona, expected, client_for, job):
    client = client_for(persona)
    assert client.get(reverse("imports:import-progress", args=[job.pk])).status_code == expected
    response = client.get(reverse("imports:import-errors", args=[job.pk]))
    assert response.status_code == expected
    if expected == 200:
        book = load_workbook(io.BytesIO(response.content))
        assert book.active.cell(row=1, column=13).value == "Lỗi"


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 302,
        "region_officer": 302,
        "branch_secretary": 302,
        "viewer": 403,
        "outsider": 404,
    }
)
def test_commit_and_choices(persona, expected, client_for, job):
    client = client_for(persona)
    response = client.post(reverse("imports:import-commit", args=[job.pk]))
    assert response.status_code == expected
    assert (
        client.post(
            reverse("imports:import-choices", args=[job.pk]), {"default_choice": "skip"}
        ).status_code
        == expected
    )
    assert Person.objects.count() == 0  # the file has errors: nothing is written, by anyone
    if expected != 302:
        job.refresh_from_db()
        assert job.status == ImportStatus.READY and job.default_choice == ""


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 302,
        "region_officer": 302,
        "branch_secretary": 302,
        "viewer": 403,
        "outsider": 302,
    }
)
def test_upload(persona, expected, client_for):
    response = client_for(persona).post(
        reverse("imports:import-list"), {"kind": "people", "file": upload("people_ok.xlsx")}
    )
    assert response.status_code == expected
    assert ImportJob.objects.count() == (1 if expected == 302 and persona != "anonymous" else 0)


def test_upload_preview_choose_commit_through_the_pages(
    client_for, persona_tree, django_capture_on_commit_callbacks
):
    PersonFactory(
        organisation=persona_tree.branch, full_name="Hoàng Thị Cũ", citizen_id="001190000001"
    )
    client = client_for("region_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import-list"),
            {"kind": "people", "file": upload("people_duplicates.xlsx")},
        )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:import-detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'id="count-duplicate">1<' in page and 'id="count-new">2<' in page
    client.post(
        reverse("imports:import-choices", args=[job.pk]), {"default_choice": "", "row-2": "update"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED, job.message
    assert Person.objects.count() == 3
    assert (
        "Đã nhập xong"
        in client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    )


@pytest.mark.parametrize("kind", ["people", "members"])
def test_templates_download(client_for, kind):
    response = client_for("branch_secretary").get(reverse("imports:import-template", args=[kind]))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Dữ liệu"


EXPORTS = [
    "imports:export-people",
    "imports:export-dossiers",
    "imports:export-members",
    "imports:export-worklist",
]


@pytest.mark.parametrize("name", EXPORTS)
@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 200,
        "viewer": 403,
        "outsider": 200,
    }
)
def test_exports_are_scoped_and_audited(name, persona, expected, client_for, persona_tree):
    response = client_for(persona).get(reverse(name))
    assert response.status_code == expected
    assert AuditEvent.objects.filter(action="imports.list.exported").count() == (
        1 if expected == 200 else 0
    )


def test_people_export_follows_filters_masks_and_scope(client_for, persona_tree):
    PersonFactory(
        organisation=persona_tree.branch,
        full_name="Lò Thị Xuân",
        citizen_id="011200005678",
        phone="0912345678",
    )
    PersonFactory(organisation=persona_tree.branch_two, full_name="Trần Văn Khác")
    PersonFactory(organisation=persona_tree.branch_south, full_name="Người Miền Nam")
    response = client_for("region_officer").get(reverse("imports:export-people") + "?q=lo thi")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert "Người xuất: region_officer" in values[1][0]
    header = values.index(next(r for r in values if r[0] == "Họ và tên"))
    rows = values[header + 1 :]
    assert [r[0] for r in rows] == ["Lò Thị Xuân"]
    assert rows[0][4] == "••••••••5678" and rows[0][5] == "•••••••678"
    everything = client_for("region_officer").get(reverse("imports:export-people"))
    names = [c.value for c in load_workbook(io.BytesIO(everything.content)).active["A"]]
    assert "Trần Văn Khác" in names and "Người Miền Nam" not in names
    event = AuditEvent.objects.filter(action="imports.list.exported").last()
    assert event.data["rows"] == 1 and "lo thi" in event.data["filters"]


@pytest.mark.parametrize(
    "query",
    ["", "?probationary=on", "?status=official", "?q=hoa", "?sex=female&age_max=40", "?org=1"],
)
def test_members_export_is_what_the_member_list_shows(client_for, persona_tree, query):
    import datetime as dt

    from dangvien.members.services import register_existing_member

    actor = persona_tree.users["national_admin"]
    rows = [
        (persona_tree.branch, "Nguyễn Thị Hoa", "female", dt.date(1998, 2, 20), True),
        (persona_tree.branch, "Lò Văn Páo", "male", dt.date(1980, 5, 1), False),
        (persona_tree.branch_two, "Trần Thị Hoà", "female", dt.date(1970, 1, 1), True),
        (persona_tree.branch_south, "Người Miền Nam", "female", dt.date(1990, 1, 1), True),
    ]
    for organisation, name, sex, born, official in rows:
        person = PersonFactory(
            organisation=organisation, full_name=name, sex=sex, date_of_birth=born
        )
        register_existing_member(
            person=person,
            organisation=organisation,
            decision_date=dt.date(2015, 1, 1),
            ceremony_date=dt.date(2015, 1, 15),
            official_date=dt.date(2016, 1, 15) if official else None,
            actor=actor,
        )
    if query == "?org=1":
        query = f"?organisation={persona_tree.branch.pk}"
    client = client_for("region_officer")
    page = client.get(reverse("members:member-list") + query)
    shown = [m.person.full_name for m in page.context["page"].object_list]
    assert shown
    response = client.get(reverse("imports:export-members") + query)
    values = [
        [c.value for c in row]
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
    ]
    header = values.index(next(r for r in values if r[0] == "Họ và tên"))
    exported = [r[0] for r in values[header + 1 :]]
    assert exported == shown
    assert "Người Miền Nam" not in exported
    event = AuditEvent.objects.filter(action="imports.list.exported").last()
    assert event.data["rows"] == len(shown)
