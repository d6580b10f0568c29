"""The screening services: the month's dues and attendance, the three-month alert, the cell's
secret ballot (2/3 of all official members, absent ones counted) and the removal that ends in
the member registry and in the membership figures."""

import datetime as dt

import pytest
import time_machine

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError, Forbidden
from dangvien.core.worklist import collect
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership, MembershipEvent
from dangvien.members.selectors import get_party_age
from dangvien.members.tests.factories import make_member
from dangvien.screening import selectors, services
from dangvien.screening.choices import ActivityStatus, CaseStatus, DuesStatus, RemovalForm
from dangvien.screening.models import MonthRecord, MonthRecordChange, ScreeningCase, ScreeningStep

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
M = lambda month: dt.date(2026, month, 1)  # noqa: E731


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def cell(persona_tree):
    """CB01 with six official members (the denominator of its votes) and one probationer."""
    members = [make_member(persona_tree.branch, full_name=f"Đảng viên {i}") for i in range(6)]
    make_member(
        persona_tree.branch,
        status=MemberStatus.PROBATIONARY,
        decision_date=dt.date(2026, 1, 5),
        full_name="Dự Bị",
    )
    return persona_tree.branch, members


def _months(member, actor, statuses, field="dues"):
    entries = [
        services.MonthEntry(member, M(month), **{field: status})
        for month, status in statuses.items()
    ]
    return services.record_months(entries, actor=actor)


def test_three_unpaid_months_in_a_year_raise_the_alert(cell, branch_secretary):
    _branch, members = cell
    member = members[0]
    # given two unpaid months and one excused: no alert yet
    _months(
        member,
        branch_secretary,
        {2: DuesStatus.UNPAID, 5: DuesStatus.EXCUSED, 6: DuesStatus.UNPAID, 7: DuesStatus.PAID},
    )
    memberships = Membership.objects.filter(pk=member.pk)
    assert selectors.flag_unpaid_dues(memberships, 2026, TODAY) == {}
    # when a third month without reason is recorded
    _months(member, branch_secretary, {9: DuesStatus.UNPAID})
    # then the member is flagged, on the screening list and on the worklist
    flags = selectors.flag_unpaid_dues(memberships, 2026, TODAY)
    assert flags == {member.pk: "3 tháng chưa nộp đảng phí: 02, 06, 09/2026"}
    listed = selectors.list_flagged_members(
        user=branch_secretary, organisation=member.organisation, year=2026, today=TODAY
    )
    assert [(row.membership, [f.code for f in row.flags]) for row in listed] == [(member, ["dues"])]
    items = [i for i in collect(branch_secretary, TODAY) if i.kind == "screening.dues_alert"]
    assert [(i.subject, i.due) for i in items] == [(str(member.person), dt.date(2026, 10, 1))]


def test_unpaid_months_of_another_year_do_not_add_up(cell, branch_secretary):
    _branch, members = cell
    member = members[0]
    services.record_months(
        [
            services.MonthEntry(member, dt.date(2025, 11, 1), DuesStatus.UNPAID),
            services.MonthEntry(member, dt.date(2025, 12, 1), DuesStatus.UNPAID),
            services.MonthEntry(member, M(1), DuesStatus.UNPAID),
        ],
        actor=branch_secretary,
    )
    memberships = Membership.objects.filter(pk=member.pk)
    assert selectors.flag_unpaid_dues(memberships, 2026, TODAY) == {}
    assert selectors.flag_unpaid_dues(memberships, 2025, TODAY) == {}


def test_three_months_without_activity_flag_the_member(cell, branch_secretary):
    _branch, members = cell
    _months(
        members[1],
        branch_secretary,
        {3: ActivityStatus.ABSENT, 4: ActivityStatus.ABSENT, 8: ActivityStatus.ABSENT},
        field="activity",
    )
    flags = selectors.flag_inactive(Membership.objects.all(), 2026, TODAY)
    assert flags == {members[1].pk: "3 tháng không sinh hoạt: 03, 04, 08/2026"}


def test_a_long_lost_contact_is_flagged(cell, branch_secretary, region_officer):
    from dangvien.members.services import change_status

    _branch, members = cell
    change_status(
        members[2],
        status=MemberStatus.LOST_CONTACT,
        date=dt.date(2026, 5, 10),
        actor=region_officer,
    )
    change_status(
        members[3], status=MemberStatus.LOST_CONTACT, date=dt.date(2026, 6, 1), actor=region_officer
    )
    flags = selectors.flag_long_absence(Membership.objects.all(), 2026, TODAY)
    # six months (long_absence_months) before 20/11/2026 is 20/05/2026
    assert list(flags) == [members[2].pk]
    assert "10/05/2026" in flags[members[2].pk]


