import datetime as dt

import pytest
import time_machine

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members import services
from dangvien.members.choices import (
    CardReason,
    MemberStatus,
    RecognitionStage,
    TransferKind,
    TransferStatus,
)
from dangvien.members.models import (
    HelperAssignment,
    Membership,
    MembershipEvent,
    PartyCard,
    RecognitionStep,
    ResidenceLink,
    Transfer,
)
from dangvien.members.selectors import get_party_age
from dangvien.members.tests.factories import make_certificate, make_member
from dangvien.organisations.choices import AreaKind
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.tests.factories import make_organisation
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CEREMONY = dt.date(2024, 9, 15)
DECISION = dt.date(2024, 8, 25)


@pytest.fixture
def cell(persona_tree):
    # three official members: a cell vote needs 2 of them (2/3 of all official members)
    for _n in range(3):
        make_member(persona_tree.branch)
    return persona_tree.branch


@pytest.fixture
def probationer(cell, branch_secretary):
    person = PersonFactory(organisation=cell, full_name="Lò Văn Dự")
    return services.admit_member(
        person=person,
        organisation=cell,
        decision_date=DECISION,
        decision_number="123-QĐ/ĐU",
        ceremony_date=CEREMONY,
        actor=branch_secretary,
    )


def _prepare(membership, actor, on=dt.date(2025, 9, 16)):
    make_certificate(membership, on=dt.date(2025, 3, 1))
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(membership, stage=stage, date=on, actor=actor)


# --- probation and recognition ------------------------------------------------------------------


def test_probation_ends_exactly_twelve_months_after_the_ceremony(probationer):
    assert probationer.probation_end == dt.date(2025, 9, 15)
    assert probationer.status == MemberStatus.PROBATIONARY
    assert AuditEvent.objects.filter(action="members.membership.admitted").count() == 1


def test_probation_from_29_february_ends_on_28_february(cell, branch_secretary):
    member = services.admit_member(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        decision_date=dt.date(2024, 2, 1),
        decision_number="1",
        ceremony_date=dt.date(2024, 2, 29),
        actor=branch_secretary,
    )
    assert member.probation_end == dt.date(2025, 2, 28)


@time_machine.travel(dt.date(2025, 12, 1))
def test_official_date_is_the_end_of_the_twelve_months_even_with_a_november_decision(
    probationer, branch_secretary, region_officer
):
    # given a complete dossier and a cell vote held after the 12 months
    _prepare(probationer, branch_secretary)
    vote = services.record_recognition_step(
        probationer,
        stage=RecognitionStage.CELL_VOTE,
        date=dt.date(2025, 10, 1),
        votes_for=2,
        actor=branch_secretary,
    )
    assert vote.passed is True
    assert vote.votes_eligible == 3
    services.record_recognition_step(
        probationer,
        stage=RecognitionStage.GRASSROOTS_RESOLUTION,
        date=dt.date(2025, 10, 20),
        actor=region_officer,
    )
    # when the superior committee decides in November
    member = services.recognise_official(
        probationer, date=dt.date(2025, 11, 20), decision_number="45-QĐ/ĐU", actor=region_officer
    )
    # then the member is official from 15/09/2025
    assert member.status == MemberStatus.OFFICIAL
    assert member.official_date == dt.date(2025, 9, 15)
    official = MembershipEvent.objects.get(membership=member, status=MemberStatus.OFFICIAL)
    assert official.date == dt.date(2025, 9, 15)
    assert "20/11/2025" in official.note
    assert AuditEvent.objects.filter(action="members.membership.recognised").count() == 1


@time_machine.travel(dt.date(2025, 12, 1))
def test_cell_vote_before_the_twelve_months_end_is_refused(probationer, branch_secretary):
    _prepare(probationer, branch_secretary, on=dt.date(2025, 9, 10))
    with pytest.raises(DomainError) as caught:
        services.record_recognition_step(
            probationer,
            stage=RecognitionStage.CELL_VOTE,
            date=dt.date(2025, 9, 14),
            votes_for=3,
            actor=branch_secretary,
        )
    error = caught.value
    assert error.rule == "probation_months"
    assert error.found == "14/09/2025"
    assert "15/09/2025" in error.required
    assert "12 tháng" in error.message
    assert not RecognitionStep.objects.filter(stage=RecognitionStage.CELL_VOTE).exists()


