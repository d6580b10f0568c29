import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

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
BORN = D(1998, 3, 15)
OPENED = D(2026, 1, 5)
CERT = D(2026, 1, 10)


@pytest.fixture
def secretary(persona_tree):
    return persona_tree.users["branch_secretary"]


def new_dossier(cell, actor, *, born=BORN, opened=OPENED, **person):
    candidate = PersonFactory(organisation=cell, date_of_birth=born, **person)
    return services.open_dossier(person=candidate, organisation=cell, date=opened, actor=actor)


def at_opinions(cell, admin, *, born=BORN, cert=CERT, **person):
    dossier = new_dossier(cell, admin, born=born, **person)
    certificate = make_certificate(dossier.person, cell, cert)
    introducers = make_officials(cell, 2)
    return walk(
        dossier,
        to=Stage.OPINIONS,
        actor=admin,
        start=D(2026, 1, 12),
        introducers=introducers,
        certificate=certificate,
    )


def cell_vote(dossier, actor, day, votes_for, votes_against=0, **kw):
    return services.record_step(
        dossier,
        stage=Stage.CELL_VOTE,
        date=day,
        actor=actor,
        votes_for=votes_for,
        votes_against=votes_against,
        document_number="6-KNĐ",
        **kw,
    )


# --- order, dates, stops ---------------------------------------------------------------------


def test_open_dossier_records_the_outstanding_step_and_helpers(cell, admin):
    helper = make_official(cell)
    candidate = PersonFactory(organisation=cell)
    dossier = services.open_dossier(
        person=candidate, organisation=cell, date=D(2026, 1, 5), actor=admin, helpers=[helper]
    )
    assert dossier.stage == Stage.OUTSTANDING
    assert Step.objects.get(dossier=dossier).rule_set.name.startswith("Quy định 294")
    assert dossier.participants.get().role == Participant.Role.HELPER
    assert AuditEvent.objects.filter(action="admissions.dossier.opened").count() == 1


def test_helper_must_be_official(cell, admin):
    candidate = PersonFactory(organisation=cell)
    not_member = PersonFactory(organisation=cell)
    with pytest.raises(DomainError) as err:
        services.open_dossier(
            person=candidate,
            organisation=cell,
            date=D(2026, 1, 5),
            actor=admin,
            helpers=[not_member],
        )
    assert err.value.rule == "official_member"
    assert not Dossier.objects.exists()


def test_steps_in_order_only(cell, admin):
    dossier = new_dossier(cell, admin)
    with pytest.raises(DomainError) as err:
        services.record_step(dossier, stage=Stage.APPLICATION, date=D(2026, 2, 1), actor=admin)
    assert err.value.rule == "stage_order"
    assert "Học lớp nhận thức về Đảng" in err.value.message
    assert Step.objects.filter(dossier=dossier).count() == 1


def test_date_not_before_previous_step(cell, admin):
    dossier = new_dossier(cell, admin)
    make_certificate(dossier.person, cell, D(2026, 1, 2))
    with pytest.raises(DomainError) as err:
        services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 1, 4), actor=admin)
    assert err.value.rule == "step_date_order"
    assert "05/01/2026" in err.value.message
    services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 1, 5), actor=admin)


def test_date_not_in_the_future(cell, admin, today):
    dossier = new_dossier(cell, admin)
    make_certificate(dossier.person, cell, D(2026, 1, 2))
    with pytest.raises(DomainError) as err:
        services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 7, 1), actor=admin)
    assert err.value.rule == "date_not_future"


def test_same_step_twice_is_refused(cell, admin):
    dossier = new_dossier(cell, admin)
    make_certificate(dossier.person, cell, D(2026, 1, 2))
    services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 1, 6), actor=admin)
    with pytest.raises(DomainError) as err:
        services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 1, 6), actor=admin)
    assert "đã được ghi" in err.value.message
    assert Step.objects.filter(dossier=dossier, stage=Stage.CLASS).count() == 1


