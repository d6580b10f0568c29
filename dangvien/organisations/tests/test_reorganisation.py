"""Merge, split, move, rename, dissolve: one transaction each, facts handed over through the
registry, scopes follow, refusals leave nothing behind."""

import datetime as dt

import pytest

from dangvien.accounts.models import RoleAssignment
from dangvien.admissions.models import Dossier
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.members.choices import EventKind
from dangvien.members.models import Membership, MembershipEvent
from dangvien.members.tests.factories import make_member
from dangvien.organisations import reorganisation as reorg
from dangvien.organisations import selectors
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import (
    Organisation,
    OrganisationAlias,
    OrganisationLineage,
    OrganisationPlacement,
    ReorganisationEvent,
)
from dangvien.organisations.reorganisation import OrganisationSpec
from dangvien.people.models import Person
from dangvien.people.tests.factories import PersonFactory
from dangvien.targets.models import Target

pytestmark = pytest.mark.django_db

JUNE_30 = dt.date(2025, 6, 30)
JULY_1 = dt.date(2025, 7, 1)
DECISION = {"effective_date": JULY_1, "decision_number": "123-QĐ/TU"}


def _snapshot():
    return {
        "organisations": list(Organisation.objects.values_list("pk", "path", "valid_to", "code")),
        "placements": OrganisationPlacement.objects.count(),
        "events": ReorganisationEvent.objects.count(),
        "lineage": OrganisationLineage.objects.count(),
        "membership_events": MembershipEvent.objects.count(),
        "memberships": list(Membership.objects.values_list("pk", "organisation_id")),
        "dossiers": list(Dossier.objects.values_list("pk", "organisation_id")),
        "roles": list(RoleAssignment.objects.values_list("pk", "organisation_id", "ended_at")),
        "targets": list(Target.objects.values_list("pk", "organisation_id", "value")),
        "audit": AuditEvent.objects.count(),
    }


def _dossier(cell):
    return Dossier.objects.create(
        person=PersonFactory(organisation=cell),
        organisation=cell,
        stage="outstanding",
        opened_on=dt.date(2025, 2, 1),
    )


def test_merge_cells_into_a_new_cell_hands_everything_over(persona_tree, national_admin):
    tree = persona_tree
    one, two = make_member(tree.branch), make_member(tree.branch_two)
    dossier = _dossier(tree.branch)
    Target.objects.create(organisation=tree.branch, year=2025, value=3, assigned_by=national_admin)
    Target.objects.create(
        organisation=tree.branch_two, year=2025, value=2, assigned_by=national_admin
    )
    Target.objects.create(organisation=tree.branch, year=2024, value=9, assigned_by=national_admin)
    secretary = tree.users["branch_secretary"]
    members_before = Membership.objects.count()

    event = reorg.merge(
        [tree.branch, tree.branch_two],
        into=OrganisationSpec(code="CB12", name="Chi bộ thôn 1-2", kind=K.CELL),
        handover_reference="BB-01/2025",
        actor=national_admin,
        **DECISION,
    )

    new = Organisation.objects.get(code="CB12")
    assert new.valid_from == JULY_1 and new.get_parent() == tree.commune_north
    for source in (tree.branch, tree.branch_two):
        source.refresh_from_db()
        assert source.valid_to == JUNE_30
    # members follow as a dated membership event; old events stay where they happened
    assert set(Membership.objects.filter(organisation=new).values_list("pk", flat=True)) == {
        one.pk,
        two.pk,
    }
    moved = MembershipEvent.objects.filter(kind=EventKind.REORGANISATION)
    assert {(row.membership_id, row.date, row.organisation_id) for row in moved} == {
        (one.pk, JULY_1, new.pk),
        (two.pk, JULY_1, new.pk),
    }
    assert MembershipEvent.objects.filter(membership=one, organisation=tree.branch).count() == 2
    assert Person.objects.get(membership=one).organisation == new
    assert Membership.objects.count() == members_before
    dossier.refresh_from_db()
    assert dossier.organisation == new
    # targets from the effective date's year are summed, earlier ones stay history
    assert Target.objects.get(organisation=new, year=2025).value == 5
    assert not Target.objects.filter(organisation=new, year=2024).exists()
    # scopes follow: the cell secretary now holds the new cell
    assert RoleAssignment.objects.current().get(user=secretary).organisation == new
    assert RoleAssignment.objects.filter(user=secretary, ended_at__isnull=False).count() == 1
    # the event, its lineage and audit
    assert event.handover_reference == "BB-01/2025"
    assert set(event.sources.all()) == {tree.branch, tree.branch_two}
    assert list(event.targets.all()) == [new]
    assert event.data["facts"]["members"]["moved"] == 2
    assert {link.organisation for link in selectors.predecessors(new)} == {
        tree.branch,
        tree.branch_two,
    }
    assert not any(link.approximate for link in selectors.predecessors(new))
    assert AuditEvent.objects.filter(action="organisations.reorganisation.merge").count() == 1
    # counted once, before and after, in today's tree and in the tree of 2024
    commune = Organisation.objects.get(pk=tree.commune_north.pk)
    now = Membership.objects.filter(selectors.structure_filter(commune)).count()
    then = (
        MembershipEvent.objects.filter(
            selectors.structure_filter(commune, on=dt.date(2024, 12, 31))
        )
        .values("membership")
        .distinct()
        .count()
    )
    assert now == then == 2