@time_machine.travel(dt.date(2025, 12, 1))
def test_cell_vote_counts_all_official_members_not_those_present(probationer, branch_secretary):
    _prepare(probationer, branch_secretary)
    with pytest.raises(DomainError) as caught:
        services.record_recognition_step(
            probationer,
            stage=RecognitionStage.CELL_VOTE,
            date=dt.date(2025, 10, 1),
            votes_eligible=2,  # only two came
            votes_for=2,
            actor=branch_secretary,
        )
    assert caught.value.rule == "recognition_vote_denominator"
    assert caught.value.required == 3


@time_machine.travel(dt.date(2025, 12, 1))
def test_one_vote_of_three_fails_and_the_member_can_be_removed_with_a_reason(
    probationer, branch_secretary, region_officer
):
    _prepare(probationer, branch_secretary)
    vote = services.record_recognition_step(
        probationer,
        stage=RecognitionStage.CELL_VOTE,
        date=dt.date(2025, 10, 1),
        votes_for=1,
        actor=branch_secretary,
    )
    assert vote.passed is False
    with pytest.raises(DomainError, match="Nghị quyết chi bộ"):
        services.record_recognition_step(
            probationer,
            stage=RecognitionStage.GRASSROOTS_RESOLUTION,
            date=dt.date(2025, 10, 5),
            actor=region_officer,
        )
    with pytest.raises(DomainError, match="lý do"):
        services.remove_probationary(
            probationer,
            date=dt.date(2025, 11, 1),
            decision_number="9",
            reason="  ",
            actor=region_officer,
        )
    member = services.remove_probationary(
        probationer,
        date=dt.date(2025, 11, 1),
        decision_number="9-QĐ",
        reason="Không đủ tư cách đảng viên",
        actor=region_officer,
    )
    assert member.status == MemberStatus.REMOVED
    event = member.events.order_by("-date").first()
    assert (event.status, event.note) == (MemberStatus.REMOVED, "Không đủ tư cách đảng viên")


@time_machine.travel(dt.date(2025, 12, 1))
def test_cell_vote_needs_the_new_member_certificate(probationer, branch_secretary):
    for stage in (
        RecognitionStage.SELF_REVIEW,
        RecognitionStage.HELPER_COMMENT,
        RecognitionStage.OPINIONS,
    ):
        services.record_recognition_step(
            probationer, stage=stage, date=dt.date(2025, 9, 16), actor=branch_secretary
        )
    with pytest.raises(DomainError) as caught:
        services.record_recognition_step(
            probationer,
            stage=RecognitionStage.CELL_VOTE,
            date=dt.date(2025, 10, 1),
            votes_for=3,
            actor=branch_secretary,
        )
    assert caught.value.rule == "new_member_certificate"


@time_machine.travel(dt.date(2025, 12, 1))
def test_decision_needs_the_grassroots_resolution(probationer, region_officer):
    with pytest.raises(DomainError) as caught:
        services.recognise_official(
            probationer, date=dt.date(2025, 11, 1), decision_number="1", actor=region_officer
        )
    assert caught.value.rule == "recognition_order"
    probationer.refresh_from_db()
    assert probationer.status == MemberStatus.PROBATIONARY