def test_stop_keeps_history_and_allows_a_new_attempt(cell, admin):
    dossier = new_dossier(cell, admin)
    services.stop_dossier(
        dossier, reason="moved_away", date=D(2026, 2, 1), note="Đi làm ở Bình Dương", actor=admin
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED
    assert dossier.steps.count() == 1
    with pytest.raises(DomainError):
        services.record_step(dossier, stage=Stage.CLASS, date=D(2026, 2, 2), actor=admin)
    again = services.open_dossier(
        person=dossier.person, organisation=cell, date=D(2026, 3, 1), actor=admin
    )
    assert again.pk != dossier.pk
    assert Dossier.objects.filter(person=dossier.person).count() == 2


def test_stop_needs_a_reason(cell, admin):
    dossier = new_dossier(cell, admin)
    with pytest.raises(DomainError):
        services.stop_dossier(
            dossier, reason="withdrawn", date=D(2026, 2, 1), note=" ", actor=admin
        )
    with pytest.raises(DomainError):
        services.stop_dossier(dossier, reason="bored", date=D(2026, 2, 1), note="x", actor=admin)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OPEN


def test_one_open_dossier_per_person(cell, admin):
    dossier = new_dossier(cell, admin)
    with pytest.raises(DomainError) as err:
        services.open_dossier(
            person=dossier.person, organisation=cell, date=D(2026, 1, 6), actor=admin
        )
    assert err.value.rule == "one_open_dossier"


def test_roles_are_checked(cell, secretary, persona_tree):
    with pytest.raises(PermissionDenied):
        new_dossier(persona_tree.branch_south, secretary)
    dossier = new_dossier(cell, secretary)
    assert dossier.organisation == cell


# --- eligibility boundaries -------------------------------------------------------------------

VOTE_DAY = D(2026, 3, 2)


def test_age_18_years_0_months_passes(cell, admin):
    dossier = at_opinions(cell, admin, born=D(2008, 3, 2))
    step = cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell))
    assert isinstance(step, Step)


def test_age_17_years_11_months_fails(cell, admin):
    dossier = at_opinions(cell, admin, born=D(2008, 3, 3))
    with pytest.raises(DomainError) as err:
        cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell))
    assert err.value.rule == "age_min_months"
    assert "17 tuổi 11 tháng" in err.value.message
    assert err.value.found == "215 tháng"
    assert err.value.required == "≥ 216 tháng"
    assert not Step.objects.filter(dossier=dossier, stage=Stage.CELL_VOTE).exists()


def test_age_60_years_0_months_passes(cell, admin):
    dossier = at_opinions(cell, admin, born=D(1966, 3, 2))
    assert isinstance(cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell)), Step)


def test_age_60_years_1_month_needs_a_recorded_approval(cell, admin):
    dossier = at_opinions(cell, admin, born=D(1966, 2, 2))
    with pytest.raises(DomainError) as err:
        cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell))
    assert err.value.rule == "age_max_months"
    assert "60 tuổi 1 tháng" in err.value.message
    services.record_approval(
        dossier,
        kind="over_age",
        issuing_body="Ban Thường vụ Tỉnh ủy",
        document_number="123-CV/TU",
        date=D(2026, 2, 20),
        actor=admin,
    )
    assert isinstance(cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell)), Step)


def test_certificate_exactly_60_months_passes_and_one_more_day_fails(cell, admin):
    ok = at_opinions(cell, admin, cert=D(2021, 3, 2))
    # walk() recorded the class stage with this certificate; the vote is 60 months later.
    assert isinstance(cell_vote(ok, admin, VOTE_DAY, votes_for=ok_count(cell)), Step)
    late = at_opinions(cell, admin, cert=D(2021, 3, 1))
    with pytest.raises(DomainError) as err:
        cell_vote(late, admin, VOTE_DAY, votes_for=ok_count(cell))
    assert err.value.rule == "certificate_valid_months"
    assert "01/03/2021" in err.value.message
    assert "01/03/2026" in err.value.message


def ok_count(cell):
    return services.count_official_members(cell, VOTE_DAY)


