"""One test group per stage handler of ``record_step`` (``services.STAGE_CHECKS`` and
``services.STAGE_EFFECTS``): each refusal names the rule, the value found and the value
required, and leaves nothing behind."""

import datetime as dt

import pytest

from dangvien.admissions import services
from dangvien.admissions.choices import DossierStatus, Stage
from dangvien.admissions.models import Dossier, FailedVote, Participant, Step
from dangvien.admissions.tests.factories import (
    make_certificate,
    make_official,
    make_officials,
    walk,
)
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members.models import Membership
from dangvien.people.tests.factories import PersonFactory

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


def new_dossier(cell, admin):
    candidate = PersonFactory(organisation=cell, date_of_birth=D(1998, 3, 15))
    return services.open_dossier(
        person=candidate, organisation=cell, date=D(2026, 1, 5), actor=admin
    )


def dossier_at(cell, admin, stage):
    dossier = new_dossier(cell, admin)
    return walk(
        dossier,
        to=stage,
        actor=admin,
        start=D(2026, 1, 12),
        introducers=make_officials(cell, 2),
        certificate=make_certificate(dossier.person, cell, D(2026, 1, 10)),
    )


def state(dossier):
    """Everything a refused step could have written."""
    dossier = Dossier.objects.get(pk=dossier.pk)
    return (
        dossier.stage,
        dossier.status,
        dossier.enrolment_id,
        dossier.escalated,
        Step.objects.filter(dossier=dossier).count(),
        FailedVote.objects.filter(dossier=dossier).count(),
        Participant.objects.filter(dossier=dossier).count(),
        Membership.objects.filter(person=dossier.person).count(),
        AuditEvent.objects.count(),
    )


def refused(dossier, **kwargs):
    before = state(dossier)
    with pytest.raises(DomainError) as err:
        services.record_step(dossier, **kwargs)
    assert state(dossier) == before
    return err.value


def test_every_stage_has_exactly_one_check():
    assert set(services.STAGE_CHECKS) == set(Stage)
    assert set(services.STAGE_EFFECTS) == {Stage.INTRODUCTION, Stage.CEREMONY}


# --- stages without a rule of their own ------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.APPLICATION, Stage.VERIFICATION, Stage.OPINIONS])
def test_stages_without_a_rule_record_the_step_as_given(cell, admin, stage):
    previous = services.STAGE_ORDER[services.STAGE_ORDER.index(stage) - 1]
    dossier = dossier_at(cell, admin, previous)
    assert services.STAGE_CHECKS[stage] is services._no_rule
    step = services.record_step(
        dossier, stage=stage, date=D(2026, 2, 2), actor=admin, document_number="X-KNĐ", note="n"
    )
    assert (step.stage, step.document_number, step.note, step.details) == (stage, "X-KNĐ", "n", {})
    assert (step.votes_eligible, step.votes_for, step.votes_against) == (None, None, None)
    dossier.refresh_from_db()
    assert dossier.stage == stage


# --- class -----------------------------------------------------------------------------------


def test_class_without_a_certificate_is_refused(cell, admin):
    dossier = new_dossier(cell, admin)
    error = refused(dossier, stage=Stage.CLASS, date=D(2026, 1, 20), actor=admin)
    assert error.message == f"{dossier.person} chưa hoàn thành lớp bồi dưỡng nhận thức về Đảng."
    assert (error.rule, error.found, error.required, error.field) == (
        "certificate_valid_months",
        "không có giấy chứng nhận",
        "giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
        "enrolment",
    )


def test_class_with_an_expired_certificate_is_refused(cell, admin):
    dossier = new_dossier(cell, admin)
    old = make_certificate(dossier.person, cell, D(2020, 12, 1))
    error = refused(dossier, stage=Stage.CLASS, date=D(2026, 1, 6), actor=admin, enrolment=old)
    assert error.message == (
        "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng cấp ngày 01/12/2020 đã hết giá trị ngày"
        " 01/12/2025 (60 tháng); ngày 06/01/2026 đã quá hạn, phải học lại lớp."
    )
    assert (error.rule, error.found, error.required, error.field) == (
        "certificate_valid_months",
        "01/12/2020",
        "không quá 60 tháng (đến 01/12/2025)",
        "enrolment",
    )


