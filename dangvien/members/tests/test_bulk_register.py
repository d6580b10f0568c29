"""``bulk_register_members``: many existing members at once (the Excel import's writer)."""

import datetime as dt
import re

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members import services
from dangvien.members.choices import MemberStatus
from dangvien.members.models import Membership, MembershipEvent
from dangvien.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Membership.objects.order_by("pk").values_list("pk", "person_id", "status")),
        MembershipEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def row(person, organisation, **overrides):
    data = {
        "person_id": person.pk,
        "organisation": organisation,
        "decision_date": dt.date(2019, 3, 15),
        "decision_number": "125-QĐ/ĐU",
        "ceremony_date": dt.date(2019, 4, 1),
        "official_date": None,
        "card_number": None,
    }
    data.update(overrides)
    return data


def test_bulk_register_writes_memberships_events_and_one_audit_row(persona_tree, branch_secretary):
    hoa, pao = (PersonFactory(organisation=persona_tree.branch) for _ in range(2))
    ids = services.bulk_register_members(
        [
            row(hoa, persona_tree.branch, official_date=dt.date(2020, 4, 1), card_number="0101"),
            row(pao, persona_tree.branch, ceremony_date=None),
        ],
        actor=branch_secretary,
        source={"import_job": 3},
    )
    first, second = Membership.objects.order_by("pk")
    assert [first.pk, second.pk] == ids
    assert (first.status, first.card_number, first.admitted_in) == (
        MemberStatus.OFFICIAL,
        "0101",
        persona_tree.branch,
    )
    assert first.probation_end == dt.date(2020, 4, 1)  # 12 months after the ceremony
    assert (second.status, second.probation_end) == (
        MemberStatus.PROBATIONARY,
        dt.date(2020, 3, 15),
    )
    assert list(first.events.values_list("status", "date", "actor")) == [
        (MemberStatus.PROBATIONARY, dt.date(2019, 4, 1), branch_secretary.pk),
        (MemberStatus.OFFICIAL, dt.date(2020, 4, 1), branch_secretary.pk),
    ]
    assert list(second.events.values_list("status", "date", "decision_number")) == [
        (MemberStatus.PROBATIONARY, dt.date(2019, 3, 15), "125-QĐ/ĐU")
    ]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.organisation) == (
        "members.membership.bulk_registered",
        branch_secretary,
        persona_tree.branch,
    )
    assert event.data == {"count": 2, "import_job": 3}


@pytest.mark.parametrize(
    ("overrides", "message", "rule"),
    [
        (
            {"ceremony_date": dt.date(2019, 3, 1)},
            "Dòng 8: Ngày kết nạp (01/03/2019) không được trước",
            "ceremony_after_decision",
        ),
        (
            {"official_date": dt.date(2019, 3, 20)},
            "Dòng 8: Ngày công nhận chính thức (20/03/2019) không được trước ngày kết nạp",
            "official_after_ceremony",
        ),
        (
            {"decision_date": dt.date(2999, 1, 1), "ceremony_date": None},
            "Dòng 8: Ngày quyết định kết nạp (01/01/2999) không được sau ngày hôm nay",
            "date_not_in_future",
        ),
        (
            {"card_number": "0101"},
            "Dòng 8: Số thẻ đảng 0101 trùng với dòng 7",
            "unique_card_number",
        ),
    ],
)
def test_bulk_register_refuses_a_bad_row_and_writes_nothing(
    persona_tree, branch_secretary, overrides, message, rule
):
    first, second = (PersonFactory(organisation=persona_tree.branch) for _ in range(2))
    before = snapshot()
    with pytest.raises(DomainError, match=re.escape(message)) as exc:
        services.bulk_register_members(
            [
                row(first, persona_tree.branch, card_number="0101"),
                row(second, persona_tree.branch, **overrides),
            ],
            actor=branch_secretary,
            row_numbers=[7, 8],
        )
    assert exc.value.rule == rule
    assert snapshot() == before


def test_bulk_register_refuses_someone_already_a_member(persona_tree, branch_secretary):
    person = PersonFactory(organisation=persona_tree.branch)
    services.register_existing_member(
        person=person,
        organisation=persona_tree.branch,
        decision_date=dt.date(2019, 3, 15),
        official_date=dt.date(2020, 3, 15),
        actor=branch_secretary,
    )
    before = snapshot()
    with pytest.raises(DomainError, match=r"Dòng 1: .*đã có trong danh sách đảng viên") as exc:
        services.bulk_register_members([row(person, persona_tree.branch)], actor=branch_secretary)
    assert exc.value.rule == "one_membership_per_person"
    assert snapshot() == before


def test_bulk_register_refuses_a_card_already_issued(persona_tree, branch_secretary):
    holder, person = (PersonFactory(organisation=persona_tree.branch) for _ in range(2))
    services.bulk_register_members(
        [row(holder, persona_tree.branch, official_date=dt.date(2020, 4, 1), card_number="0101")],
        actor=branch_secretary,
    )
    before = snapshot()
    with pytest.raises(DomainError, match="Số thẻ đảng 0101 đã được cấp"):
        services.bulk_register_members(
            [row(person, persona_tree.branch, card_number="0101")], actor=branch_secretary
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("where", "message", "rule"),
    [
        ("commune_north", "không phải là chi bộ", "member_in_a_cell"),
        ("branch_two", "ngoài phạm vi", "scope"),
    ],
)
def test_bulk_register_only_in_a_cell_in_scope(
    persona_tree, branch_secretary, where, message, rule
):
    person = PersonFactory(organisation=persona_tree.branch)
    before = snapshot()
    with pytest.raises(DomainError, match=message) as exc:
        services.bulk_register_members(
            [row(person, getattr(persona_tree, where))], actor=branch_secretary
        )
    assert exc.value.rule == rule
    assert snapshot() == before