def test_helper_is_replaced_with_history(probationer, cell, branch_secretary):
    first, second = Membership.objects.filter(status=MemberStatus.OFFICIAL)[:2]
    services.assign_helper(probationer, helper=first, start_date=CEREMONY, actor=branch_secretary)
    with pytest.raises(DomainError, match="lý do thay"):
        services.assign_helper(
            probationer, helper=second, start_date=dt.date(2025, 1, 5), actor=branch_secretary
        )
    services.assign_helper(
        probationer,
        helper=second,
        start_date=dt.date(2025, 1, 5),
        replace_reason="Chuyển công tác",
        actor=branch_secretary,
    )
    history = list(HelperAssignment.objects.filter(membership=probationer).order_by("start_date"))
    assert [(h.helper_id, h.end_date, h.end_reason) for h in history] == [
        (first.pk, dt.date(2025, 1, 5), "Chuyển công tác"),
        (second.pk, None, ""),
    ]


def test_helper_must_be_an_official_member(probationer, cell, branch_secretary):
    other = make_member(cell, status=MemberStatus.PROBATIONARY)
    with pytest.raises(DomainError) as caught:
        services.assign_helper(
            probationer, helper=other, start_date=CEREMONY, actor=branch_secretary
        )
    assert caught.value.rule == "helper_is_official"


# --- status history and party age ---------------------------------------------------------------


@time_machine.travel(dt.date(2020, 6, 1))
def test_party_age_subtracts_a_one_year_gap_and_shows_it(persona_tree, region_officer):
    member = make_member(persona_tree.branch, decision_date=dt.date(2010, 1, 1))
    services.change_status(
        member, status=MemberStatus.LOST_CONTACT, date=dt.date(2015, 1, 1), actor=region_officer
    )
    services.change_status(
        member, status=MemberStatus.OFFICIAL, date=dt.date(2016, 1, 1), actor=region_officer
    )
    age = get_party_age(member, on=dt.date(2020, 1, 1))
    assert (age.years, age.months, age.days) == (9, 0, 0)
    assert [(g.start, g.end) for g in age.gaps] == [(dt.date(2015, 1, 1), dt.date(2016, 1, 1))]
    assert str(age) == "9 năm"
    # without the gap the same member would have ten years
    assert (get_party_age(member, on=dt.date(2015, 1, 1)).years) == 5


@time_machine.travel(dt.date(2025, 6, 1))
def test_party_age_runs_from_the_admission_decision_not_the_ceremony(probationer):
    age = get_party_age(probationer, on=dt.date(2025, 8, 25))
    assert (age.years, age.months, age.days) == (1, 0, 0)


@time_machine.travel(dt.date(2020, 6, 1))
def test_status_events_out_of_date_order_are_refused(persona_tree, region_officer):
    member = make_member(persona_tree.branch, decision_date=dt.date(2010, 1, 1))
    last = member.events.order_by("-date").first().date
    with pytest.raises(DomainError) as caught:
        services.change_status(
            member,
            status=MemberStatus.LOST_CONTACT,
            date=last - dt.timedelta(days=1),
            actor=region_officer,
        )
    assert caught.value.rule == "events_in_date_order"
    assert member.events.count() == 2
    member.refresh_from_db()
    assert member.status == MemberStatus.OFFICIAL


@time_machine.travel(dt.date(2020, 6, 1))
def test_removal_needs_a_reason_and_deceased_is_final(persona_tree, region_officer):
    member = make_member(persona_tree.branch)
    with pytest.raises(DomainError, match="lý do"):
        services.change_status(
            member, status=MemberStatus.REMOVED, date=dt.date(2020, 1, 1), actor=region_officer
        )
    services.change_status(
        member, status=MemberStatus.DECEASED, date=dt.date(2020, 1, 1), actor=region_officer
    )
    with pytest.raises(DomainError) as caught:
        services.change_status(
            member, status=MemberStatus.OFFICIAL, date=dt.date(2020, 2, 1), actor=region_officer
        )
    assert caught.value.rule == "status_transition"


# --- cards ---------------------------------------------------------------------------------------


