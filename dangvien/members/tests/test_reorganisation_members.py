"""A cell that ends in a reorganisation (issue 11): its open transfers are redirected through
the members app's fact mover, and a split keeps a probationer with their helper."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members import services
from dangvien.members.choices import MemberStatus, TransferStatus
from dangvien.members.models import HelperAssignment, Membership, Transfer
from dangvien.members.tests.factories import make_member
from dangvien.organisations import plans
from dangvien.organisations import reorganisation as reorg
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import Organisation, ReorganisationEvent
from dangvien.organisations.reorganisation import OrganisationSpec

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)
DECISION = {"effective_date": JULY_1, "decision_number": "123-QĐ/TU"}


def _transfer(member: Membership, to: Organisation, actor) -> Transfer:
    return Transfer.objects.create(
        membership=member,
        kind="official",
        from_organisation=member.organisation,
        to_organisation=to,
        reason_date=dt.date(2025, 6, 2),
        started_on=dt.date(2025, 6, 5),
        letter_number="GT-1",
        start_due=dt.date(2025, 6, 20),
        present_due=dt.date(2025, 7, 20),
        started_by=actor,
    )


def _ends(transfer: Transfer) -> tuple[str, str, str]:
    transfer.refresh_from_db()
    return transfer.from_organisation.code, transfer.to_organisation.code, transfer.status


def test_a_merge_redirects_the_open_transfers_to_and_from_its_cells(persona_tree, national_admin):
    tree = persona_tree
    incoming = _transfer(make_member(tree.branch_south), tree.branch, national_admin)
    outgoing = _transfer(make_member(tree.branch), tree.branch_south, national_admin)
    between = _transfer(make_member(tree.branch), tree.branch_two, national_admin)
    settled = _transfer(make_member(tree.branch_south), tree.branch, national_admin)
    Transfer.objects.filter(pk=settled.pk).update(status=TransferStatus.CONFIRMED)

    event = reorg.merge(
        [tree.branch, tree.branch_two],
        into=OrganisationSpec(code="CBN", name="Chi bộ thôn Mới", kind=K.CELL),
        actor=national_admin,
        **DECISION,
    )

    # the receiving side is the successor; the sending side follows the member
    assert _ends(incoming) == ("CB03", "CBN", TransferStatus.OPEN)
    assert _ends(outgoing) == ("CBN", "CB03", TransferStatus.OPEN)
    # the member is now in the cell the transfer was going to: nothing left to do
    assert _ends(between) == ("CB01", "CB02", TransferStatus.CANCELLED)
    assert between.ended_on == JULY_1 and "Chi bộ thôn Mới" in between.note
    # history: a confirmed transfer keeps its cells
    assert _ends(settled) == ("CB03", "CB01", TransferStatus.CONFIRMED)
    assert event.data["facts"]["transfers"]["moved"] == 3
    audit = AuditEvent.objects.filter(action="members.transfer.reorganised")
    assert sorted((row.data["from"], row.data["to"]) for row in audit) == [
        (["CB01", "CBN"], ["CB03", "CB03"]),
        (["CB03", "CB03"], ["CB01", "CBN"]),
    ]
    assert AuditEvent.objects.filter(
        action="members.transfer.cancelled", data__transfer=between.pk
    ).exists()
    # the redirected transfer is received by the new cell
    services.confirm_transfer(incoming, confirmed_on=dt.date(2025, 7, 10), actor=national_admin)
    incoming.membership.refresh_from_db()
    assert incoming.membership.organisation.code == "CBN"


def test_a_split_sends_each_open_transfer_where_the_user_maps_it(persona_tree, national_admin):
    tree = persona_tree
    mapped = _transfer(make_member(tree.branch_south), tree.branch, national_admin)
    leaving = make_member(tree.branch)
    outgoing = _transfer(leaving, tree.branch_south, national_admin)
    other_in = _transfer(make_member(tree.branch_two), tree.branch, national_admin)

    reorg.split(
        tree.branch,
        parts=[
            OrganisationSpec(code="P1", name="Chi bộ thôn 1A", kind=K.CELL),
            OrganisationSpec(code="P2", name="Chi bộ thôn 1B", kind=K.CELL),
        ],
        reason="theo địa bàn",
        facts={"transfers": {mapped.pk: "P2"}, "members": {leaving.pk: "P2"}},
        default_part="P1",
        actor=national_admin,
        **DECISION,
    )

    assert _ends(mapped) == ("CB03", "P2", TransferStatus.OPEN)
    assert _ends(other_in) == ("CB02", "P1", TransferStatus.OPEN)  # the default part
    # the sending side is where the member went, whatever part the transfer was given
    assert _ends(outgoing) == ("P2", "CB03", TransferStatus.OPEN)


def test_a_dissolved_cell_without_successor_cancels_the_transfers_to_it(
    persona_tree, national_admin
):
    tree = persona_tree
    incoming = _transfer(make_member(tree.branch_south), tree.branch_two, national_admin)
    reorg.dissolve(tree.branch_two, actor=national_admin, **DECISION)
    assert _ends(incoming) == ("CB03", "CB02", TransferStatus.CANCELLED)
    assert incoming.ended_on == JULY_1


def test_the_plan_preview_counts_the_transfers_redirected(persona_tree, national_admin):
    tree = persona_tree
    incoming = _transfer(make_member(tree.branch_south), tree.branch, national_admin)
    plan = plans.create_plan(
        root=tree.commune_north,
        actor=national_admin,
        operations=[
            {
                "kind": "merge",
                "spec": {
                    "sources": ["CB01", "CB02"],
                    "into": {"code": "CBN", "name": "Chi bộ thôn Mới", "kind": "cell"},
                },
            }
        ],
        **DECISION,
    )
    preview = plans.preview_plan(plan, actor=national_admin)
    assert preview.ok
    facts = preview.operations[0].facts["transfers"]
    assert (facts["label"], facts["moved"]) == ("Chuyển sinh hoạt đang chờ tiếp nhận", 1)
    assert _ends(incoming) == ("CB03", "CB01", TransferStatus.OPEN)  # rolled back
    plans.apply_plan(plan, actor=national_admin)
    assert _ends(incoming) == ("CB03", "CBN", TransferStatus.OPEN)


# --- a split keeps a probationer and their helper together -----------------------------------


def _probationer_with_helper(cell, actor):
    probationer = make_member(
        cell,
        status=MemberStatus.PROBATIONARY,
        decision_date=dt.date(2025, 1, 10),
        full_name="Lò Văn Dự",
    )
    helper = make_member(cell, full_name="Quàng Thị Giúp")
    HelperAssignment.objects.create(
        membership=probationer, helper=helper, start_date=dt.date(2025, 2, 1), actor=actor
    )
    return probationer, helper


SPLIT = {
    "parts": [
        OrganisationSpec(code="P1", name="Chi bộ thôn 1A", kind=K.CELL),
        OrganisationSpec(code="P2", name="Chi bộ thôn 1B", kind=K.CELL),
    ],
    "reason": "theo địa bàn",
    "default_part": "P1",
}


def test_a_split_that_separates_a_probationer_from_their_helper_is_refused(
    persona_tree, national_admin
):
    tree = persona_tree
    probationer, helper = _probationer_with_helper(tree.branch, national_admin)
    events = ReorganisationEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        reorg.split(
            tree.branch,
            facts={"members": {helper.pk: "P2"}},
            actor=national_admin,
            **SPLIT,
            **DECISION,
        )
    assert refused.value.rule == "probationer_with_helper"
    message = str(refused.value)
    for text in ("Lò Văn Dự", "Quàng Thị Giúp", "Chi bộ thôn 1A", "Chi bộ thôn 1B"):
        assert text in message
    # nothing written
    assert ReorganisationEvent.objects.count() == events
    assert not Organisation.objects.filter(code__in=["P1", "P2"]).exists()
    assert Membership.objects.get(pk=helper.pk).organisation_id == tree.branch.pk

    # the plan preview says so at the split
    plan = plans.create_plan(
        root=tree.commune_north,
        actor=national_admin,
        operations=[
            {
                "kind": "split",
                "spec": {
                    "source": "CB01",
                    "parts": [
                        {"code": "P1", "name": "Chi bộ thôn 1A", "kind": "cell"},
                        {"code": "P2", "name": "Chi bộ thôn 1B", "kind": "cell"},
                    ],
                    "facts": {"members": {str(probationer.pk): "P2"}},
                    "default_part": "P1",
                    "reason": "theo địa bàn",
                },
            }
        ],
        **DECISION,
    )
    preview = plans.preview_plan(plan, actor=national_admin)
    assert [op.rule for op in preview.refused] == ["probationer_with_helper"]
    assert "Lò Văn Dự" in preview.refused[0].message
    with pytest.raises(DomainError):
        plans.apply_plan(plan, actor=national_admin)


def test_a_split_that_keeps_them_together_goes_through(persona_tree, national_admin):
    tree = persona_tree
    probationer, helper = _probationer_with_helper(tree.branch, national_admin)
    reorg.split(
        tree.branch,
        facts={"members": {helper.pk: "P2", probationer.pk: "P2"}},
        actor=national_admin,
        **SPLIT,
        **DECISION,
    )
    assert {
        Membership.objects.get(pk=pk).organisation.code for pk in (probationer.pk, helper.pk)
    } == {"P2"}
    assert HelperAssignment.objects.get(membership=probationer).end_date is None