def test_merge_communes_re_parents_their_cells(persona_tree, national_admin):
    tree = persona_tree
    member = make_member(tree.branch_south)
    event = reorg.merge(
        [tree.commune_north, tree.commune_south],
        into=OrganisationSpec(
            code="XM", name="Đảng bộ xã Mới", kind=K.COMMUNE, parent=tree.region_north
        ),
        actor=national_admin,
        **DECISION,
    )
    new = Organisation.objects.get(code="XM")
    assert {child.code for child in new.get_children()} == {"CB01", "CB02", "CB03"}
    assert sorted(event.data["children"]) == sorted(
        [tree.branch.pk, tree.branch_two.pk, tree.branch_south.pk]
    )
    south = Organisation.objects.get(pk=tree.region_south.pk)
    assert Membership.objects.filter(selectors.structure_filter(south)).count() == 0
    assert Membership.objects.filter(selectors.structure_filter(south, on=JUNE_30)).get() == member
    line = selectors.lineage_line(new)
    assert line is not None
    assert line.text.startswith("so với cùng kỳ của 2 đảng bộ xã cũ: ")
    # the scope of the old commune's office moved to the new commune
    office = tree.users["grassroots_office"]
    assert RoleAssignment.objects.current().get(user=office).organisation == new


def test_scopes_may_be_ended_instead(persona_tree, national_admin):
    tree = persona_tree
    reorg.merge(
        [tree.branch, tree.branch_two],
        into=OrganisationSpec(code="CB12", name="Chi bộ thôn 1-2", kind=K.CELL),
        actor=national_admin,
        end_facts={"role_assignments"},
        **DECISION,
    )
    secretary = tree.users["branch_secretary"]
    assert not RoleAssignment.objects.current().filter(user=secretary).exists()
    ended = RoleAssignment.objects.get(user=secretary)
    assert "123-QĐ/TU" in ended.end_note


def test_a_refusal_in_the_middle_of_a_merge_leaves_nothing_behind(persona_tree, national_admin):
    tree = persona_tree
    make_member(tree.branch)
    make_member(tree.commune_south)  # a member held by a committee: needs a cell to go to
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        reorg.merge(
            [tree.commune_north, tree.commune_south],
            into=OrganisationSpec(
                code="XM", name="Đảng bộ xã Mới", kind=K.COMMUNE, parent=tree.region_north
            ),
            actor=national_admin,
            **DECISION,
        )
    assert caught.value.rule == "facts_need_cell"
    assert _snapshot() == before


