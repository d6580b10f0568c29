"""Outstanding lists and awareness-class results: preview, errors, all-or-nothing commit."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from dangvien.admissions.models import Dossier, Participant, Step
from dangvien.audit.models import AuditEvent
from dangvien.imports import services
from dangvien.imports.models import ImportStatus
from dangvien.imports.tests.conftest import DATA
from dangvien.imports.tests.test_services import analysed, committed
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory
from dangvien.training.models import Enrolment, TrainingClass

pytestmark = pytest.mark.django_db

CLASS_NAME = "Lớp nhận thức khóa 1/2025"


@pytest.fixture
def helper(persona_tree, national_admin):
    from dangvien.members.services import register_existing_member

    person = PersonFactory(organisation=persona_tree.branch, full_name="Đỗ Văn Giúp")
    register_existing_member(
        person=person,
        organisation=persona_tree.branch,
        decision_date=dt.date(2010, 1, 1),
        ceremony_date=dt.date(2010, 1, 15),
        official_date=dt.date(2011, 1, 15),
        card_number="09000001",
        actor=national_admin,
    )
    return person


def state():
    return (
        Person.objects.count(),
        Dossier.objects.count(),
        Step.objects.count(),
        Participant.objects.count(),
        Enrolment.objects.filter(completed=True).count(),
        Enrolment.objects.count(),
        AuditEvent.objects.count(),
    )


# --- outstanding lists ---------------------------------------------------------------------


def test_outstanding_preview_then_commit_opens_dossiers_with_helper(region_officer, helper):
    job = analysed(region_officer, "outstanding_ok.xlsx", kind="outstanding")
    assert job.errors == [], job.errors
    assert job.summary == {"total": 3, "new": 3, "duplicate": 0, "error": 0, "errors": 0}
    before = state()
    assert Dossier.objects.count() == 0  # preview writes nothing

    job = committed(region_officer, job)

    assert job.status == ImportStatus.COMMITTED, job.message
    assert job.summary["created"] == 3
    assert Person.objects.count() == before[0] + 3
    hoa = Dossier.objects.get(person__full_name="Nguyễn Thị Hoa")
    assert hoa.stage == "outstanding" and hoa.opened_on == dt.date(2025, 1, 10)
    assert hoa.organisation.code == "CB01"
    step = Step.objects.get(dossier=hoa)
    assert step.document_number == "05-NQ/CB"
    assert list(hoa.participants.values_list("person_id", "role")) == [(helper.pk, "helper")]
    assert Dossier.objects.get(person__full_name="Trần Minh Đức").organisation.code == "CB02"
    assert AuditEvent.objects.filter(action="imports.import_job.committed").count() == 1
    assert AuditEvent.objects.filter(action="admissions.dossier.opened").count() == 3


def test_outstanding_errors_per_row_and_column_scope_refused(region_officer, helper):
    job = analysed(region_officer, "outstanding_errors.xlsx", kind="outstanding")
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (2, "Ngày chi bộ đưa vào danh sách"),
        (3, "Đảng viên giúp đỡ"),
        (4, "Mã tổ chức"),  # CB03 is outside T01
        (5, "Ngày chi bộ đưa vào danh sách"),
        (6, "Mã tổ chức"),  # a commune, not a cell
    }
    messages = {(e["row"]): e["message"] for e in job.errors}
    assert "chưa đến" in messages[2]
    assert "99999999" in messages[3]
    assert "CB03" in messages[4] and "phạm vi" in messages[4]
    assert job.summary["error"] == 5
    before = state()
    job = committed(region_officer, job)
    assert job.status == ImportStatus.READY and "lỗi" in job.message
    assert state() == before


def test_outstanding_person_with_an_open_dossier_is_a_row_error(
    region_officer, persona_tree, helper
):
    from dangvien.admissions.services import open_dossier

    hoa = PersonFactory(
        organisation=persona_tree.branch,
        full_name="Nguyễn Thị Hoa",
        date_of_birth=dt.date(1998, 2, 20),
        citizen_id="001198012345",
    )
    open_dossier(
        person=hoa, organisation=persona_tree.branch, date=dt.date(2024, 1, 1), actor=region_officer
    )
    job = analysed(region_officer, "outstanding_ok.xlsx", kind="outstanding")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Số CCCD")]
    assert "đang có hồ sơ kết nạp chưa kết thúc" in job.errors[0]["message"]


def test_outstanding_duplicate_update_opens_the_dossier_for_the_existing_person(
    region_officer, persona_tree, helper
):
    PersonFactory(
        organisation=persona_tree.branch,
        full_name="Lò Văn Páo",
        date_of_birth=dt.date(2000, 5, 1),
        citizen_id="011200005678",
    )
    job = analysed(region_officer, "outstanding_ok.xlsx", kind="outstanding")
    assert job.summary["duplicate"] == 1
    assert job.duplicates[0]["allowed"] == ["skip", "update"]
    services.set_duplicate_choices(job, actor=region_officer, default="update")
    job = committed(region_officer, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    assert Person.objects.filter(full_name="Lò Văn Páo").count() == 1
    assert Dossier.objects.count() == 3


def test_outstanding_service_refusal_at_commit_writes_nothing(region_officer, helper, monkeypatch):
    """A refusal by open_dossier on the last row rolls back every earlier row."""
    from dangvien.admissions import services as admissions_services
    from dangvien.core.errors import DomainError

    job = analysed(region_officer, "outstanding_ok.xlsx", kind="outstanding")
    before = state()
    real = admissions_services.open_dossier
    calls = []

    def refuse_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise DomainError("Từ chối thử.", rule="test")
        return real(**kwargs)

    monkeypatch.setattr(admissions_services, "open_dossier", refuse_third)
    job = committed(region_officer, job)
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("Dòng 4: Từ chối thử.")
    assert state() == before


def test_import_outstanding_command(persona_tree, helper):
    out = io.StringIO()
    call_command(
        "import_outstanding",
        str(DATA / "outstanding_ok.xlsx"),
        "--as",
        "region_officer",
        stdout=out,
    )
    assert "mới 3" in out.getvalue() and Dossier.objects.count() == 0
    out = io.StringIO()
    call_command(
        "import_outstanding",
        str(DATA / "outstanding_ok.xlsx"),
        "--as",
        "region_officer",
        "--commit",
        stdout=out,
    )
    assert "Đã ghi: thêm mới 3" in out.getvalue()
    assert Dossier.objects.count() == 3


# --- awareness-class results ---------------------------------------------------------------


@pytest.fixture
def classes(persona_tree):
    north = TrainingClass.objects.create(
        kind=TrainingClass.Kind.AWARENESS,
        name=CLASS_NAME,
        organiser=persona_tree.commune_north,
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2025, 4, 30),
    )
    south = TrainingClass.objects.create(
        kind=TrainingClass.Kind.AWARENESS,
        name="Lớp miền Nam",
        organiser=persona_tree.commune_south,
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2025, 4, 30),
    )
    return north, south


@pytest.fixture
def registered(persona_tree):
    return [
        PersonFactory(
            organisation=persona_tree.branch,
            full_name="Nguyễn Thị Hoa",
            date_of_birth=dt.date(1998, 2, 20),
            citizen_id="001198012345",
        ),
        PersonFactory(
            organisation=persona_tree.branch,
            full_name="Lò Văn Páo",
            date_of_birth=dt.date(2000, 5, 1),
            citizen_id="011200005678",
        ),
    ]


def test_class_results_preview_then_commit_issues_certificates(region_officer, classes, registered):
    job = analysed(region_officer, "class_results_ok.xlsx", kind="class_results")
    assert job.errors == [], job.errors
    assert job.summary == {"total": 2, "new": 2, "duplicate": 0, "error": 0, "errors": 0}
    assert Enrolment.objects.count() == 0

    job = committed(region_officer, job)

    assert job.status == ImportStatus.COMMITTED, job.message
    hoa = Enrolment.objects.get(person=registered[0])
    assert hoa.training_class == classes[0]
    assert hoa.completed and hoa.certificate_number == "12/GCN"
    assert hoa.certificate_date == dt.date(2025, 5, 30)
    pao = Enrolment.objects.get(person=registered[1])
    assert not pao.completed
    assert AuditEvent.objects.filter(action="imports.import_job.committed").count() == 1
    assert AuditEvent.objects.filter(action="training.enrolment.completed").count() == 1


def test_class_results_existing_enrolment_is_completed(region_officer, classes, registered):
    Enrolment.objects.create(training_class=classes[0], person=registered[0])
    job = analysed(region_officer, "class_results_ok.xlsx", kind="class_results")
    job = committed(region_officer, job)
    assert job.summary["created"] == 1 and job.summary["updated"] == 1
    assert Enrolment.objects.get(person=registered[0]).completed


def test_class_results_errors_and_scope(region_officer, classes, registered):
    job = analysed(region_officer, "class_results_errors.xlsx", kind="class_results")
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (2, "Họ và tên"),  # unknown person
        (3, "Số giấy chứng nhận"),
        (4, "Mã lớp"),  # class organised outside the user's scope
        (5, "Ngày cấp"),
        (6, "Hoàn thành"),
    }
    messages = {e["row"]: e["message"] for e in job.errors}
    assert "phạm vi" in messages[4]
    assert "trước ngày bế giảng" in messages[5]
    before = state()
    job = committed(region_officer, job)
    assert job.status == ImportStatus.READY
    assert state() == before


def test_class_results_person_outside_scope_is_unknown(
    region_officer, persona_tree, classes, registered
):
    registered[0].organisation = persona_tree.branch_south
    registered[0].save(update_fields=["organisation"])
    job = analysed(region_officer, "class_results_ok.xlsx", kind="class_results")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Số CCCD")]
    assert "001198012345" in job.errors[0]["message"]


def test_class_results_completed_twice_is_a_row_error(region_officer, classes, registered):
    job = analysed(region_officer, "class_results_ok.xlsx", kind="class_results")
    committed(region_officer, job)
    job = analysed(region_officer, "class_results_ok.xlsx", kind="class_results")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "Số giấy chứng nhận")]
    assert "12/GCN" in job.errors[0]["message"]


def test_import_class_results_command(persona_tree, classes, registered):
    with pytest.raises(CommandError, match="còn lỗi"):
        call_command(
            "import_class_results",
            str(DATA / "class_results_errors.xlsx"),
            "--as",
            "region_officer",
            "--commit",
            stdout=io.StringIO(),
        )
    out = io.StringIO()
    call_command(
        "import_class_results",
        str(DATA / "class_results_ok.xlsx"),
        "--as",
        "region_officer",
        "--commit",
        stdout=out,
    )
    assert "Đã ghi: thêm mới 2" in out.getvalue()
    assert Enrolment.objects.filter(completed=True).count() == 1


# --- templates and the import page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        (
            "outstanding",
            [
                "Mã tổ chức",
                "Họ và tên",
                "Số CCCD",
                "Ngày chi bộ đưa vào danh sách",
                "Đảng viên giúp đỡ",
                "Số nghị quyết/biên bản",
            ],
        ),
        (
            "class_results",
            [
                "Mã lớp",
                "Họ và tên",
                "Ngày sinh",
                "Số CCCD",
                "Hoàn thành",
                "Số giấy chứng nhận",
                "Ngày cấp",
            ],
        ),
    ],
)
def test_templates_have_help_and_dropdowns(client_for, kind, headers):
    response = client_for("branch_secretary").get(reverse("imports:import-template", args=[kind]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Dữ liệu", "Danh mục", "Hướng dẫn"]
    found = [c.value for c in book["Dữ liệu"][1]]
    for header in headers:
        assert header in found
    validations = book["Dữ liệu"].data_validations.dataValidation
    assert any("Danh mục" in (v.formula1 or "") for v in validations)
    help_text = " ".join(
        str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row if c.value
    )
    assert headers[-1] in help_text


def test_import_page_offers_the_new_kinds(client_for):
    html = client_for("branch_secretary").get(reverse("imports:import-list")).content.decode()
    assert "Quần chúng ưu tú" in html and "Kết quả lớp nhận thức về Đảng" in html
    assert reverse("imports:import-template", args=["outstanding"]) in html