def test_class_takes_the_latest_certificate_and_its_number(cell, admin):
    dossier = new_dossier(cell, admin)
    certificate = make_certificate(dossier.person, cell, D(2026, 1, 8), number="GCN-77")
    step = services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 1, 9), actor=admin)
    dossier.refresh_from_db()
    assert dossier.enrolment == certificate
    assert step.document_number == "GCN-77"
    event = AuditEvent.objects.filter(action="admissions.step.recorded").get()
    assert event.data["document_number"] == "GCN-77"


# --- introduction ----------------------------------------------------------------------------


def test_introduction_with_one_member_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    introducer = make_official(cell)
    error = refused(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        introducers=[{"person": introducer, "months_together": 24}],
    )
    assert error.message == "Người giới thiệu phải là 2 đảng viên chính thức; đã nhập 1 người."
    assert (error.rule, error.found, error.required) == ("introducer_count", 1, 2)


def test_introducer_with_11_months_together_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    first, second = make_officials(cell, 2)
    error = refused(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        introducers=[
            {"person": first, "months_together": 24},
            {"person": second, "months_together": 11},
        ],
    )
    assert error.message == (
        f"Người giới thiệu {second} mới cùng công tác, học tập hoặc cư trú với người xin vào"
        " Đảng 11 tháng; quy định ít nhất 12 tháng."
    )
    assert (error.rule, error.found, error.required) == (
        "introducer_together_months",
        "11 tháng",
        "≥ 12 tháng",
    )


def test_introduction_records_the_introducers_after_the_step(cell, admin):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    first, second = make_officials(cell, 2)
    step = services.record_step(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        introducers=iter(
            [{"person": first, "months_together": 12}, {"person": second, "months_together": 30}]
        ),
    )
    assert step.details == {"union_committee": ""}
    introducers = Participant.objects.filter(dossier=dossier, role=Participant.Role.INTRODUCER)
    assert sorted(introducers.values_list("person_id", "months_together", "assigned_on")) == sorted(
        [(first.pk, 12, D(2026, 2, 2)), (second.pk, 30, D(2026, 2, 2))]
    )


# --- cell vote -------------------------------------------------------------------------------


def test_cell_vote_on_those_present_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.OPINIONS)
    make_officials(cell, 1)  # 2 introducers + 1 = 3 official members
    error = refused(
        dossier,
        stage=Stage.CELL_VOTE,
        date=D(2026, 2, 20),
        actor=admin,
        votes_eligible=2,
        votes_for=2,
    )
    assert error.message == (
        "Tổng số đảng viên chính thức của chi bộ ngày 20/02/2026 là 3, không phải 2; tỷ lệ tính"
        " trên tổng số đảng viên chính thức, không phải số có mặt."
    )
    assert (error.rule, error.found, error.required, error.field) == (
        "cell_vote_fraction",
        2,
        3,
        "votes_eligible",
    )


def test_cell_vote_under_two_thirds_is_a_failed_vote_not_a_step(cell, admin):
    dossier = dossier_at(cell, admin, Stage.OPINIONS)
    make_officials(cell, 1)  # 3 official members
    result = services.record_step(
        dossier, stage=Stage.CELL_VOTE, date=D(2026, 2, 20), actor=admin, votes_for=1
    )
    assert isinstance(result, FailedVote)
    assert (result.votes_eligible, result.votes_for, result.votes_against) == (3, 1, 0)
    assert not Step.objects.filter(dossier=dossier, stage=Stage.CELL_VOTE).exists()
    event = AuditEvent.objects.get(action="admissions.vote.failed")
    assert event.data["message"] == (
        "Chi bộ biểu quyết đề nghị kết nạp: 1/3 tán thành, chưa đạt; cần ít nhất 2/3 phiếu"
        " tán thành, bằng 2/3 số đảng viên chính thức của chi bộ."
    )


