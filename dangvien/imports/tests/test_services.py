import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.imports import services
from dangvien.imports.models import ImportJob, ImportStatus
from dangvien.imports.tests.conftest import upload
from dangvien.members.models import Membership, MembershipEvent
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def analysed(user, name, kind="people"):
    job, _new = services.create_import_job(actor=user, kind=kind, upload=upload(name))
    return services.analyse_import(job, actor=user)


def committed(user, job):
    job = services.start_commit(job, actor=user)
    return services.commit_import(job, actor=user)


def snapshot():
    return (
        list(
            Person.objects.order_by("pk").values_list(
                "pk", "full_name", "citizen_id", "organisation_id"
            )
        ),
        Membership.objects.count(),
        MembershipEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_people_preview_then_commit_writes_every_row_and_its_audit_events(
    branch_secretary, persona_tree
):
    # the branch secretary's scope is CB01 only, so the CB02 row is refused
    job = analysed(persona_tree.users["region_officer"], "people_ok.xlsx")
    assert job.status == ImportStatus.READY
    assert job.errors == []
    assert job.summary == {"total": 3, "new": 3, "duplicate": 0, "error": 0, "errors": 0}
    assert [row["name"] for row in job.preview] == ["Nguyễn Thị Hoa", "Lò Văn Páo", "Trần Minh Đức"]
    assert Person.objects.count() == 0  # preview writes nothing

    job = committed(persona_tree.users["region_officer"], job)

    assert job.status == ImportStatus.COMMITTED
    hoa = Person.objects.get(full_name="Nguyễn Thị Hoa")
    assert hoa.citizen_id == "001198012345"
    assert hoa.date_of_birth == dt.date(1998, 2, 20)
    assert hoa.occupation.code == "public_employee"
    assert hoa.professional_level == "university"
    assert hoa.youth_union_member is True
    pao = Person.objects.get(full_name="Lò Văn Páo")
    assert pao.ethnic_group.code == "08"
    assert pao.date_of_birth == dt.date(2000, 5, 1)
    assert pao.religion.code == "none"
    assert pao.general_education == "lower_secondary"
    duc = Person.objects.get(full_name="Trần Minh Đức")
    assert duc.organisation == persona_tree.branch_two
    assert duc.residence_area == "urban"
    assert duc.religion.code == "buddhism"
    assert duc.full_name_folded == "tran minh duc"
    events = AuditEvent.objects.filter(action="imports.import_job.committed")
    assert events.count() == 1
    assert events.get().data["created"] == 3
    # exactly two audit rows: the people service's (who wrote the rows) and the import's
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "imports.import_job.committed",
        "people.person.bulk_created",
    ]
    bulk = AuditEvent.objects.get(action="people.person.bulk_created")
    assert bulk.data == {"count": 3, "import_job": job.pk}
    assert bulk.organisation == persona_tree.commune_north  # CB01 and CB02 share it
    assert job.file.name.startswith("imports/")


def test_every_error_class_is_reported_per_row_and_column(branch_secretary):
    job = analysed(branch_secretary, "people_errors.xlsx")
    assert job.status == ImportStatus.READY
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (2, "Họ và tên"),
        (3, "Ngày sinh"),
        (4, "Ngày sinh"),
        (5, "Số CCCD"),
        (6, "Dân tộc"),
        (7, "Nghề nghiệp"),
        (8, "Mã tổ chức"),
        (9, "Mã tổ chức"),
        (10, "Giới tính"),
        (12, "Số CCCD"),
        (13, "Đoàn viên"),
    }
    messages = {(e["row"]): e["message"] for e in job.errors}
    assert "không rõ ràng" in messages[7]
    assert "ngoài phạm vi" in messages[8]
    assert "trùng với dòng 11" in messages[12]
    assert "tương lai" in messages[4]
    assert job.summary["error"] == 11 and job.summary["new"] == 1