def test_education_lower_secondary_with_disadvantaged_area_exception(persona_tree, cell, admin):
    # CB01 lies under commune X01, a disadvantaged area: primary is enough.
    dossier = at_opinions(persona_tree.branch, admin, general_education="primary")
    assert isinstance(cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell)), Step)
    # CB03 lies under X02 (not disadvantaged): primary fails.
    south = persona_tree.branch_south
    dossier = at_opinions(south, admin, general_education="primary")
    with pytest.raises(DomainError) as err:
        cell_vote(dossier, admin, VOTE_DAY, votes_for=2)
    assert err.value.rule == "education_min"
    assert "Tiểu học" in err.value.message and "Trung học cơ sở" in err.value.message


def test_literacy_only_passes_with_a_recorded_approval(cell, admin):
    dossier = at_opinions(cell, admin, general_education="literate")
    with pytest.raises(DomainError) as err:
        cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell))
    assert err.value.rule == "education_min"
    services.record_approval(
        dossier,
        kind="literacy_only",
        issuing_body="Ban Thường vụ Tỉnh ủy",
        document_number="45-CV/TU",
        date=D(2026, 2, 1),
        actor=admin,
    )
    assert isinstance(cell_vote(dossier, admin, VOTE_DAY, votes_for=ok_count(cell)), Step)


def test_cell_vote_6_of_9_passes(cell, admin):
    dossier = at_opinions(cell, admin)
    make_officials(cell, 7)  # 2 introducers + 7 = 9 official members
    step = cell_vote(dossier, admin, VOTE_DAY, votes_for=6, votes_against=1)
    assert isinstance(step, Step)
    assert step.votes_eligible == 9


def test_cell_vote_5_of_8_fails_and_is_recorded(cell, admin):
    dossier = at_opinions(cell, admin)
    make_officials(cell, 6)  # 8 official members
    result = cell_vote(dossier, admin, VOTE_DAY, votes_for=5, votes_against=0)
    assert isinstance(result, FailedVote)
    assert (result.votes_eligible, result.votes_for, result.round) == (8, 5, 1)
    dossier.refresh_from_db()
    assert dossier.stage == Stage.OPINIONS
    assert AuditEvent.objects.filter(action="admissions.vote.failed").count() == 1


def test_cell_vote_counts_all_official_members_not_those_present(cell, admin):
    dossier = at_opinions(cell, admin)
    make_officials(cell, 7)
    with pytest.raises(DomainError) as err:
        cell_vote(dossier, admin, VOTE_DAY, votes_for=6, votes_eligible=7)
    assert err.value.rule == "cell_vote_fraction"
    assert (err.value.found, err.value.required) == (7, 9)


def test_a_member_official_after_the_vote_day_is_not_counted(cell, admin):
    dossier = at_opinions(cell, admin)
    make_official(cell, official_date=D(2026, 3, 3))
    assert services.count_official_members(cell, VOTE_DAY) == 2
    assert isinstance(cell_vote(dossier, admin, VOTE_DAY, votes_for=2), Step)


def test_votes_for_more_than_eligible_is_refused(cell, admin):
    dossier = at_opinions(cell, admin)
    with pytest.raises(DomainError) as err:
        cell_vote(dossier, admin, VOTE_DAY, votes_for=2, votes_against=1)
    assert err.value.rule == "votes_not_more_than_eligible"
    assert not FailedVote.objects.exists()


def test_three_failed_votes_go_up_a_level(cell, admin, secretary):
    dossier = at_opinions(cell, admin)
    make_officials(cell, 1)  # 3 official members
    for day in (D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)):
        assert isinstance(cell_vote(dossier, secretary, day, votes_for=1), FailedVote)
    dossier.refresh_from_db()
    assert dossier.escalated
    with pytest.raises(PermissionDenied):
        cell_vote(dossier, secretary, D(2026, 3, 23), votes_for=3)
    # the superior level (a role that decides) records the outcome
    assert isinstance(cell_vote(dossier, admin, D(2026, 3, 23), votes_for=3), Step)
    dossier.refresh_from_db()
    assert not dossier.escalated