def test_a_correction_keeps_the_old_value(cell, branch_secretary):
    _branch, members = cell
    _months(members[0], branch_secretary, {4: DuesStatus.UNPAID})
    counts = _months(members[0], branch_secretary, {4: DuesStatus.PAID})
    assert counts == {"created": 0, "changed": 1, "unchanged": 0}
    record = MonthRecord.objects.get(membership=members[0], month=M(4))
    assert record.dues == DuesStatus.PAID
    change = MonthRecordChange.objects.get(record=record)
    assert (change.old_dues, change.new_dues) == (DuesStatus.UNPAID, DuesStatus.PAID)
    assert AuditEvent.objects.filter(action="screening.month_record.saved").count() == 2


def test_months_refused_change_nothing(cell, branch_secretary, outsider):
    _branch, members = cell
    with pytest.raises(DomainError) as err:
        _months(members[0], branch_secretary, {4: DuesStatus.PAID, 12: DuesStatus.PAID})
    assert err.value.rule == "date_not_in_future"
    with pytest.raises(DomainError) as err:
        _months(members[0], branch_secretary, {4: "maybe"})
    assert err.value.rule == "dues_status"
    with pytest.raises(Forbidden):
        _months(members[0], outsider, {4: DuesStatus.PAID})
    assert not MonthRecord.objects.exists()


def _ballot(member, actor, *, votes_for, present, eligible=6, against=0, day=TODAY):
    return services.open_screening_case(
        member,
        date=day,
        votes_for=votes_for,
        votes_against=against,
        present=present,
        votes_eligible=eligible,
        actor=actor,
        document_number="05-BB/CB",
    )


def test_ballot_counts_absent_members_in_the_denominator(cell, branch_secretary):
    _branch, members = cell
    # 5 of 6 official members present, 4 vote for: 4/6 = 2/3 → listed
    case = _ballot(members[0], branch_secretary, votes_for=4, present=5, against=1)
    assert case.status == CaseStatus.HELPING
    assert case.help_until == dt.date(2027, 11, 20)  # screening_help_months = 12
    # 4 of 6 present, all 3 voting for are unanimous among those present but 3/6 < 2/3
    other = _ballot(members[1], branch_secretary, votes_for=3, present=4, against=1)
    assert other.status == CaseStatus.NOT_LISTED
    assert other.closed_on == TODAY
    step = ScreeningStep.objects.get(case=other)
    assert (step.votes_for, step.votes_eligible, step.present, step.passed) == (3, 6, 4, False)


def test_ballot_refuses_a_denominator_without_the_absent(cell, branch_secretary):
    _branch, members = cell
    # the secretary writes the 4 present as the total: refused, the registry has 6
    with pytest.raises(DomainError) as err:
        _ballot(members[0], branch_secretary, votes_for=3, present=4, eligible=4)
    assert err.value.rule == "screening_vote_denominator"
    assert (err.value.found, err.value.required) == (4, 6)
    with pytest.raises(DomainError) as err:
        _ballot(members[0], branch_secretary, votes_for=5, present=4)
    assert err.value.rule == "screening_vote_count"
    assert not ScreeningCase.objects.exists()


def test_one_open_case_per_member(cell, branch_secretary):
    _branch, members = cell
    _ballot(members[0], branch_secretary, votes_for=5, present=6, against=1)
    with pytest.raises(DomainError) as err:
        _ballot(members[0], branch_secretary, votes_for=5, present=6, against=1)
    assert err.value.rule == "one_open_screening_case"
    assert ScreeningCase.objects.count() == 1


def test_the_case_records_its_grounds(cell, branch_secretary):
    _branch, members = cell
    _months(members[0], branch_secretary, {1: "unpaid", 2: "unpaid", 3: "unpaid"})
    case = _ballot(members[0], branch_secretary, votes_for=6, present=6)
    assert [g["code"] for g in case.grounds] == ["dues"]


def test_progress_closes_the_case(cell, branch_secretary):
    _branch, members = cell
    case = _ballot(members[0], branch_secretary, votes_for=6, present=6)
    case = services.record_progress(case, date=TODAY, actor=branch_secretary)
    assert (case.status, case.closed_on) == (CaseStatus.PROGRESSED, TODAY)


