"""The history of the tree: placements written on create and on a move, the tree as it was on a
date (``structure_filter``, ``subtree_on``), lineage (predecessors, successors, the line)."""

import datetime as dt

import pytest

from dangvien.core.errors import DomainError
from dangvien.members.models import MembershipEvent
from dangvien.members.tests.factories import make_member
from dangvien.organisations import selectors, services
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.choices import ReorganisationKind
from dangvien.organisations.models import (
    Organisation,
    OrganisationLineage,
    OrganisationPlacement,
    ReorganisationEvent,
    placement_segment,
)
from dangvien.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

JUNE_30 = dt.date(2025, 6, 30)
JULY_1 = dt.date(2025, 7, 1)


def test_every_node_of_the_persona_tree_has_one_open_placement_with_a_pk_path(persona_tree):
    rows = {row.organisation_id: row for row in OrganisationPlacement.objects.filter(valid_to=None)}
    assert len(rows) == Organisation.objects.count()
    tree = persona_tree
    expected = "".join(
        placement_segment(org.pk) for org in (tree.root, tree.region_north, tree.commune_north)
    )
    assert rows[tree.commune_north.pk].path == expected
    assert rows[tree.commune_north.pk].parent_id == tree.region_north.pk
    assert rows[tree.branch.pk].path.startswith(expected)
    assert rows[tree.branch.pk].depth == 4


def test_the_service_writes_a_placement_under_the_parent(persona_tree, region_officer):
    cell = services.create_organisation(
        parent=persona_tree.commune_north,
        code="CB09",
        name="Chi bộ thôn 9",
        kind="cell",
        actor=region_officer,
        valid_from=dt.date(2020, 1, 1),
    )
    placement = OrganisationPlacement.objects.get(organisation=cell)
    parent = OrganisationPlacement.objects.get(organisation=persona_tree.commune_north)
    assert placement.path == parent.path + placement_segment(cell.pk)
    assert placement.valid_from == dt.date(2020, 1, 1)
    assert placement.valid_to is None


def test_write_missing_placements_covers_bulk_created_nodes(persona_tree):
    OrganisationPlacement.objects.filter(
        organisation__path__startswith=persona_tree.region_south.path
    ).delete()
    assert services.write_missing_placements() == 3
    south = OrganisationPlacement.objects.get(organisation=persona_tree.branch_south)
    assert south.path.startswith(
        OrganisationPlacement.objects.get(organisation=persona_tree.region_south).path
    )
    assert services.write_missing_placements() == 0


def _move_commune_north_under_south(tree):
    return services.relocate_subtree(tree.commune_north, tree.region_south, effective_date=JULY_1)


def test_a_move_closes_and_opens_placements_of_the_whole_subtree(persona_tree):
    tree = persona_tree
    assert _move_commune_north_under_south(tree) == 3
    tree.commune_north.refresh_from_db()
    assert tree.commune_north.path.startswith(
        Organisation.objects.get(pk=tree.region_south.pk).path
    )
    closed = OrganisationPlacement.objects.filter(valid_to=JUNE_30)
    assert {row.organisation_id for row in closed} == {
        tree.commune_north.pk,
        tree.branch.pk,
        tree.branch_two.pk,
    }
    opened = OrganisationPlacement.objects.get(organisation=tree.branch, valid_from=JULY_1)
    south = OrganisationPlacement.objects.get(organisation=tree.region_south)
    assert opened.path.startswith(south.path)
    assert opened.valid_to is None


def test_structure_filter_today_and_on_a_past_date(persona_tree):
    tree = persona_tree
    north_member = make_member(tree.branch)
    south_member = make_member(tree.branch_south)
    _move_commune_north_under_south(tree)
    for org in (tree.region_north, tree.region_south):
        org.refresh_from_db()

    def members(org, on=None):
        return set(
            MembershipEvent.objects.filter(selectors.structure_filter(org, on=on))
            .values_list("membership_id", flat=True)
            .distinct()
        )

    # today's tree: the commune (and its cell) now sits under the south
    assert members(tree.region_south) == {north_member.pk, south_member.pk}
    assert members(tree.region_north) == set()
    # the tree of 2024: where it happened
    assert members(tree.region_north, dt.date(2024, 12, 31)) == {north_member.pk}
    assert members(tree.region_south, dt.date(2024, 12, 31)) == {south_member.pk}
    assert members(tree.region_south, JULY_1) == {north_member.pk, south_member.pk}
    # the facts themselves never moved
    assert set(
        MembershipEvent.objects.filter(membership=north_member).values_list(
            "organisation_id", flat=True
        )
    ) == {tree.branch.pk}


def test_structure_filter_is_the_fast_prefix_when_nothing_moved(persona_tree):
    tree = persona_tree
    _move_commune_north_under_south(tree)
    tree.commune_south.refresh_from_db()
    fast = selectors.structure_filter(tree.commune_south, on=dt.date(2024, 1, 1))
    assert fast.children == [("organisation__in_subtree", tree.commune_south.path)]
    tree.region_south.refresh_from_db()
    slow = selectors.structure_filter(tree.region_south, on=dt.date(2024, 1, 1))
    assert slow.children[0][0] == "organisation__in"