@time_machine.travel(dt.date(2025, 12, 1))
def test_card_issue_hand_over_and_reissue_keep_history(persona_tree, region_officer):
    member = make_member(persona_tree.branch)
    card = services.issue_card(
        member, number="01000123", decision_date=dt.date(2025, 10, 1), actor=region_officer
    )
    services.hand_over_card(
        card, date=dt.date(2025, 10, 15), meeting="Sinh hoạt chi bộ tháng 10", actor=region_officer
    )
    services.issue_card(
        member,
        number="01000999",
        reason=CardReason.LOST,
        decision_date=dt.date(2025, 11, 20),
        actor=region_officer,
    )
    member.refresh_from_db()
    assert member.card_number == "01000999"
    cards = list(PartyCard.objects.filter(membership=member).order_by("pk"))
    assert [(c.number, c.reason, c.replaced_on) for c in cards] == [
        ("01000123", "first", dt.date(2025, 11, 20)),
        ("01000999", "lost", None),
    ]


@time_machine.travel(dt.date(2025, 12, 1))
def test_card_number_used_twice_is_refused(persona_tree, region_officer):
    first = make_member(persona_tree.branch)
    second = make_member(persona_tree.branch)
    services.issue_card(
        first, number="01000123", decision_date=dt.date(2025, 10, 1), actor=region_officer
    )
    with pytest.raises(DomainError) as caught:
        services.issue_card(
            second, number="01000123", decision_date=dt.date(2025, 10, 1), actor=region_officer
        )
    assert caught.value.rule == "card_number_unique"
    assert caught.value.found == "01000123"
    assert not PartyCard.objects.filter(membership=second).exists()


@time_machine.travel(dt.date(2025, 12, 1))
def test_the_same_reissue_sent_twice_makes_one_card(persona_tree, region_officer):
    member = make_member(persona_tree.branch)
    services.issue_card(
        member, number="01000123", decision_date=dt.date(2025, 10, 1), actor=region_officer
    )
    reissue = {
        "number": "01000123",
        "reason": CardReason.LOST,
        "decision_number": "15-QĐ/HU",
        "decision_date": dt.date(2025, 11, 20),
        "actor": region_officer,
    }
    services.issue_card(member, **reissue)
    with pytest.raises(DomainError) as caught:
        services.issue_card(member, **reissue)  # a double click
    assert caught.value.rule == "card_issue_repeated"
    assert caught.value.message == (
        "Thẻ số 01000123 đã được cấp theo quyết định 15-QĐ/HU ngày 20/11/2025; yêu cầu gửi "
        "lặp lại không cấp thêm thẻ."
    )
    # a later decision reissues again (same number: a reissued card keeps it)
    services.issue_card(
        member, **{**reissue, "decision_number": "16-QĐ/HU", "decision_date": dt.date(2025, 11, 25)}
    )
    cards = PartyCard.objects.filter(membership=member).order_by("pk")
    assert [(c.decision_number, c.replaced_on) for c in cards] == [
        ("", dt.date(2025, 11, 20)),
        ("15-QĐ/HU", dt.date(2025, 11, 25)),
        ("16-QĐ/HU", None),
    ]


def test_card_only_for_official_members(probationer, region_officer):
    with pytest.raises(DomainError) as caught:
        services.issue_card(
            probationer, number="1", decision_date=dt.date(2025, 1, 1), actor=region_officer
        )
    assert caught.value.rule == "card_for_official_members"


# --- transfers -----------------------------------------------------------------------------------