def test_an_effective_date_before_facts_at_the_source_is_refused(persona_tree, national_admin):
    tree = persona_tree
    make_member(  # ceremony 21/6/2025
        tree.branch, status="probationary", decision_date=dt.date(2025, 6, 1)
    )
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        reorg.merge(
            [tree.branch, tree.branch_two],
            into=OrganisationSpec(code="CB12", name="Chi bộ 1-2", kind=K.CELL),
            actor=national_admin,
            effective_date=dt.date(2025, 6, 15),
            decision_number="1",
        )
    assert caught.value.rule == "facts_before_effective_date"
    assert "21/06/2025" in str(caught.value)
    assert _snapshot() == before


def test_merge_refusals(persona_tree, national_admin):
    tree = persona_tree
    cases = [
        # cells with a committee
        ([tree.branch, tree.commune_south], tree.commune_north, "sources_same_level"),
        # a committee into a cell
        ([tree.commune_south], tree.branch, "target_level"),
        # into one of its own children
        (
            [tree.commune_north],
            OrganisationSpec("X9", "X9", K.COMMUNE, parent=tree.branch),
            "move_under_own_subtree",
        ),
    ]
    before = _snapshot()
    for sources, into, rule in cases:
        with pytest.raises(DomainError) as caught:
            reorg.merge(sources, into=into, actor=national_admin, **DECISION)
        assert caught.value.rule == rule
    Organisation.objects.filter(pk=tree.branch_two.pk).update(valid_to=dt.date(2025, 1, 1))
    tree.branch_two.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        reorg.merge([tree.branch], into=tree.branch_two, actor=national_admin, **DECISION)
    assert caught.value.rule == "target_in_force"
    assert caught.value.found and caught.value.required
    after = _snapshot()
    after["organisations"] = before["organisations"]  # the end date set by the test itself
    assert after == before


def test_split_a_cell_by_the_callers_mapping(persona_tree, national_admin):
    tree = persona_tree
    one, two = make_member(tree.branch), make_member(tree.branch)
    dossier = _dossier(tree.branch)
    parts = [
        OrganisationSpec(code="CB1A", name="Chi bộ thôn 1A", kind=K.CELL),
        OrganisationSpec(code="CB1B", name="Chi bộ thôn 1B", kind=K.CELL),
    ]
    # a member left without a destination: refused, nothing written
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        reorg.split(
            tree.branch,
            parts=parts,
            facts={"members": {one.pk: "CB1A"}},
            reason="chia theo địa bàn thôn",
            actor=national_admin,
            **DECISION,
        )
    assert caught.value.rule == "fact_without_destination"
    assert _snapshot() == before

    event = reorg.split(
        tree.branch,
        parts=parts,
        facts={"members": {one.pk: "CB1A", two.pk: "CB1B"}},
        default_part="CB1A",
        reason="chia theo địa bàn thôn",
        actor=national_admin,
        **DECISION,
    )
    a, b = Organisation.objects.get(code="CB1A"), Organisation.objects.get(code="CB1B")
    assert Membership.objects.get(pk=one.pk).organisation == a
    assert Membership.objects.get(pk=two.pk).organisation == b
    assert Dossier.objects.get(pk=dossier.pk).organisation == a
    links = selectors.successors(tree.branch)
    assert {link.organisation for link in links} == {a, b}
    assert all(link.approximate for link in links)
    line = selectors.lineage_line(a)
    assert line is not None and line.approximate and "chia theo địa bàn thôn" in line.text
    assert event.data["reason"] == "chia theo địa bàn thôn"


def test_split_a_commune_must_place_every_cell(persona_tree, national_admin):
    tree = persona_tree
    parts = [
        OrganisationSpec(code="XA", name="Xã A", kind=K.COMMUNE),
        OrganisationSpec(code="XB", name="Xã B", kind=K.COMMUNE),
    ]
    with pytest.raises(DomainError) as caught:
        reorg.split(
            tree.commune_north,
            parts=parts,
            children={tree.branch.pk: "XA"},
            reason="theo thôn",
            actor=national_admin,
            **DECISION,
        )
    assert caught.value.rule == "no_orphan_cell"
    assert not Organisation.objects.filter(code__in=["XA", "XB"]).exists()
    reorg.split(
        tree.commune_north,
        parts=parts,
        children={tree.branch.pk: "XA", tree.branch_two.pk: "XB"},
        default_part="XA",  # the roles on the old commune
        reason="theo thôn",
        actor=national_admin,
        **DECISION,
    )
    assert Organisation.objects.get(pk=tree.branch_two.pk).get_parent().code == "XB"
    office = tree.users["grassroots_office"]
    assert RoleAssignment.objects.current().get(user=office).organisation.code == "XA"


