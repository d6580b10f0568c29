"""Cards and transfers recorded by mistake are corrected by a new row or cancelled, with a
reason; the wrong row stays (struck through on the member page); deadlines and worklists follow;
audited."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.core.worklist import collect
from dangvien.members import services
from dangvien.members.choices import CardReason, TransferKind, TransferStatus
from dangvien.members.models import Membership, PartyCard, Transfer
from dangvien.members.tests.factories import make_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def member(persona_tree):
    return make_member(persona_tree.branch, full_name="Quàng Văn Chính")


@time_machine.travel(TODAY)
def test_a_wrong_card_number_is_corrected_by_a_new_row(member, region_officer, client_for):
    card = services.issue_card(
        member, number="01000123", decision_date=dt.date(2026, 2, 1), actor=region_officer
    )
    new = services.correct_card(
        card, actor=region_officer, reason="Ghi nhầm số thẻ", number="01000132"
    )
    card.refresh_from_db()
    assert card.superseded and card.number == "01000123"
    assert card.superseded_reason == "Ghi nhầm số thẻ"
    assert (new.number, new.corrects, new.decision_date) == ("01000132", card, card.decision_date)
    assert Membership.objects.get(pk=member.pk).card_number == "01000132"
    assert AuditEvent.objects.get(action="members.party_card.corrected").data["reason"] == (
        "Ghi nhầm số thẻ"
    )
    # the wrong number is free again; the superseded row cannot be handed over
    with pytest.raises(DomainError) as caught:
        services.hand_over_card(card, date=TODAY, actor=region_officer)
    assert caught.value.rule == "card_superseded"
    # only one card to hand over on the worklist: the corrected one
    items = [i for i in collect(region_officer, TODAY) if i.kind == "members.card_hand_over"]
    assert [i.detail for i in items] == ["Thẻ số 01000132"]
    html = client_for("region_officer").get(reverse("members:member-detail", args=[member.pk]))
    page = html.content.decode()
    assert "<del>01000123</del>" in page
    assert "Ghi nhầm số thẻ" in page


@time_machine.travel(TODAY)
def test_cancelling_a_reissue_restores_the_card_it_replaced(member, region_officer):
    first = services.issue_card(
        member, number="01000123", decision_date=dt.date(2025, 2, 1), actor=region_officer
    )
    reissue = services.issue_card(
        member,
        number="01000777",
        reason=CardReason.LOST,
        decision_date=dt.date(2026, 2, 1),
        actor=region_officer,
    )
    services.cancel_card(reissue, actor=region_officer, reason="Báo mất nhầm người")
    first.refresh_from_db()
    reissue.refresh_from_db()
    assert reissue.superseded and first.replaced_on is None
    assert Membership.objects.get(pk=member.pk).card_number == "01000123"
    with pytest.raises(DomainError) as caught:
        services.cancel_card(reissue, actor=region_officer, reason="lần nữa")
    assert caught.value.rule == "card_superseded"
    with pytest.raises(DomainError) as caught:
        services.cancel_card(first, actor=region_officer, reason="  ")
    assert caught.value.rule == "correction_reason"
    assert PartyCard.objects.filter(membership=member, superseded=False).count() == 1


@time_machine.travel(TODAY)
def test_a_cell_secretary_may_not_correct_a_card(member, region_officer, branch_secretary):
    card = services.issue_card(
        member, number="01000123", decision_date=dt.date(2026, 2, 1), actor=region_officer
    )
    with pytest.raises(PermissionDenied):
        services.correct_card(card, actor=branch_secretary, reason="Nhầm", number="0100")
    card.refresh_from_db()
    assert not card.superseded


@time_machine.travel(TODAY)
def test_a_transfer_to_the_wrong_cell_is_corrected_and_the_deadline_follows(
    member, persona_tree, branch_secretary
):
    transfer = services.start_transfer(
        member,
        to_organisation=persona_tree.branch_two,
        kind=TransferKind.OFFICIAL,
        reason_date=dt.date(2026, 2, 2),
        started_on=dt.date(2026, 2, 3),
        letter_number="GT-1",
        actor=branch_secretary,
    )
    new = services.correct_transfer(
        transfer,
        actor=branch_secretary,
        reason="Ghi nhầm ngày giới thiệu",
        started_on=dt.date(2026, 2, 24),
        letter_number="GT-01",
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CORRECTED
    assert (transfer.started_on, transfer.letter_number) == (dt.date(2026, 2, 3), "GT-1")
    assert (new.status, new.corrects, new.letter_number) == (TransferStatus.OPEN, transfer, "GT-01")
    assert new.present_due > transfer.present_due
    assert Transfer.objects.filter(membership=member, status=TransferStatus.OPEN).count() == 1
    items = [
        i for i in collect(branch_secretary, TODAY) if i.kind == "members.transfer_unconfirmed"
    ]
    assert [i.due for i in items] == [new.present_due]
    # a confirmed transfer is not corrected
    services.confirm_transfer(new, confirmed_on=TODAY, actor=branch_secretary)
    with pytest.raises(DomainError):
        services.correct_transfer(new, actor=branch_secretary, reason="Nhầm", letter_number="X")
    assert AuditEvent.objects.filter(action="members.transfer.corrected").count() == 1