def test_commit_with_errors_writes_nothing(branch_secretary):
    before = snapshot()
    job = analysed(branch_secretary, "people_errors.xlsx")
    job = committed(branch_secretary, job)
    assert job.status == ImportStatus.READY
    assert "lỗi" in job.message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "rule_text"),
    [
        ("not_excel.xlsx", "không phải là tệp Excel"),
        ("empty_sheet.xlsx", "không có dữ liệu"),
        ("header_only.xlsx", "chỉ có dòng tiêu đề"),
        ("wrong_header.xlsx", "thiếu cột bắt buộc: «Họ và tên»"),
        ("missing_header.xlsx", "Dòng tiêu đề"),
        ("formula.xlsx", "công thức"),
        ("merged.xlsx", "ô gộp"),
        ("million_rows.xlsx", "1.000.000 dòng"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(branch_secretary, name, rule_text):
    before = snapshot()
    job = analysed(branch_secretary, name)
    assert job.status == ImportStatus.REFUSED
    assert rule_text in job.message
    assert snapshot() == before


def test_a_50_mb_file_is_refused_before_it_is_kept(branch_secretary):
    with pytest.raises(DomainError, match="vượt giới hạn"):
        services.create_import_job(
            actor=branch_secretary,
            kind="people",
            upload=upload("big.xlsx", b"0" * (50 * 1024 * 1024)),
        )
    assert ImportJob.objects.count() == 0


def test_duplicates_need_a_choice_and_are_never_silently_doubled(branch_secretary, persona_tree):
    PersonFactory(
        organisation=persona_tree.branch, full_name="Hoàng Thị Cũ", citizen_id="001190000001"
    )
    PersonFactory(
        organisation=persona_tree.branch_two,
        full_name="Hoàng Văn Trùng",
        date_of_birth=dt.date(1990, 3, 3),
    )
    job = analysed(branch_secretary, "people_duplicates.xlsx")
    assert job.summary["duplicate"] == 2 and job.summary["new"] == 1
    by_row = {d["row"]: d for d in job.duplicates}
    assert by_row[2]["reason"] == "citizen_id" and by_row[2]["allowed"] == ["skip", "update"]
    # CB02 is outside the branch secretary's scope: no update, and no details shown
    assert by_row[3]["reason"] == "name_birth" and by_row[3]["allowed"] == ["skip", "create"]
    assert "Hoàng Văn Trùng" not in by_row[3]["match"]

    job = committed(branch_secretary, job)
    assert job.status == ImportStatus.READY
    assert "chưa chọn" in job.message
    assert Person.objects.count() == 2

    services.set_duplicate_choices(
        job, actor=branch_secretary, default="skip", per_row={2: "update"}
    )
    job = committed(branch_secretary, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    assert Person.objects.count() == 3
    assert Person.objects.get(citizen_id="001190000001").full_name == "Hoàng Thị Cũ"
    assert (
        job.summary["created"] == 1 and job.summary["updated"] == 1 and job.summary["skipped"] == 1
    )


def test_create_anyway_for_a_same_name_same_birth_duplicate(region_officer, persona_tree):
    PersonFactory(
        organisation=persona_tree.branch_two,
        full_name="Hoàng Văn Trùng",
        date_of_birth=dt.date(1990, 3, 3),
    )
    job = analysed(region_officer, "people_duplicates.xlsx")
    by_row = {d["row"]: d for d in job.duplicates}
    assert by_row[3]["allowed"] == ["skip", "update", "create"]
    services.set_duplicate_choices(job, actor=region_officer, default="create")
    job = committed(region_officer, job)
    assert job.status == ImportStatus.COMMITTED
    assert Person.objects.filter(full_name="Hoàng Văn Trùng").count() == 2


def test_an_invalid_choice_for_a_row_is_refused(branch_secretary, persona_tree):
    PersonFactory(
        organisation=persona_tree.branch, full_name="Hoàng Thị Cũ", citizen_id="001190000001"
    )
    job = analysed(branch_secretary, "people_duplicates.xlsx")
    with pytest.raises(DomainError, match="Dòng 2"):
        services.set_duplicate_choices(job, actor=branch_secretary, per_row={2: "create"})


def test_members_import_registers_memberships_with_their_dates(region_officer, persona_tree):
    job = analysed(region_officer, "members_ok.xlsx", kind="members")
    assert job.errors == [], job.errors
    job = committed(region_officer, job)
    assert job.status == ImportStatus.COMMITTED
    hoa = Membership.objects.get(person__full_name="Nguyễn Thị Hoa")
    assert hoa.status == "official"
    assert hoa.decision_date == dt.date(2019, 3, 15)
    assert hoa.ceremony_date == dt.date(2019, 4, 1)
    assert hoa.probation_end == dt.date(2020, 4, 1)
    assert hoa.official_date == dt.date(2020, 4, 1)
    assert hoa.card_number == "01012345"
    assert hoa.organisation == persona_tree.branch == hoa.admitted_in
    pao = Membership.objects.get(person__full_name="Lò Văn Páo")
    assert pao.status == "probationary" and pao.probation_end == dt.date(2024, 6, 15)
    assert MembershipEvent.objects.count() == 3
    assert AuditEvent.objects.filter(action="imports.import_job.committed").count() == 1


def test_members_errors(region_officer):
    job = analysed(region_officer, "members_errors.xlsx", kind="members")
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (2, "Ngày kết nạp"),
        (3, "Ngày công nhận chính thức"),
        (4, "Ngày quyết định kết nạp"),
        (5, "Mã tổ chức"),
    }


def test_an_existing_member_can_only_be_skipped(region_officer, persona_tree):
    from dangvien.members.services import register_existing_member

    person = PersonFactory(
        organisation=persona_tree.branch, full_name="Nguyễn Thị Hoa", citizen_id="001198012345"
    )
    register_existing_member(
        person=person,
        organisation=persona_tree.branch,
        decision_date=dt.date(2022, 1, 1),
        actor=region_officer,
    )
    job = analysed(region_officer, "members_ok.xlsx", kind="members")
    assert job.duplicates[0]["allowed"] == ["skip"]
    services.set_duplicate_choices(job, actor=region_officer, default="update")
    job = committed(region_officer, job)
    assert job.status == ImportStatus.COMMITTED
    assert Membership.objects.count() == 2


def test_killed_worker_halfway_leaves_nothing_behind(region_officer, monkeypatch):
    from dangvien.members import services as members_services

    before = snapshot()
    job = analysed(region_officer, "members_ok.xlsx", kind="members")
    job = services.start_commit(job, actor=region_officer)

    real_insert = members_services.insert_rows

    def killed(model, rows, **kwargs):
        if model is members_services.MembershipEvent:
            raise KeyboardInterrupt("worker killed")  # not an Exception: nothing catches it
        return real_insert(model, rows, **kwargs)

    # people and memberships are already inserted when the events' insert dies
    monkeypatch.setattr(members_services, "insert_rows", killed)
    with pytest.raises(KeyboardInterrupt):
        services.commit_import(job, actor=region_officer)
    assert snapshot() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING


def test_a_stale_committing_job_can_be_committed_again(region_officer, monkeypatch):
    job = analysed(region_officer, "people_ok.xlsx")
    job = services.start_commit(job, actor=region_officer)
    with pytest.raises(DomainError):
        services.start_commit(job, actor=region_officer)  # a second click
    monkeypatch.setattr(services, "STALE_SECONDS", -1)
    job = committed(region_officer, job)
    assert job.status == ImportStatus.COMMITTED
    assert Person.objects.count() == 3


def test_committing_twice_writes_once(region_officer):
    job = analysed(region_officer, "people_ok.xlsx")
    committed(region_officer, job)
    with pytest.raises(DomainError, match="đã được nhập"):
        services.start_commit(job, actor=region_officer)
    assert Person.objects.count() == 3


def test_viewer_may_not_import(persona_tree):
    with pytest.raises(PermissionDenied):
        services.create_import_job(
            actor=persona_tree.users["viewer"], kind="people", upload=upload("people_ok.xlsx")
        )


def test_error_workbook_is_the_file_with_an_error_column(branch_secretary):
    import io

    from openpyxl import load_workbook

    job = analysed(branch_secretary, "people_errors.xlsx")
    book = load_workbook(io.BytesIO(services.error_workbook(job, actor=branch_secretary)))
    ws = book.active
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "Lỗi" and headers[0] == "Mã tổ chức"
    assert ws.cell(row=2, column=len(headers)).value.startswith("Họ và tên: Không được để trống")
    assert ws.cell(row=11, column=len(headers)).value is None
    assert ws.cell(row=5, column=7).value == "12345"


def test_template_has_headers_help_and_dropdowns():
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(services.template_workbook("members")))
    assert book.sheetnames == ["Dữ liệu", "Danh mục", "Hướng dẫn"]
    headers = [c.value for c in book["Dữ liệu"][1]]
    for required in [
        "Mã tổ chức",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Tôn giáo",
        "Số CCCD",
        "Trình độ giáo dục phổ thông",
        "Trình độ chuyên môn",
        "Nghề nghiệp",
        "Đoàn viên",
        "Nông thôn/Thành thị",
        "Số quyết định kết nạp",
        "Ngày quyết định kết nạp",
        "Ngày kết nạp",
        "Ngày công nhận chính thức",
    ]:
        assert required in headers
    validations = book["Dữ liệu"].data_validations.dataValidation
    assert any("Danh mục" in (v.formula1 or "") for v in validations)
    help_text = " ".join(
        str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row if c.value
    )
    assert "Ngày công nhận chính thức" in help_text and "Nông dân, lâm nghiệp" in help_text


def test_an_update_from_a_file_without_the_village_role_columns_keeps_them(
    branch_secretary, persona_tree
):
    old = PersonFactory(
        organisation=persona_tree.branch,
        full_name="Hoàng Thị Cũ",
        citizen_id="001190000001",
        is_village_head=True,
    )
    job = analysed(branch_secretary, "people_duplicates.xlsx")
    services.set_duplicate_choices(
        job, actor=branch_secretary, default="skip", per_row={2: "update"}
    )
    job = committed(branch_secretary, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    old.refresh_from_db()
    assert old.is_village_head is True
    event = AuditEvent.objects.get(action="people.person.bulk_changed")
    assert event.data["import_job"] == job.pk
    assert list(event.data["changes"]) == [str(old.pk)]


def test_the_template_offers_every_person_field():
    from dangvien.imports.importers.base import person_columns
    from dangvien.people.services import PERSON_FIELDS

    headers = [column.header for column in person_columns()]
    assert "Trưởng thôn, bản, tổ dân phố" in headers
    assert {column.key for column in person_columns()} == set(PERSON_FIELDS)


def test_the_village_role_columns_are_imported(branch_secretary, persona_tree):
    import io

    import xlsxwriter

    from dangvien.imports.tests.conftest import upload

    values = {
        "Mã tổ chức": "CB01",
        "Họ và tên": "Lò Văn Trưởng",
        "Ngày sinh": "01/02/1980",
        "Giới tính": "Nam",
        "Dân tộc": "Thái",
        "Nghề nghiệp": "Nông dân",
        "Trưởng thôn, bản, tổ dân phố": "Có",
        "Trưởng ban công tác Mặt trận": "Không",
    }
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("Dữ liệu")
    for col, (header, value) in enumerate(values.items()):
        sheet.write_string(0, col, header)
        sheet.write_string(1, col, value)
    book.close()
    job, _new = services.create_import_job(
        actor=branch_secretary, kind="people", upload=upload("roles.xlsx", buffer.getvalue())
    )
    job = services.analyse_import(job, actor=branch_secretary)
    assert job.errors == []
    job = committed(branch_secretary, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    person = Person.objects.get(full_name="Lò Văn Trưởng")
    assert (person.is_village_head, person.is_front_group_head, person.is_mass_org_head) == (
        True,
        False,
        False,
    )


def test_the_same_file_uploaded_again_returns_its_open_job(branch_secretary):
    first, created = services.create_import_job(
        actor=branch_secretary, kind="people", upload=upload("people_ok.xlsx")
    )
    events = AuditEvent.objects.count()
    again, created_again = services.create_import_job(
        actor=branch_secretary, kind="people", upload=upload("people_ok.xlsx")
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert ImportJob.objects.count() == 1
    assert AuditEvent.objects.count() == events

    # another kind, or another file, is another job
    other, created_other = services.create_import_job(
        actor=branch_secretary, kind="people", upload=upload("people_errors.xlsx")
    )
    assert created_other and other.pk != first.pk


def test_once_committed_the_same_file_opens_a_new_job_whose_rows_are_duplicates(
    region_officer,
):
    job = committed(region_officer, analysed(region_officer, "people_ok.xlsx"))
    assert job.status == ImportStatus.COMMITTED
    again, created = services.create_import_job(
        actor=region_officer, kind="people", upload=upload("people_ok.xlsx")
    )
    assert created and again.pk != job.pk
    again = services.analyse_import(again, actor=region_officer)
    assert again.summary["new"] == 0
    assert again.summary["duplicate"] == job.summary["total"]