def test_cell_vote_counts_the_official_members_itself(cell, admin):
    dossier = dossier_at(cell, admin, Stage.OPINIONS)
    step = services.record_step(
        dossier, stage=Stage.CELL_VOTE, date=D(2026, 2, 20), actor=admin, votes_for=2
    )
    assert (step.votes_eligible, step.votes_for, step.votes_against) == (2, 2, 0)
    event = AuditEvent.objects.filter(action="admissions.step.recorded").latest("pk")
    assert event.data["votes"] == [2, 2, None]


# --- grassroots vote -------------------------------------------------------------------------


def test_grassroots_vote_without_the_totals_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.CELL_VOTE)
    error = refused(
        dossier, stage=Stage.GRASSROOTS_VOTE, date=D(2026, 2, 2), actor=admin, votes_for=5
    )
    assert error.message == "Phải nhập tổng số có quyền biểu quyết và số tán thành."
    assert (error.rule, error.field) == ("votes_required", "votes_for")


def test_grassroots_votes_above_the_committee_are_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.CELL_VOTE)
    error = refused(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 2, 2),
        actor=admin,
        votes_eligible=9,
        votes_for=7,
        votes_against=3,
    )
    assert error.message == (
        "Số tán thành (7) cộng số không tán thành (3) vượt tổng số có quyền biểu quyết (9)."
    )
    assert (error.rule, error.found, error.required) == ("votes_not_more_than_eligible", 10, "≤ 9")


def test_grassroots_vote_under_two_thirds_is_a_failed_vote(cell, admin):
    dossier = dossier_at(cell, admin, Stage.CELL_VOTE)
    result = services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 2, 2),
        actor=admin,
        votes_eligible=9,
        votes_for=5,
        votes_against=4,
    )
    assert isinstance(result, FailedVote)
    assert (result.stage, result.round, result.votes_for) == (Stage.GRASSROOTS_VOTE, 1, 5)
    dossier.refresh_from_db()
    assert dossier.stage == Stage.CELL_VOTE


# --- decision --------------------------------------------------------------------------------


def test_decision_without_a_number_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.GRASSROOTS_VOTE)
    error = refused(dossier, stage=Stage.DECISION, date=D(2026, 2, 2), actor=admin)
    assert error.message == "Phải ghi số quyết định kết nạp."
    assert (error.rule, error.field) == ("decision_number", "document_number")


def test_decision_received_before_it_was_made_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.GRASSROOTS_VOTE)
    error = refused(
        dossier,
        stage=Stage.DECISION,
        date=D(2026, 2, 2),
        actor=admin,
        document_number="1-QĐ",
        received_on=D(2026, 2, 1),
    )
    assert error.message == (
        "Ngày chi bộ nhận quyết định (01/02/2026) không được trước ngày quyết định (02/02/2026)."
    )
    assert (error.rule, error.field) == ("step_date_order", "received_on")


def test_late_decision_without_a_reason_names_the_deadline(cell, admin):
    dossier = dossier_at(cell, admin, Stage.GRASSROOTS_VOTE)
    cell_vote = Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE)
    assert cell_vote.date == D(2026, 1, 17)
    # 60 working days from Saturday 17/01/2026, across the Tết 2026 week → Friday 17/04/2026
    assert dossier.next_deadline == D(2026, 4, 17)
    error = refused(
        dossier, stage=Stage.DECISION, date=D(2026, 4, 20), actor=admin, document_number="1-QĐ"
    )
    assert error.message == (
        "Quyết định ngày 20/04/2026 quá hạn 60 ngày làm việc kể từ nghị quyết chi bộ"
        " (17/01/2026; hạn 17/04/2026); phải ghi rõ lý do chậm vào ghi chú."
    )
    assert (error.rule, error.found, error.required, error.field) == (
        "decision_working_days",
        "20/04/2026",
        "đến 17/04/2026",
        "note",
    )


