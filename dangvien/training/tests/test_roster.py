"""The class roster: who may attend, bulk results and certificates, corrections that supersede,
proposals from the cells, and the centre's worklist."""

import datetime as dt

import pytest
import time_machine

from dangvien.admissions import services as admissions
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.core.worklist import collect
from dangvien.members.choices import MemberStatus
from dangvien.members.tests.factories import make_member
from dangvien.people.tests.factories import PersonFactory
from dangvien.reports.periods import Period
from dangvien.reports.selectors import get_admission_report
from dangvien.training import services
from dangvien.training.models import ClassProposal, Enrolment, TrainingClass

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, 0), tick=False):
        yield


@pytest.fixture
def admin(persona_tree):
    return persona_tree.users["national_admin"]


@pytest.fixture
def klass(persona_tree, admin):
    return services.create_class(
        kind="awareness",
        name="Lớp nhận thức khóa 4",
        organiser=persona_tree.region_north,
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        actor=admin,
    )


def _new_member_class(persona_tree, admin):
    return services.create_class(
        kind="new_member",
        name="Lớp đảng viên mới khóa 2",
        organiser=persona_tree.region_north,
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        actor=admin,
    )


def test_awareness_class_refuses_a_member_naming_the_rule(persona_tree, admin, klass):
    member = make_member(persona_tree.branch, full_name="Lò Văn Cũ", decision_date=D(1997, 3, 1))
    with pytest.raises(DomainError) as refusal:
        services.enrol_person(klass, person=member.person, actor=admin)
    assert refusal.value.rule == "awareness_class_statuses"
    assert "Lò Văn Cũ" in refusal.value.message
    assert "chưa là đảng viên" in refusal.value.message
    assert refusal.value.found == "Đảng viên chính thức"
    assert not Enrolment.objects.exists()


def test_new_member_class_only_for_probationers(persona_tree, admin):
    klass = _new_member_class(persona_tree, admin)
    outsider = PersonFactory(organisation=persona_tree.branch, full_name="Vừa Đủ Mười Bảy")
    with pytest.raises(DomainError) as refusal:
        services.enrol_person(klass, person=outsider, actor=admin)
    assert refusal.value.rule == "new_member_class_statuses"
    assert "đảng viên dự bị" in refusal.value.message
    probationer = make_member(
        persona_tree.branch, status=MemberStatus.PROBATIONARY, decision_date=D(2026, 1, 5)
    )
    assert services.enrol_person(klass, person=probationer.person, actor=admin).pk


@pytest.mark.parametrize(
    ("start", "end", "rule"),
    [
        (D(1900, 1, 1), D(2900, 6, 5), "class_start_bounds"),
        (D(2021, 6, 1), D(2021, 6, 5), "class_start_bounds"),  # 60 months and a month back
        (D(2027, 7, 1), D(2027, 7, 5), "class_start_bounds"),  # a year and a day ahead
        (D(2026, 6, 1), D(2026, 9, 1), "class_max_length_days"),  # 93 days
        (D(2026, 6, 5), D(2026, 6, 1), "class_dates"),
    ],
)
def test_class_dates_within_sane_bounds(persona_tree, admin, start, end, rule):
    with pytest.raises(DomainError) as refusal:
        services.create_class(
            kind="awareness",
            name="Lớp sai ngày",
            organiser=persona_tree.region_north,
            start_date=start,
            end_date=end,
            actor=admin,
        )
    assert refusal.value.rule == rule
    assert not TrainingClass.objects.filter(name="Lớp sai ngày").exists()


def test_certificate_date_not_in_the_future_nor_before_the_end(persona_tree, admin, klass):
    enrolment = services.enrol_person(
        klass, person=PersonFactory(organisation=persona_tree.branch), actor=admin
    )
    with pytest.raises(DomainError) as refusal:
        services.complete_enrolment(
            enrolment, certificate_number="1", certificate_date=D(2026, 12, 15), actor=admin
        )
    assert refusal.value.rule == "date_not_future"
    assert "15/12/2026" in refusal.value.message and "30/06/2026" in refusal.value.message
    with pytest.raises(DomainError) as refusal:
        services.complete_enrolment(
            enrolment, certificate_number="1", certificate_date=D(2026, 6, 4), actor=admin
        )
    assert refusal.value.rule == "certificate_date"
    enrolment.refresh_from_db()
    assert not enrolment.completed