def test_structure_filter_builds_in_constant_queries(persona_tree, django_assert_num_queries):
    tree = persona_tree
    _move_commune_north_under_south(tree)
    tree.region_north.refresh_from_db()
    for _ in range(3):  # a wider subtree costs no more queries
        make_organisation(tree.commune_south, code=f"CBX{_}", kind=K.CELL)
    with django_assert_num_queries(2):
        condition = selectors.structure_filter(tree.region_north, on=dt.date(2024, 1, 1))
    with django_assert_num_queries(1):
        list(MembershipEvent.objects.filter(condition))


def test_an_organisation_not_yet_founded_holds_nothing_on_an_earlier_date(persona_tree):
    tree = persona_tree
    new = make_organisation(tree.region_north, code="XM", kind=K.COMMUNE, valid_from=JULY_1)
    assert list(selectors.subtree_on(new, JUNE_30)) == []
    assert list(selectors.subtree_on(new, JULY_1)) == [new]
    assert list(selectors.subtree_on(new, None)) == [new]


def test_subtree_on_a_date(persona_tree):
    tree = persona_tree
    _move_commune_north_under_south(tree)
    tree.region_north.refresh_from_db()
    before = set(selectors.subtree_on(tree.region_north, JUNE_30))
    assert before == {tree.region_north, tree.commune_north, tree.branch, tree.branch_two}
    assert set(selectors.subtree_on(tree.region_north, JULY_1)) == {tree.region_north}


def test_a_move_dated_before_the_last_placement_is_refused(persona_tree):
    tree = persona_tree
    _move_commune_north_under_south(tree)
    tree.region_north.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        services.relocate_subtree(
            tree.commune_north, tree.region_north, effective_date=dt.date(2025, 1, 1)
        )
    assert caught.value.rule == "reorganisation_after_last_change"


def test_a_merge_dated_before_a_source_was_moved_is_refused_not_a_server_error(
    persona_tree, national_admin
):
    from dangvien.organisations import reorganisation as reorg
    from dangvien.organisations.reorganisation import OrganisationSpec

    tree = persona_tree
    _move_commune_north_under_south(tree)
    with pytest.raises(DomainError) as caught:
        reorg.merge(
            [tree.commune_north, tree.commune_south],
            into=OrganisationSpec(code="XHN", name="Xã Hợp Nhất", kind=K.COMMUNE),
            actor=national_admin,
            effective_date=dt.date(2025, 3, 1),
            decision_number="9-QĐ/TU",
        )
    assert caught.value.rule == "reorganisation_after_last_change"
    assert "01/07/2025" in caught.value.message and "01/03/2025" in caught.value.message
    assert not Organisation.objects.filter(code="XHN").exists()


def _merge_edges(tree):
    new = make_organisation(tree.region_north, code="XNEW", name="Xã Mới", kind=K.COMMUNE)
    other = make_organisation(tree.region_north, code="XOLD", name="Xã Cũ", kind=K.COMMUNE)
    merge = ReorganisationEvent.objects.create(
        kind=ReorganisationKind.MERGE, date=JULY_1, decision_number="01-QĐ/TU"
    )
    for source in (tree.commune_north, other):
        OrganisationLineage.objects.create(predecessor=source, successor=new, event=merge)
    return new, other, merge


def test_predecessors_successors_and_the_line(persona_tree, django_assert_num_queries):
    tree = persona_tree
    new, other, _merge = _merge_edges(tree)
    later = make_organisation(tree.region_north, code="XLATER", name="Xã Sau", kind=K.COMMUNE)
    split = ReorganisationEvent.objects.create(
        kind=ReorganisationKind.SPLIT, date=dt.date(2026, 1, 1), data={"reason": "chia theo thôn"}
    )
    OrganisationLineage.objects.create(
        predecessor=new, successor=later, event=split, approximate=True
    )
    with django_assert_num_queries(3):
        links = selectors.predecessors(later)
    # direct first, then by code
    assert [(link.organisation, link.approximate) for link in links] == [
        (new, True),
        (tree.commune_north, True),
        (other, True),
    ]
    assert links[0].event == split
    assert [link.organisation for link in selectors.predecessors(later, transitive=False)] == [new]
    assert {link.organisation for link in selectors.successors(tree.commune_north)} == {new, later}
    line = selectors.lineage_line(new)
    assert line is not None and not line.approximate
    assert line.text.startswith("so với cùng kỳ của 2 đảng bộ xã cũ: ")
    assert "Đảng bộ xã Bắc Một" in line.text and "Xã Cũ" in line.text
    split_line = selectors.lineage_line(later)
    assert split_line is not None and split_line.approximate
    assert "chia theo thôn" in split_line.text
    assert selectors.lineage_line(tree.branch) is None


def test_require_in_force(persona_tree):
    Organisation.objects.filter(pk=persona_tree.branch_two.pk).update(valid_to=JUNE_30)
    persona_tree.branch_two.refresh_from_db()
    services.require_in_force(persona_tree.branch_two, JUNE_30)
    with pytest.raises(DomainError) as caught:
        services.require_in_force(persona_tree.branch_two, JULY_1)
    assert caught.value.rule == "organisation_in_force"
    assert "30/06/2025" in str(caught.value)


def test_the_backfill_migration_gives_every_node_its_placement(persona_tree):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "dangvien.organisations.migrations.0004_backfill_placements"
    )
    before = {row.organisation_id: row.path for row in OrganisationPlacement.objects.all()}
    OrganisationPlacement.objects.all().delete()
    migration.backfill(apps, None)
    after = {row.organisation_id: row.path for row in OrganisationPlacement.objects.all()}
    assert after == before