@time_machine.travel(dt.date(2025, 12, 1))
def test_official_transfer_across_subtrees_moves_the_member_on_confirmation(
    persona_tree, branch_secretary, outsider
):
    member = make_member(persona_tree.branch)
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_south,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2025, 10, 1),
        started_on=dt.date(2025, 10, 10),
        actor=branch_secretary,
    )
    # deadlines from the rule set: 60 and 30 working days
    from dangvien.core.calendar import working_days_between

    assert working_days_between(dt.date(2025, 10, 1), transfer.start_due) == 60
    assert working_days_between(dt.date(2025, 10, 10), transfer.present_due) == 30
    member.refresh_from_db()
    assert member.organisation == persona_tree.branch  # still in the sending cell
    services.confirm_transfer(transfer, confirmed_on=dt.date(2025, 10, 20), actor=outsider)
    member.refresh_from_db()
    assert member.organisation == persona_tree.branch_south
    assert Membership.objects.visible_to(outsider).filter(pk=member.pk).exists()
    assert not Membership.objects.visible_to(branch_secretary).filter(pk=member.pk).exists()
    # history on both sides
    assert Transfer.objects.visible_to(branch_secretary).filter(pk=transfer.pk).exists()
    assert Transfer.objects.visible_to(outsider).filter(pk=transfer.pk).exists()
    assert member.events.filter(kind="transfer", organisation=persona_tree.branch_south).exists()


def test_after_a_transfer_the_old_cell_no_longer_reads_the_person(
    persona_tree, branch_secretary, outsider, client_for
):
    """Issue 15, item 9: the person's record follows the membership to the new cell."""
    from dangvien.people.models import Person

    member = make_member(persona_tree.branch, full_name="Người Chuyển Đi")
    person = member.person
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_south,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2025, 10, 1),
        started_on=dt.date(2025, 10, 10),
        actor=branch_secretary,
    )
    assert client_for("branch_secretary").get(f"/people/{person.pk}/").status_code == 200
    services.confirm_transfer(transfer, confirmed_on=dt.date(2025, 10, 20), actor=outsider)
    person.refresh_from_db()
    assert person.organisation == persona_tree.branch_south
    assert not Person.objects.visible_to(branch_secretary).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(outsider).filter(pk=person.pk).exists()
    assert client_for("branch_secretary").get(f"/people/{person.pk}/").status_code == 404
    assert client_for("branch_secretary").get(f"/api/v1/people/{person.pk}").status_code == 404
    assert client_for("outsider").get(f"/api/v1/people/{person.pk}").status_code == 200
    event = AuditEvent.objects.get(action="people.person.changed", target_id=str(person.pk))
    assert event.data == {
        "before": {"organisation": persona_tree.branch.pk},
        "after": {"organisation": persona_tree.branch_south.pk},
        "reason": "members.transfer.confirmed",
    }


@time_machine.travel(dt.date(2025, 12, 1))
def test_second_open_transfer_is_refused(persona_tree, branch_secretary):
    member = make_member(persona_tree.branch)
    kwargs = {
        "kind": TransferKind.OFFICIAL,
        "reason_date": dt.date(2025, 10, 1),
        "started_on": dt.date(2025, 10, 10),
        "actor": branch_secretary,
    }
    services.start_transfer(member, to_organisation=persona_tree.branch_two, **kwargs)
    with pytest.raises(DomainError) as caught:
        services.start_transfer(member, to_organisation=persona_tree.branch_south, **kwargs)
    assert caught.value.rule == "one_open_transfer"
    assert Transfer.objects.count() == 1


@time_machine.travel(dt.date(2025, 12, 1))
def test_transfer_to_a_dissolved_cell_is_refused(persona_tree, branch_secretary):
    member = make_member(persona_tree.branch)
    dissolved = make_organisation(
        persona_tree.commune_north,
        code="CB09",
        name="Chi bộ đã giải thể",
        kind=K.CELL,
        area_kind=AreaKind.VILLAGE,
    )
    dissolved.valid_to = dt.date(2025, 6, 30)
    dissolved.save(update_fields=["valid_to"])
    with pytest.raises(DomainError) as caught:
        services.start_transfer(
            member,
            to_organisation=dissolved,
            kind=TransferKind.OFFICIAL,
            reason_date=dt.date(2025, 10, 1),
            started_on=dt.date(2025, 10, 10),
            actor=branch_secretary,
        )
    assert caught.value.rule == "destination_cell_active"
    assert "30/06/2025" in caught.value.found
    assert not Transfer.objects.exists()