def test_removal_ends_in_the_member_registry_and_the_figures(
    cell, branch_secretary, region_officer
):
    from dangvien.reports.periods import build_period
    from dangvien.reports.selectors import get_admission_report

    branch, members = cell
    member = members[0]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        case = _ballot(member, branch_secretary, votes_for=5, present=6, day=dt.date(2026, 3, 2))
    period = build_period("year", year=2026)
    before = get_admission_report(organisation=branch, period=period).membership
    # a failed proposal vote is recorded and the help goes on
    case = services.propose_removal(
        case,
        form=RemovalForm.REMOVED,
        date=dt.date(2026, 10, 1),
        votes_for=3,
        votes_against=3,
        present=6,
        votes_eligible=6,
        actor=branch_secretary,
    )
    assert case.status == CaseStatus.HELPING
    case = services.propose_removal(
        case,
        form=RemovalForm.REMOVED,
        date=dt.date(2026, 11, 5),
        votes_for=4,
        votes_against=1,
        present=5,
        votes_eligible=6,
        actor=branch_secretary,
    )
    assert (case.status, case.removal_form) == (CaseStatus.PROPOSED, RemovalForm.REMOVED)
    # the cell secretary may not decide: the competent committee does
    with pytest.raises(Forbidden):
        services.decide_screening_case(
            case, removed=True, date=TODAY, decision_number="12-QĐ/ĐU", actor=branch_secretary
        )
    case = services.decide_screening_case(
        case, removed=True, date=TODAY, decision_number="12-QĐ/ĐU", actor=region_officer
    )
    assert (case.status, case.closed_on) == (CaseStatus.REMOVED, TODAY)
    member.refresh_from_db()
    assert member.status == MemberStatus.REMOVED
    event = MembershipEvent.objects.filter(membership=member).latest("pk")
    assert (event.status, event.date, event.decision_number) == (
        MemberStatus.REMOVED,
        TODAY,
        "12-QĐ/ĐU",
    )
    # a gap in party age from the removal on
    assert get_party_age(member, on=dt.date(2026, 12, 31)).gaps[-1].start == TODAY
    # one member fewer at the end of the year; the removal counted by form
    after = get_admission_report(organisation=branch, period=period).membership
    assert after["total"] == before["total"] - 1
    assert after["official"] == before["official"] - 1
    figures = selectors.get_screening_figures(
        organisation=branch, start=period.start, end=period.end
    )
    assert figures.removals == {"removed": 1, "expelled": 0, "left": 0}
    assert figures.removals_from_screening == 1
    assert figures.opened == 1 and figures.listed == 1
    assert figures.by_status[CaseStatus.REMOVED] == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "screening.screening_case.opened",
        "screening.screening_case.removal_proposed",
        "screening.screening_case.decided",
        "members.membership.status_changed",
    } <= actions


def test_the_committee_may_keep_the_member(cell, branch_secretary, region_officer):
    _branch, members = cell
    case = _ballot(members[0], branch_secretary, votes_for=6, present=6)
    case = services.propose_removal(
        case,
        form=RemovalForm.EXPELLED,
        date=TODAY,
        votes_for=6,
        votes_against=0,
        present=6,
        votes_eligible=6,
        actor=branch_secretary,
    )
    case = services.decide_screening_case(case, removed=False, date=TODAY, actor=region_officer)
    assert case.status == CaseStatus.KEPT
    members[0].refresh_from_db()
    assert members[0].status == MemberStatus.OFFICIAL


def test_figures_count_dues_alerts_in_a_fixed_number_of_queries(
    cell, branch_secretary, persona_tree, django_assert_num_queries
):
    _branch, members = cell
    for member in members[:3]:
        _months(member, branch_secretary, {1: "unpaid", 2: "unpaid", 3: "unpaid"})
    _months(members[3], branch_secretary, {1: "unpaid", 2: "unpaid"})
    with django_assert_num_queries(7):  # 5 aggregates + the two rule-set reads
        figures = selectors.get_screening_figures(
            organisation=persona_tree.region_north, start=M(1), end=dt.date(2026, 12, 31)
        )
    assert figures.dues_alerts == 3
    assert figures.inactive_alerts == 0


def _grade_kht(cell, member, year, actor):
    from dangvien.grading.services import Entry, record_member_grades

    for step in ("cell_proposal", "approval"):
        record_member_grades(
            cell, year=year, step=step, entries=[Entry(member.pk, "42")], actor=actor
        )


def test_two_kht_years_across_a_transfer_flag_the_member(persona_tree, national_admin):
    from dangvien.members.choices import TransferKind
    from dangvien.members.services import confirm_transfer, start_transfer

    member = make_member(persona_tree.branch, full_name="Hai Năm KHT")
    once = make_member(persona_tree.branch, full_name="Một Năm KHT")
    _grade_kht(persona_tree.branch, member, 2025, national_admin)
    _grade_kht(persona_tree.branch, once, 2025, national_admin)
    # the member moves to CB02 in 2026 and is graded KHT there too
    transfer = start_transfer(
        member,
        to_organisation=persona_tree.branch_two,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2026, 3, 1),
        started_on=dt.date(2026, 3, 2),
        actor=national_admin,
    )
    confirm_transfer(transfer, confirmed_on=dt.date(2026, 3, 10), actor=national_admin)
    _grade_kht(persona_tree.branch_two, member, 2026, national_admin)
    flags = selectors.flag_kht_years(Membership.objects.all(), 2026, TODAY)
    assert flags == {member.pk: "Xếp loại KHT các năm 2025, 2026"}
    # on CB02's screening list (the cell where the member is now)
    listed = selectors.list_flagged_members(
        user=national_admin, organisation=persona_tree.branch_two, year=2026, today=TODAY
    )
    assert [(row.membership, [f.code for f in row.flags]) for row in listed] == [(member, ["kht"])]