def test_certificate_numbers_unique_per_issuing_body(persona_tree, admin, klass):
    first, second = (
        services.enrol_person(
            klass, person=PersonFactory(organisation=persona_tree.branch), actor=admin
        )
        for _ in range(2)
    )
    services.complete_enrolment(
        first, certificate_number="GCN-7", certificate_date=D(2026, 6, 6), actor=admin
    )
    with pytest.raises(DomainError) as refusal:
        services.complete_enrolment(
            second, certificate_number="GCN-7", certificate_date=D(2026, 6, 6), actor=admin
        )
    assert refusal.value.rule == "unique_certificate_number"
    assert first.person.full_name in refusal.value.message
    # another body may use the same number
    other = services.create_class(
        kind="awareness",
        name="Lớp của xã",
        organiser=persona_tree.commune_north,
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        actor=admin,
    )
    third = services.enrol_person(other, person=second.person, actor=admin)
    services.complete_enrolment(
        third, certificate_number="GCN-7", certificate_date=D(2026, 6, 6), actor=admin
    )


def test_bulk_enrol_results_and_certificates(persona_tree, admin, klass):
    people = [PersonFactory(organisation=persona_tree.branch) for _ in range(4)]
    rows = services.enrol_people(klass, people=people, actor=admin)
    assert len(rows) == 4
    # enrolling again skips who is already there
    assert services.enrol_people(klass, people=people[:2], actor=admin) == []
    ids = [row.pk for row in rows]
    services.record_results(klass, enrolment_ids=ids[3:], result="failed", actor=admin)
    issued = services.issue_certificates(
        klass,
        enrolment_ids=ids[:3],
        first_number="008",
        prefix="GCN/",
        certificate_date=D(2026, 6, 8),
        actor=admin,
    )
    numbers = sorted(e.certificate_number for e in issued)
    assert numbers == ["GCN/008", "GCN/009", "GCN/010"]
    assert all(e.attended and e.result == "passed" for e in issued)
    # one refusal issues none: the failed student in the batch
    with pytest.raises(DomainError):
        services.issue_certificates(
            klass,
            enrolment_ids=ids[3:],
            first_number="011",
            certificate_date=D(2026, 6, 8),
            actor=admin,
        )
    assert Enrolment.objects.certificates().count() == 3


def test_correcting_a_certificate_supersedes_it_and_the_figures_follow(persona_tree, admin, klass):
    person = PersonFactory(organisation=persona_tree.branch)
    dossier = admissions.open_dossier(
        person=person, organisation=persona_tree.branch, date=D(2026, 5, 20), actor=admin
    )
    enrolment = services.enrol_person(klass, person=person, actor=admin)
    services.complete_enrolment(
        enrolment, certificate_number="12", certificate_date=D(2026, 6, 6), actor=admin
    )
    june = Period(D(2026, 6, 1), D(2026, 6, 30))
    report = get_admission_report(organisation=persona_tree.region_north, period=june)
    assert report.pipeline["sympathisers"] == 1

    with pytest.raises(DomainError) as refusal:
        services.correct_certificate(
            enrolment,
            certificate_number="13",
            certificate_date=D(2026, 6, 6),
            reason="",
            actor=admin,
        )
    assert refusal.value.rule == "correction_reason"
    new = services.correct_certificate(
        enrolment,
        certificate_number="13",
        certificate_date=D(2026, 6, 29),
        reason="Ghi nhầm số và ngày",
        actor=admin,
    )
    old = Enrolment.objects.get(pk=enrolment.pk)
    assert old.certificate_number == "12" and old.superseded_at is not None  # history kept
    assert new.supersedes == old and new.certificate_number == "13"
    dossier.refresh_from_db()
    assert dossier.enrolment == new
    assert dossier.next_deadline == D(2031, 6, 29)

    # revoked: the figures and the dossier follow
    services.revoke_certificate(new, reason="Cấp nhầm người", actor=admin)
    report = get_admission_report(organisation=persona_tree.region_north, period=june)
    assert report.pipeline["sympathisers"] == 0
    assert report.pipeline["awareness_attendees"] == 1
    dossier.refresh_from_db()
    assert dossier.enrolment is None
    assert Enrolment.objects.filter(person=person).count() == 3
    assert sorted(
        AuditEvent.objects.filter(action__startswith="training.enrolment.certificate_").values_list(
            "action", flat=True
        )
    ) == ["training.enrolment.certificate_corrected", "training.enrolment.certificate_revoked"]