def test_grassroots_vote_needs_two_thirds_of_committee(cell, admin):
    dossier = at_opinions(cell, admin)
    cell_vote(dossier, admin, VOTE_DAY, votes_for=2)
    result = services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 3, 5),
        actor=admin,
        votes_eligible=8,
        votes_for=5,
        votes_against=3,
    )
    assert isinstance(result, FailedVote)
    step = services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 3, 10),
        actor=admin,
        votes_eligible=9,
        votes_for=6,
        votes_against=3,
    )
    assert isinstance(step, Step)


# --- introducers --------------------------------------------------------------------------------


def intro_ready(cell, admin):
    dossier = new_dossier(cell, admin)
    certificate = make_certificate(dossier.person, cell, D(2026, 1, 8))
    return walk(
        dossier, to=Stage.VERIFICATION, actor=admin, start=D(2026, 1, 12), certificate=certificate
    )


def test_introducers_12_months_pass_and_11_fail(cell, admin):
    first, second = make_officials(cell, 2)
    dossier = intro_ready(cell, admin)
    with pytest.raises(DomainError) as err:
        services.record_step(
            dossier,
            stage=Stage.INTRODUCTION,
            date=D(2026, 2, 2),
            actor=admin,
            introducers=[
                {"person": first, "months_together": 12},
                {"person": second, "months_together": 11},
            ],
        )
    assert err.value.rule == "introducer_together_months"
    assert (err.value.found, err.value.required) == ("11 tháng", "≥ 12 tháng")
    step = services.record_step(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        introducers=[
            {"person": first, "months_together": 12},
            {"person": second, "months_together": 12},
        ],
    )
    assert isinstance(step, Step)
    assert dossier.participants.filter(role="introducer").count() == 2


def test_introducer_must_be_official(cell, admin):
    official = make_official(cell)
    probationer = PersonFactory(organisation=cell)
    Membership.objects.create(
        person=probationer,
        organisation=cell,
        admitted_in=cell,
        status="probationary",
        decision_date=D(2025, 10, 1),
        ceremony_date=D(2025, 10, 10),
    )
    dossier = intro_ready(cell, admin)
    with pytest.raises(DomainError) as err:
        services.record_step(
            dossier,
            stage=Stage.INTRODUCTION,
            date=D(2026, 2, 2),
            actor=admin,
            introducers=[
                {"person": official, "months_together": 24},
                {"person": probationer, "months_together": 24},
            ],
        )
    assert err.value.rule == "official_member"
    assert "dự bị" in err.value.message
    assert not dossier.participants.filter(role="introducer").exists()
    assert not Step.objects.filter(dossier=dossier, stage=Stage.INTRODUCTION).exists()


def test_union_committee_plus_one_member(cell, admin):
    official = make_official(cell)
    dossier = intro_ready(cell, admin)
    step = services.record_step(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        union_committee="BCH Đoàn xã Bắc Một",
        document_number="4-KNĐ",
        introducers=[{"person": official, "months_together": 14}],
    )
    assert step.details["union_committee"] == "BCH Đoàn xã Bắc Một"


def test_replacement_introducer_needs_no_12_months(cell, admin):
    first, second = make_officials(cell, 2)
    dossier = intro_ready(cell, admin)
    step = services.record_step(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        introducers=[
            {"person": first, "months_together": 20},
            {"person": second, "months_together": 2, "replacement": True},
        ],
    )
    assert isinstance(step, Step)


# --- deadlines and the ceremony ----------------------------------------------------------------


def test_decision_deadline_is_60_working_days_across_tet(cell, admin):
    # Cell resolution Fri 10/1/2025: 60 working days skip Tết and Hùng Kings day → 14/4/2025.
    dossier = new_dossier(cell, admin, opened=D(2024, 12, 2))
    certificate = make_certificate(dossier.person, cell, D(2024, 12, 3))
    introducers = make_officials(cell, 2)
    walk(
        dossier,
        to=Stage.OPINIONS,
        actor=admin,
        start=D(2024, 12, 4),
        introducers=introducers,
        certificate=certificate,
    )
    cell_vote(dossier, admin, D(2025, 1, 10), votes_for=2)
    dossier.refresh_from_db()
    assert (dossier.next_deadline, dossier.next_deadline_kind) == (D(2025, 4, 14), "decision")
    services.record_extension(
        dossier, working_days=30, document_number="12-CV/TU", date=D(2025, 4, 1), actor=admin
    )
    dossier.refresh_from_db()
    # +30: 30/4, 1/5 and the swapped 2/5 are days off, the make-up Saturday 26/4 is worked
    assert dossier.next_deadline == D(2025, 5, 28)
    with pytest.raises(DomainError) as err:
        services.record_extension(
            dossier, working_days=31, document_number="x", date=D(2025, 4, 1), actor=admin
        )
    assert err.value.rule == "decision_extension_working_days"