def test_move_rename_dissolve(persona_tree, national_admin):
    tree = persona_tree
    member = make_member(tree.branch)
    reorg.move(tree.commune_north, new_parent=tree.region_south, actor=national_admin, **DECISION)
    assert Organisation.objects.get(pk=tree.commune_north.pk).get_parent() == tree.region_south
    north = Organisation.objects.get(pk=tree.region_north.pk)
    assert Membership.objects.filter(selectors.structure_filter(north, on=JUNE_30)).get() == member
    assert not Membership.objects.filter(selectors.structure_filter(north)).exists()
    # a move refusals
    for node, parent, rule in [
        (tree.region_south, tree.branch, "parent_not_cell"),
        (tree.region_south, tree.commune_north, "move_under_own_subtree"),
        (tree.commune_north, tree.region_south, "move_changes_parent"),
    ]:
        with pytest.raises(DomainError) as caught:
            reorg.move(node, new_parent=parent, actor=national_admin, **DECISION)
        assert caught.value.rule == rule

    reorg.rename(
        tree.commune_north,
        code="X01M",
        name="Đảng bộ xã Bắc Mới",
        actor=national_admin,
        **DECISION,
    )
    renamed = Organisation.objects.get(pk=tree.commune_north.pk)
    assert (renamed.code, renamed.name) == ("X01M", "Đảng bộ xã Bắc Mới")
    alias = OrganisationAlias.objects.get(organisation=renamed)
    assert (alias.code, alias.name, alias.valid_to) == ("X01", "Đảng bộ xã Bắc Một", JUNE_30)

    # dissolve: refused while the region still holds nothing? it holds no cell now
    with pytest.raises(DomainError) as caught:
        reorg.dissolve(tree.region_south, actor=national_admin, **DECISION)
    assert caught.value.rule == "dissolve_without_live_facts"
    officer = tree.users["region_officer"]
    reorg.dissolve(tree.region_north, actor=national_admin, **DECISION)
    assert Organisation.objects.get(pk=tree.region_north.pk).valid_to == JUNE_30
    # without a successor, scopes on it end (never widened to the parent)
    assert not RoleAssignment.objects.current().filter(user=officer).exists()


def test_an_ended_organisation_accepts_no_new_facts(persona_tree, national_admin):
    from dangvien.admissions import services as admissions

    tree = persona_tree
    reorg.merge(
        [tree.branch, tree.branch_two],
        into=OrganisationSpec(code="CB12", name="Chi bộ thôn 1-2", kind=K.CELL),
        actor=national_admin,
        **DECISION,
    )
    old = Organisation.objects.get(pk=tree.branch.pk)
    with pytest.raises(DomainError) as caught:
        admissions.open_dossier(
            person=PersonFactory(organisation=old),
            organisation=old,
            date=dt.date(2025, 8, 1),
            actor=national_admin,
        )
    assert caught.value.rule == "organisation_in_force"


def test_a_renamed_organisation_is_found_by_its_former_name_and_code(
    persona_tree, national_admin, client_for
):
    reorg.rename(
        persona_tree.branch_two,
        code="CB02M",
        name="Chi bộ Hai Mới",
        actor=national_admin,
        **DECISION,
    )
    client = client_for("national_admin")
    for q in ("thôn 2", "CB02", "Hai Mới"):
        rows = client.get("/api/v1/organisations/", {"q": q}).json()
        items = rows["items"] if isinstance(rows, dict) else rows
        assert [row["code"] for row in items] == ["CB02M"], q
    lineage = client.get(f"/api/v1/organisations/{persona_tree.branch_two.pk}/lineage").json()
    assert lineage["aliases"][0]["code"] == "CB02"
    assert lineage["events"][0]["kind"] == "rename"