def test_decision_in_time_records_its_deadline(cell, admin):
    dossier = dossier_at(cell, admin, Stage.GRASSROOTS_VOTE)
    step = services.record_step(
        dossier,
        stage=Stage.DECISION,
        date=D(2026, 2, 2),
        actor=admin,
        document_number="1-QĐ",
        received_on=D(2026, 2, 3),
    )
    assert step.details["deadline"] == "2026-04-17"
    assert step.details["decided_by"]["code"] == "X01"  # the commune committee, 294-QĐ/TW
    assert step.received_on == D(2026, 2, 3)


# --- ceremony --------------------------------------------------------------------------------


def test_late_ceremony_without_the_consent_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.DECISION)
    decision = Step.objects.get(dossier=dossier, stage=Stage.DECISION)
    assert decision.date == D(2026, 1, 19)
    # 30 working days from Monday 19/01/2026, across the Tết 2026 week → Monday 09/03/2026
    assert dossier.next_deadline == D(2026, 3, 9)
    error = refused(dossier, stage=Stage.CEREMONY, date=D(2026, 3, 10), actor=admin)
    assert error.message == (
        "Lễ kết nạp ngày 10/03/2026 quá hạn 30 ngày làm việc kể từ ngày nhận quyết định"
        " (19/01/2026; hạn 09/03/2026); phải ghi văn bản đồng ý của cấp ủy cấp trên vào ghi chú."
    )
    assert (error.rule, error.found, error.required, error.field) == (
        "ceremony_working_days",
        "10/03/2026",
        "đến 09/03/2026",
        "note",
    )


def test_ceremony_helper_who_is_not_a_member_is_refused(cell, admin):
    dossier = dossier_at(cell, admin, Stage.DECISION)
    helper = PersonFactory(organisation=cell)
    error = refused(dossier, stage=Stage.CEREMONY, date=D(2026, 2, 2), actor=admin, helper=helper)
    assert error.message == (
        f"Đảng viên giúp đỡ {helper} phải là đảng viên chính thức vào ngày 02/02/2026; hiện tại:"
        " chưa là đảng viên."
    )
    assert (error.rule, error.found, error.required, error.field) == (
        "official_member",
        "chưa là đảng viên",
        "đảng viên chính thức",
        "helpers",
    )


def test_ceremony_admits_the_person_and_closes_the_dossier(cell, admin):
    dossier = dossier_at(cell, admin, Stage.DECISION)
    helper = make_official(cell)
    step = services.record_step(
        dossier, stage=Stage.CEREMONY, date=D(2026, 2, 2), actor=admin, helper=helper
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.closed_on, dossier.stage) == (
        DossierStatus.ADMITTED,
        D(2026, 2, 2),
        Stage.CEREMONY,
    )
    membership = Membership.objects.get(person=dossier.person)
    assert (membership.ceremony_date, membership.probation_end) == (step.date, D(2027, 2, 2))
    assert Participant.objects.filter(
        dossier=dossier, person=helper, role=Participant.Role.HELPER
    ).exists()


def test_introduction_by_the_union_committee_needs_its_number_of_members(cell, admin):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    first, second = make_officials(cell, 2)
    error = refused(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        union_committee="BCH Đoàn xã Bắc Một",
        introducers=[
            {"person": first, "months_together": 24},
            {"person": second, "months_together": 24},
        ],
    )
    assert error.message == (
        "Người giới thiệu phải là ban chấp hành đoàn cơ sở (hoặc công đoàn cơ sở) và 1 đảng viên"
        " chính thức; đã nhập 2 người."
    )
    assert (error.rule, error.found, error.required) == ("introducer_count", 2, 1)