def test_removing_a_student_keeps_history_and_they_can_come_back(persona_tree, admin, klass):
    person = PersonFactory(organisation=persona_tree.branch)
    enrolment = services.enrol_person(klass, person=person, actor=admin)
    removed = services.remove_enrolment(enrolment, reason="Nhập nhầm người", actor=admin)
    assert removed.removed and removed.supersedes_id == enrolment.pk
    assert not Enrolment.objects.active().filter(person=person).exists()
    with pytest.raises(DomainError) as refusal:
        services.remove_enrolment(enrolment, reason="Lần nữa", actor=admin)
    assert refusal.value.rule == "enrolment_current"
    back = services.enrol_person(klass, person=person, actor=admin)
    assert back.supersedes_id == removed.pk
    assert Enrolment.objects.active().get(person=person) == back


def test_class_correction_and_cancellation_are_recorded_with_reasons(persona_tree, admin, klass):
    services.correct_class(
        klass,
        name="Lớp nhận thức khóa 4 (2026)",
        start_date=D(2026, 6, 2),
        end_date=D(2026, 6, 6),
        reason="Sai ngày khai giảng",
        actor=admin,
    )
    correction = klass.corrections.get()
    assert correction.before["start_date"] == "2026-06-01"
    assert correction.after["start_date"] == "2026-06-02"
    enrolment = services.enrol_person(
        klass, person=PersonFactory(organisation=persona_tree.branch), actor=admin
    )
    services.complete_enrolment(
        enrolment, certificate_number="1", certificate_date=D(2026, 6, 7), actor=admin
    )
    with pytest.raises(DomainError) as refusal:
        services.cancel_class(klass, reason="Không mở được", actor=admin)
    assert refusal.value.rule == "class_cancel_certificates"
    with pytest.raises(DomainError) as refusal:
        services.correct_class(
            klass,
            name=klass.name,
            start_date=D(2026, 6, 2),
            end_date=D(2026, 6, 10),
            reason="Kéo dài",
            actor=admin,
        )
    assert refusal.value.rule == "certificate_date"
    services.close_class(klass, actor=admin)
    klass.refresh_from_db()
    assert klass.status == TrainingClass.Status.CLOSED
    with pytest.raises(DomainError) as refusal:
        services.enrol_person(
            klass, person=PersonFactory(organisation=persona_tree.branch), actor=admin
        )
    assert refusal.value.rule == "class_open"


def test_a_cell_proposes_and_the_centre_accepts(persona_tree, admin, klass):
    secretary = persona_tree.users["branch_secretary"]
    centre = persona_tree.users["training_centre"]
    person = PersonFactory(organisation=persona_tree.branch, full_name="Hờ Thị Đề")
    proposal = services.propose_person(klass, person=person, actor=secretary)
    with pytest.raises(DomainError) as refusal:
        services.propose_person(klass, person=person, actor=secretary)
    assert refusal.value.rule == "unique_pending_proposal"
    # the centre sees it on its worklist
    items = [i for i in collect(centre, D(2026, 6, 30)) if i.kind == "training.proposals"]
    assert [(i.subject, i.detail) for i in items] == [("Lớp nhận thức khóa 4", "1 người chờ duyệt")]
    services.decide_proposal(proposal, accept=True, actor=centre)
    proposal.refresh_from_db()
    assert proposal.status == ClassProposal.Status.ACCEPTED
    assert Enrolment.objects.active().filter(person=person, training_class=klass).exists()