def test_ceremony_deadline_30_working_days_across_tet_2026(cell, admin):
    dossier = at_opinions(cell, admin, cert=D(2025, 12, 1))
    cell_vote(dossier, admin, D(2026, 1, 20), votes_for=2)
    services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 1, 22),
        actor=admin,
        votes_eligible=9,
        votes_for=9,
        votes_against=0,
    )
    services.record_step(
        dossier,
        stage=Stage.DECISION,
        date=D(2026, 1, 30),
        actor=admin,
        document_number="99-QĐ/ĐU",
        received_on=D(2026, 2, 2),
    )
    dossier.refresh_from_db()
    assert (dossier.next_deadline, dossier.next_deadline_kind) == (D(2026, 3, 23), "ceremony")
    with pytest.raises(DomainError) as err:
        services.record_step(dossier, stage=Stage.CEREMONY, date=D(2026, 3, 24), actor=admin)
    assert err.value.rule == "ceremony_working_days"
    helper = make_official(cell)
    step = services.record_step(
        dossier, stage=Stage.CEREMONY, date=D(2026, 3, 23), actor=admin, helper=helper
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ADMITTED
    assert dossier.next_deadline is None
    membership = Membership.objects.get(person=dossier.person)
    assert membership.status == "probationary"
    assert membership.decision_number == "99-QĐ/ĐU"
    assert membership.ceremony_date == step.date
    assert membership.probation_end == D(2027, 3, 23)
    assert membership.dossier == dossier


def test_late_decision_requires_a_reason(cell, admin):
    dossier = at_opinions(cell, admin, cert=D(2025, 12, 1))
    cell_vote(dossier, admin, D(2026, 1, 20), votes_for=2)
    services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 1, 22),
        actor=admin,
        votes_eligible=9,
        votes_for=9,
        votes_against=0,
    )
    dossier.refresh_from_db()
    deadline = dossier.next_deadline
    with pytest.raises(DomainError) as err:
        services.record_step(
            dossier,
            stage=Stage.DECISION,
            date=deadline + dt.timedelta(days=1),
            actor=admin,
            document_number="1-QĐ",
        )
    assert err.value.rule == "decision_working_days"
    step = services.record_step(
        dossier,
        stage=Stage.DECISION,
        date=deadline + dt.timedelta(days=1),
        actor=admin,
        document_number="1-QĐ",
        note="Chờ kết quả thẩm tra bổ sung",
    )
    assert step.details["late"] is True


def test_decision_needs_the_deciding_role(cell, admin, secretary):
    dossier = at_opinions(cell, admin)
    cell_vote(dossier, admin, VOTE_DAY, votes_for=2)
    services.record_step(
        dossier,
        stage=Stage.GRASSROOTS_VOTE,
        date=D(2026, 3, 5),
        actor=admin,  # the committee's step (step authority): not the cell secretary's
        votes_eligible=9,
        votes_for=9,
    )
    with pytest.raises(PermissionDenied):
        services.record_step(
            dossier,
            stage=Stage.DECISION,
            date=D(2026, 3, 10),
            actor=secretary,
            document_number="1-QĐ",
        )


def test_certificate_expiry_is_the_deadline_before_the_vote(cell, admin):
    dossier = new_dossier(cell, admin)
    certificate = make_certificate(dossier.person, cell, D(2026, 1, 2))
    services.record_step(
        dossier, stage=Stage.CLASS, date=D(2026, 1, 6), actor=admin, enrolment=certificate
    )
    dossier.refresh_from_db()
    assert (dossier.next_deadline, dossier.next_deadline_kind) == (
        D(2031, 1, 2),
        "certificate_expiry",
    )