def test_open_transfer_constraint_decides_between_simultaneous_starts(
    persona_tree, branch_secretary, monkeypatch
):
    """Both requests passed the 'no open transfer' check before either wrote: the partial
    unique constraint lets exactly one in and the other gets the Vietnamese refusal."""
    member = make_member(persona_tree.branch)
    with time_machine.travel(dt.date(2025, 12, 1)):
        services.start_transfer(
            member,
            to_organisation=persona_tree.branch_two,
            kind=TransferKind.OFFICIAL,
            reason_date=dt.date(2025, 10, 1),
            started_on=dt.date(2025, 10, 10),
            actor=branch_secretary,
        )
        # the second request's check ran before the first committed: it saw nothing open
        real_filter = Transfer.objects.filter

        def blind_filter(*args, **kwargs):
            if kwargs.get("status") == TransferStatus.OPEN and "membership" in kwargs:
                return Transfer.objects.none()
            return real_filter(*args, **kwargs)

        monkeypatch.setattr(Transfer.objects, "filter", blind_filter)
        with pytest.raises(DomainError) as caught:
            services.start_transfer(
                member,
                to_organisation=persona_tree.branch_south,
                kind=TransferKind.OFFICIAL,
                reason_date=dt.date(2025, 10, 1),
                started_on=dt.date(2025, 10, 10),
                actor=branch_secretary,
            )
    assert caught.value.rule == "one_open_transfer"
    assert real_filter(membership=member).count() == 1


@time_machine.travel(dt.date(2025, 12, 1))
def test_temporary_transfer_keeps_the_main_cell(persona_tree, branch_secretary, region_officer):
    member = make_member(persona_tree.branch)
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_two,
        kind=TransferKind.TEMPORARY,
        reason_date=dt.date(2025, 10, 1),
        started_on=dt.date(2025, 10, 2),
        actor=branch_secretary,
    )
    services.confirm_transfer(transfer, confirmed_on=dt.date(2025, 10, 3), actor=region_officer)
    member.refresh_from_db()
    assert (member.organisation, member.temporary_organisation) == (
        persona_tree.branch,
        persona_tree.branch_two,
    )
    services.end_temporary_transfer(transfer, date=dt.date(2025, 11, 3), actor=branch_secretary)
    member.refresh_from_db()
    assert member.temporary_organisation is None


@time_machine.travel(dt.date(2026, 6, 1))
def test_transfer_presented_late_is_a_gap_in_party_age(persona_tree, branch_secretary, outsider):
    member = make_member(persona_tree.branch, decision_date=dt.date(2010, 1, 1))
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_south,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2025, 1, 2),
        started_on=dt.date(2025, 1, 2),
        actor=branch_secretary,
    )
    late = transfer.present_due + dt.timedelta(days=30)
    services.confirm_transfer(transfer, confirmed_on=late, actor=outsider)
    age = get_party_age(member, on=dt.date(2026, 1, 1))
    assert [(g.start, g.end) for g in age.gaps] == [(transfer.present_due, late)]
    assert (age.years, age.months) == (15, 10)  # 16 years less a 30-day gap


# --- residence-cell link -------------------------------------------------------------------------