def test_the_centre_worklist_shows_results_to_record_then_the_class_to_close(
    persona_tree, admin, klass
):
    centre = persona_tree.users["training_centre"]
    enrolment = services.enrol_person(
        klass, person=PersonFactory(organisation=persona_tree.branch), actor=admin
    )
    day = D(2026, 6, 30)
    work = [i for i in collect(centre, day) if i.kind.startswith("training.")]
    assert [(i.kind, i.detail, i.due) for i in work] == [
        ("training.results_due", "1 chưa có kết quả, 0 chờ cấp giấy", D(2026, 6, 5))
    ]
    services.record_results(klass, enrolment_ids=[enrolment.pk], result="passed", actor=admin)
    work = [i for i in collect(centre, day) if i.kind.startswith("training.")]
    assert [i.detail for i in work] == ["0 chưa có kết quả, 1 chờ cấp giấy"]
    services.complete_enrolment(
        enrolment, certificate_number="5", certificate_date=day, actor=admin
    )
    work = [i for i in collect(centre, day) if i.kind.startswith("training.")]
    assert [i.kind for i in work] == ["training.class_to_close"]
    # a cell secretary runs no class: nothing of training on their worklist
    assert not [
        i
        for i in collect(persona_tree.users["branch_secretary"], day)
        if i.kind.startswith("training.")
    ]


def test_the_api_runs_the_roster_and_refuses_a_future_certificate(client_for, persona_tree, klass):
    client = client_for("training_centre")
    people = [PersonFactory(organisation=persona_tree.branch) for _ in range(3)]
    base = f"/api/v1/training/classes/{klass.pk}"
    response = client.post(
        f"{base}/enrolments/bulk",
        {"person_ids": [p.pk for p in people]},
        content_type="application/json",
    )
    assert response.status_code == 201
    ids = [row["id"] for row in response.json()]
    again = client.post(
        f"{base}/enrolments/bulk",
        {"person_ids": [p.pk for p in people]},
        content_type="application/json",
    )
    assert again.status_code == 200  # a repeat enrols nobody and answers with the rows in force
    assert sorted(row["id"] for row in again.json()) == sorted(ids)
    response = client.post(
        f"{base}/certificates",
        {"enrolment_ids": ids, "first_number": "01", "certificate_date": "2026-07-15"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "date_not_future"
    response = client.post(
        f"{base}/certificates",
        {"enrolment_ids": ids, "first_number": "01", "certificate_date": "2026-06-30"},
        content_type="application/json",
    )
    assert sorted(row["certificate_number"] for row in response.json()) == ["01", "02", "03"]
    response = client.post(
        f"{base}/enrolments/{ids[0]}/revoke",
        {"reason": "Cấp nhầm"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["completed"] is False
    assert Enrolment.objects.certificates().filter(training_class=klass).count() == 2


def test_the_database_refuses_a_second_current_row_with_the_same_number(persona_tree, admin, klass):
    from django.db import IntegrityError, transaction

    first, second = (
        services.enrol_person(
            klass, person=PersonFactory(organisation=persona_tree.branch), actor=admin
        )
        for _ in range(2)
    )
    services.complete_enrolment(
        first, certificate_number="X1", certificate_date=D(2026, 6, 6), actor=admin
    )
    # what two simultaneous issues would write, past the service's own check
    second.completed, second.certificate_number = True, "X1"
    second.issuing_body = klass.organiser
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save(update_fields=["completed", "certificate_number", "issuing_body"])


def test_a_cell_sees_the_class_open_to_it_with_only_its_people(
    client_for, persona_tree, admin, klass
):
    mine = PersonFactory(organisation=persona_tree.branch, full_name="Người Của Thôn Một")
    other = PersonFactory(organisation=persona_tree.branch_two, full_name="Người Của Thôn Hai")
    services.enrol_people(klass, people=[mine, other], actor=admin)
    client = client_for("branch_secretary")
    assert "Lớp nhận thức khóa 4" in client.get("/training/").content.decode()
    page = client.get(f"/training/{klass.pk}/").content.decode()
    assert "Người Của Thôn Một" in page and "Người Của Thôn Hai" not in page
    assert "Đề nghị cử người đi học" in page and "Cấp giấy chứng nhận" not in page
    # the sibling region's board does not see the class at all
    assert client_for("outsider").get(f"/training/{klass.pk}/").status_code == 404
