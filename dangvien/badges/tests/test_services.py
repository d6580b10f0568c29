"""Party badges: the due list by award day with party age counted with its gaps, the early
award for the seriously ill, the register and its counts."""

import datetime as dt

import pytest
import time_machine

from dangvien.audit.models import AuditEvent
from dangvien.badges import selectors, services
from dangvien.badges.models import BadgeAward, BadgeProposal
from dangvien.core.errors import DomainError, Forbidden
from dangvien.members.choices import MemberStatus
from dangvien.members.services import change_status
from dangvien.members.tests.factories import make_member

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0), tick=False):
        yield


def test_award_days_and_milestones_come_from_the_rule_set():
    assert selectors.award_dates(2027) == [
        D(2027, 2, 3),
        D(2027, 5, 19),
        D(2027, 9, 2),
        D(2027, 11, 7),
    ]
    assert selectors.milestones(D(2026, 1, 1)) == [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
    assert selectors.next_award_date(D(2026, 11, 20)) == D(2027, 2, 3)
    assert selectors.previous_award_date(D(2027, 2, 3)) == D(2026, 11, 7)
    assert selectors.early_months(65, D(2026, 1, 1)) == 12
    assert selectors.early_months(70, D(2026, 1, 1)) == 24


def test_a_gap_in_party_age_delays_the_badge(persona_tree, region_officer):
    branch = persona_tree.branch
    # admitted 10/01/1996; lost contact for one year (01/01/2000 – 01/01/2001)
    member = make_member(branch, decision_date=D(1996, 1, 10), full_name="Có Gián Đoạn")
    change_status(
        member, status=MemberStatus.LOST_CONTACT, date=D(2000, 1, 1), actor=region_officer
    )
    change_status(member, status=MemberStatus.OFFICIAL, date=D(2001, 1, 1), actor=region_officer)
    steady = make_member(branch, decision_date=D(1996, 1, 10), full_name="Liên Tục")

    due_2026 = selectors.list_badges_due(
        user=region_officer, organisation=branch, award_date=D(2026, 2, 3)
    )
    # without the gap: 30 years on 03/02/2026; with it: 29 years, not yet
    assert [(row.membership, row.milestone) for row in due_2026] == [(steady, 30)]
    due_2027 = selectors.list_badges_due(
        user=region_officer, organisation=branch, award_date=D(2027, 2, 3)
    )
    rows = {row.membership: row for row in due_2027}
    assert rows[member].milestone == 30
    assert (rows[member].party_age.years, rows[member].party_age.months) == (30, 0)
    assert rows[member].new  # reached since the previous award day (07/11/2026)
    assert len(rows[member].party_age.gaps) == 1
    assert not rows[steady].new  # owed since 03/02/2026, still not awarded
    # proposing the gapped member a year early is refused, naming the party age with gaps
    with pytest.raises(DomainError) as err:
        services.propose_badge(member, milestone=30, award_date=D(2026, 2, 3), actor=region_officer)
    assert err.value.rule == "badge_milestones"
    assert err.value.found == "29 năm 0 tháng"
    assert err.value.required == "30 năm 0 tháng"


def test_early_award_for_the_seriously_ill(persona_tree, branch_secretary):
    branch = persona_tree.branch
    # 29 years 3 months on 02/09/2026: within the 12 months of an early 30-year badge
    ill = make_member(branch, decision_date=D(1997, 6, 1), full_name="Ốm Nặng")
    with pytest.raises(DomainError):
        services.propose_badge(ill, milestone=30, award_date=D(2026, 9, 2), actor=branch_secretary)
    proposal = services.propose_badge(
        ill,
        milestone=30,
        award_date=D(2026, 9, 2),
        actor=branch_secretary,
        early_reason="Ốm nặng, điều trị dài ngày",
    )
    assert proposal.early
    assert (proposal.party_age_years, proposal.party_age_months) == (29, 3)
    # 13 months short is beyond the 12-month window
    too_early = make_member(branch, decision_date=D(1997, 9, 10), full_name="Quá Sớm")
    with pytest.raises(DomainError) as err:
        services.propose_badge(
            too_early,
            milestone=30,
            award_date=D(2026, 9, 2),
            actor=branch_secretary,
            early_reason="Ốm",
        )
    assert err.value.rule == "badge_early_months"
    assert err.value.required == "29 năm 0 tháng"
    # from 70 years the window is 24 months: 68 years on 19/05/2026 is enough
    elder = make_member(branch, decision_date=D(1958, 5, 19), full_name="Cụ Bảy Mươi")
    proposal = services.propose_badge(
        elder, milestone=70, award_date=D(2026, 5, 19), actor=branch_secretary, early_reason="Ốm"
    )
    assert proposal.early and proposal.party_age_years == 68
    # the early proposal shows on the due list of its award day
    due = selectors.list_badges_due(
        user=branch_secretary, organisation=branch, award_date=D(2026, 9, 2)
    )
    assert [(r.membership, r.milestone, r.proposal.early) for r in due if r.proposal] == [
        (elder, 70, True),
        (ill, 30, True),
    ]


def test_a_badge_is_awarded_once_and_counted(persona_tree, branch_secretary, region_officer):
    branch = persona_tree.branch
    member = make_member(branch, decision_date=D(1985, 3, 1), full_name="Bốn Mươi Năm")
    proposal = services.propose_badge(
        member, milestone=40, award_date=D(2026, 5, 19), actor=branch_secretary
    )
    with pytest.raises(Forbidden):
        services.award_badge(
            member,
            milestone=40,
            award_date=D(2026, 5, 19),
            badge_number="40-001",
            decision_number="12-QĐ/TU",
            decision_date=D(2026, 5, 10),
            actor=branch_secretary,
        )
    award = services.award_badge(
        member,
        milestone=40,
        award_date=D(2026, 5, 19),
        badge_number="40-001",
        decision_number="12-QĐ/TU",
        decision_date=D(2026, 5, 10),
        actor=region_officer,
    )
    proposal.refresh_from_db()
    assert proposal.status == BadgeProposal.Status.AWARDED
    assert award.proposal == proposal
    with pytest.raises(DomainError) as err:
        services.award_badge(
            member,
            milestone=40,
            award_date=D(2026, 5, 19),
            badge_number="40-002",
            decision_number="12-QĐ/TU",
            decision_date=D(2026, 5, 10),
            actor=region_officer,
        )
    assert err.value.rule == "one_badge_per_milestone"
    other = make_member(branch, decision_date=D(1985, 3, 1), full_name="Trùng Số")
    with pytest.raises(DomainError) as err:
        services.award_badge(
            other,
            milestone=40,
            award_date=D(2026, 5, 19),
            badge_number="40-001",
            decision_number="12-QĐ/TU",
            decision_date=D(2026, 5, 10),
            actor=region_officer,
        )
    assert err.value.rule == "unique_badge_number"
    assert BadgeAward.objects.count() == 1
    counts = selectors.count_badges_awarded(
        organisation=persona_tree.region_north, start=D(2026, 1, 1), end=D(2026, 12, 31)
    )
    assert counts[40] == 1 and sum(counts.values()) == 1
    # once awarded, the member is no longer due for 40 years
    due = selectors.list_badges_due(
        user=region_officer, organisation=branch, award_date=D(2026, 9, 2)
    )
    assert member not in [row.membership for row in due]
    assert other in [row.membership for row in due]
    assert AuditEvent.objects.filter(action="badges.badge_award.recorded").count() == 1


def test_award_day_must_be_one_of_the_rule_set(persona_tree, branch_secretary):
    member = make_member(persona_tree.branch, decision_date=D(1990, 1, 1))
    with pytest.raises(DomainError) as err:
        services.propose_badge(
            member, milestone=30, award_date=D(2026, 6, 1), actor=branch_secretary
        )
    assert err.value.rule == "badge_award_days"
    with pytest.raises(DomainError) as err:
        services.propose_badge(
            member, milestone=35, award_date=D(2026, 9, 2), actor=branch_secretary
        )
    assert err.value.rule == "badge_milestones"
    assert not BadgeProposal.objects.exists()


def test_due_counts_take_a_fixed_number_of_queries(persona_tree, django_assert_num_queries):
    for year in range(1950, 1996, 3):
        make_member(persona_tree.branch, decision_date=D(year, 1, 1))
    make_member(persona_tree.branch_two, decision_date=D(1976, 1, 1))
    # rule-set reads (outside a request every read is a query) + the few members with a gap,
    # a late transfer or a proposal (candidates; none here) + one grouped count of the others
    with django_assert_num_queries(5):
        counts = selectors.count_badges_due(
            organisation=persona_tree.region_north, award_date=D(2027, 2, 3)
        )
    assert sum(counts.values()) == 17
    assert counts[50] == 3  # admitted 1974, 1977 and (the other cell) 1976


def test_due_counts_equal_the_due_list(persona_tree, branch_secretary, region_officer):
    """The report's counts take a shortcut for members without gaps; they must give the due
    list's figures: steady members on and around each boundary, a gap, an award already
    given, an early proposal, a leap-day decision."""
    branch = persona_tree.branch
    award_day = D(2027, 2, 3)
    for decision in (
        D(1997, 2, 3),  # exactly 30 years
        D(1997, 2, 4),  # one day short
        D(1987, 2, 3),  # exactly 40
        D(1986, 12, 31),
        D(1976, 2, 29),  # leap day: 51 years
        D(1960, 1, 1),
        D(1996, 1, 1),
    ):
        make_member(branch, decision_date=decision)
    gap = make_member(branch, decision_date=D(1996, 6, 1))
    change_status(gap, status=MemberStatus.LOST_CONTACT, date=D(2000, 1, 1), actor=region_officer)
    change_status(gap, status=MemberStatus.OFFICIAL, date=D(2001, 1, 1), actor=region_officer)
    awarded = make_member(branch, decision_date=D(1985, 3, 1))
    services.award_badge(
        awarded,
        milestone=40,
        award_date=D(2026, 5, 19),
        badge_number="40-777",
        decision_number="13-QĐ/TU",
        decision_date=D(2026, 5, 10),
        actor=region_officer,
    )
    ill = make_member(branch, decision_date=D(1997, 12, 1))
    services.propose_badge(
        ill, milestone=30, award_date=award_day, actor=branch_secretary, early_reason="Ốm nặng"
    )
    listed = selectors.list_badges_due(
        user=region_officer, organisation=persona_tree.region_north, award_date=award_day
    )
    expected = dict.fromkeys(selectors.milestones(award_day), 0)
    for row in listed:
        expected[row.milestone] += 1
    counts = selectors.count_badges_due(
        organisation=persona_tree.region_north, award_date=award_day
    )
    assert counts == expected
    assert (counts[30], counts[40], counts[50], counts[65]) == (3, 2, 1, 1)
    # below the provinces the few members with a gap or a proposal are sought within the
    # subtree (selectors.SMALL_SUBTREE_DEPTH): the same figures
    for organisation in (persona_tree.commune_north, branch, persona_tree.branch_two):
        small = selectors.count_badges_due(organisation=organisation, award_date=award_day)
        rows = selectors.list_badges_due(
            user=region_officer, organisation=organisation, award_date=award_day
        )
        assert sum(small.values()) == len(rows), organisation.code
    assert selectors.count_badges_due(organisation=branch, award_date=award_day) == counts