@time_machine.travel(dt.date(2025, 12, 1))
def test_member_of_a_workplace_cell_must_be_introduced_to_the_residence_cell(
    persona_tree, branch_secretary, region_officer
):
    agency = make_organisation(
        persona_tree.commune_north,
        code="CB-CQ",
        name="Chi bộ cơ quan xã",
        kind=K.CELL,
        area_kind=AreaKind.AGENCY,
    )
    member = services.admit_member(
        person=PersonFactory(organisation=agency),
        organisation=agency,
        decision_date=dt.date(2025, 5, 1),
        decision_number="1",
        ceremony_date=dt.date(2025, 5, 10),
        actor=region_officer,
    )
    link = ResidenceLink.objects.get(membership=member)
    assert link.introduced_on is None
    services.record_residence_introduction(
        link, introduced_on=dt.date(2025, 6, 1), residence_place="Thôn 1", actor=region_officer
    )
    from dangvien.members.selectors import count_residence_introductions

    figures = count_residence_introductions(
        organisation=persona_tree.region_north, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    assert figures["required"] == 1
    assert figures["on_time"] == 1
    assert str(figures["on_time_percent"]) == "100.0"


@time_machine.travel(dt.date(2025, 12, 1))
def test_register_existing_member_with_a_card(persona_tree, branch_secretary):
    member = services.register_existing_member(
        person=PersonFactory(organisation=persona_tree.branch),
        organisation=persona_tree.branch,
        decision_date=dt.date(2000, 3, 1),
        ceremony_date=dt.date(2000, 3, 20),
        official_date=dt.date(2001, 3, 20),
        card_number="00012345",
        actor=branch_secretary,
    )
    assert member.status == MemberStatus.OFFICIAL
    assert member.card_number == "00012345"
    assert PartyCard.objects.get(membership=member).handed_over_on == dt.date(2001, 3, 20)
    assert [e.status for e in member.events.all()] == ["probationary", "official"]


@time_machine.travel(dt.date(2025, 12, 1))
def test_a_lodged_member_is_seen_from_both_cells_whatever_the_reach(
    persona_tree, branch_secretary, outsider
):
    """``visible_to`` has two shapes (a UNION below the provinces or with a status, an OR from
    a province up): both see a member from the main cell's side and from the temporary cell's
    side, and nobody else."""
    from dangvien.accounts.choices import Role
    from dangvien.accounts.models import RoleAssignment, User

    member = make_member(persona_tree.branch)
    other = make_member(persona_tree.branch_two)
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_south,
        kind=TransferKind.TEMPORARY,
        reason_date=dt.date(2025, 10, 1),
        started_on=dt.date(2025, 10, 2),
        actor=branch_secretary,
    )
    services.confirm_transfer(transfer, confirmed_on=dt.date(2025, 10, 3), actor=outsider)

    def user_on(organisation):
        user = User.objects.create_user(username=f"on-{organisation.code}", full_name="x")
        RoleAssignment.objects.create(
            user=user, role=Role.GRASSROOTS_OFFICE, organisation=organisation
        )
        return user

    users = {
        "nation": persona_tree.users["national_admin"],
        "north province": persona_tree.users["region_officer"],
        "south province": outsider,
        "north commune": persona_tree.users["grassroots_office"],
        "south commune": user_on(persona_tree.commune_south),
        "main cell": branch_secretary,
        "lodging cell": user_on(persona_tree.branch_south),
        "another cell": user_on(persona_tree.branch_two),
    }
    seen = {
        name: set(Membership.objects.visible_to(user).values_list("pk", flat=True))
        for name, user in users.items()
    }
    assert {name for name, pks in seen.items() if member.pk in pks} == {
        "nation",
        "north province",
        "south province",
        "north commune",
        "south commune",
        "main cell",
        "lodging cell",
    }
    assert other.pk in seen["another cell"] and other.pk in seen["north commune"]
    assert other.pk not in seen["south commune"]
    # with a status (the keys OR-ed below the nation, the UNION for the nation): the same
    # rows as the status filtered after the reach
    member.refresh_from_db()
    statuses = {member.status, MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL}
    for name, user in users.items():
        for status in statuses:
            expected = set(
                Membership.objects.filter(pk__in=seen[name], status=status).values_list(
                    "pk", flat=True
                )
            )
            found = Membership.objects.visible_to(user, status=status)
            assert set(found.values_list("pk", flat=True)) == expected, (name, status)
    assert member.pk in set(
        Membership.objects.visible_to(users["lodging cell"], status=member.status).values_list(
            "pk", flat=True
        )
    )
    # the counting shape (the keys OR-ed from a province down): the same rows, counted
    for name, user in users.items():
        counted = Membership.objects.visible_to(user, counting=True)
        assert set(counted.values_list("pk", flat=True)) == seen[name], name
        assert counted.count() == len(seen[name]), name
