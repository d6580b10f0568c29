"""A reorganisation plan: a draft of ordered operations, previewed as a whole (rolled back),
applied atomically. The 1/7/2025 shape: a district's communes merged into a new commune
directly under the province, the district dissolved."""

import datetime as dt

import pytest

from dangvien.accounts.choices import Role
from dangvien.accounts.models import RoleAssignment, User
from dangvien.core.errors import DomainError
from dangvien.members.models import Membership, MembershipEvent
from dangvien.members.tests.factories import make_member
from dangvien.organisations import plans, selectors
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import (
    Organisation,
    OrganisationPlacement,
    ReorganisationEvent,
    ReorganisationPlan,
)
from dangvien.organisations.tests.factories import make_organisation

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)


@pytest.fixture
def district(persona_tree):
    province = persona_tree.region_north
    district = make_organisation(province, code="H01", name="Huyện ủy Đông", kind=K.DISTRICT)
    communes = []
    for letter in "ABC":
        commune = make_organisation(
            district, code=f"X{letter}", name=f"Đảng bộ xã {letter}", kind=K.COMMUNE
        )
        cell = make_organisation(commune, code=f"CB{letter}", name=f"Chi bộ {letter}")
        make_member(cell, decision_date=dt.date(2016, 3, 1))
        communes.append(commune)
    officer = User.objects.create_user(username="huyen", password="mat-khau-thu-nghiem-1")
    RoleAssignment.objects.create(user=officer, role=Role.ORG_BOARD, organisation=district)
    return district, communes, officer


OPERATIONS = [
    {
        "kind": "merge",
        "spec": {
            "sources": ["XA", "XB", "XC"],
            "into": {"code": "XM", "name": "Đảng bộ xã Mới", "kind": "commune", "parent": "T01"},
        },
    },
    {"kind": "dissolve", "spec": {"organisation": "H01"}},
]


def _plan(persona_tree, national_admin, operations=OPERATIONS):
    return plans.create_plan(
        root=persona_tree.region_north,
        effective_date=JULY_1,
        decision_number="31-HD/BTCTW",
        handover_reference="BB-2025",
        operations=operations,
        actor=national_admin,
    )


def test_preview_shows_everything_and_changes_nothing(persona_tree, national_admin, district):
    plan = _plan(persona_tree, national_admin)
    before = (
        list(Organisation.objects.values_list("pk", "path", "valid_to")),
        OrganisationPlacement.objects.count(),
        ReorganisationEvent.objects.count(),
    )
    preview = plans.preview_plan(plan, actor=national_admin)
    assert preview.ok
    merge, dissolve = preview.operations
    assert merge.children == 3
    assert merge.targets == ["XM — Đảng bộ xã Mới"]
    assert dissolve.facts["role_assignments"]["ended"] == 1
    assert preview.totals["role_assignments"]["ended"] == 1
    after = (
        list(Organisation.objects.values_list("pk", "path", "valid_to")),
        OrganisationPlacement.objects.count(),
        ReorganisationEvent.objects.count(),
    )
    assert after == before
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_apply_reproduces_the_two_level_tree(persona_tree, national_admin, district):
    district_node, _communes, officer = district
    members_before = Membership.objects.count()
    events_before = MembershipEvent.objects.count()
    plan = _plan(persona_tree, national_admin)
    events = plans.apply_plan(plan, actor=national_admin)
    assert [event.kind for event in events] == ["merge", "dissolve"]
    new = Organisation.objects.get(code="XM")
    assert new.get_parent() == persona_tree.region_north
    assert {child.code for child in new.get_children()} == {"CBA", "CBB", "CBC"}
    district_node.refresh_from_db()
    assert district_node.valid_to == dt.date(2025, 6, 30)
    # history: the district's 2016 admissions are still its own in the tree of 2016
    in_2016 = Membership.objects.filter(
        selectors.structure_filter(district_node, on=dt.date(2016, 12, 31), field="admitted_in")
    )
    assert in_2016.count() == 3
    assert Membership.objects.filter(selectors.structure_filter(district_node)).count() == 0
    assert Membership.objects.filter(selectors.structure_filter(new)).count() == 3
    assert Membership.objects.count() == members_before
    assert MembershipEvent.objects.count() == events_before  # the cells did not end
    assert len(selectors.predecessors(new)) == 3
    # the district's officer: the scope ended, not widened to the province
    assert not RoleAssignment.objects.current().filter(user=officer).exists()
    plan.refresh_from_db()
    assert plan.status == "applied"
    assert all(event.plan == plan for event in events)
    with pytest.raises(DomainError):
        plans.apply_plan(plan, actor=national_admin)


def test_a_refused_operation_refuses_the_whole_plan(persona_tree, national_admin, district):
    # dissolving the district before its communes are merged away is refused
    plan = _plan(persona_tree, national_admin, [OPERATIONS[0], OPERATIONS[1], OPERATIONS[1]])
    preview = plans.preview_plan(plan, actor=national_admin)
    assert [operation.refused for operation in preview.operations] == [False, False, True]
    before = list(Organisation.objects.values_list("pk", "path", "valid_to", "code"))
    with pytest.raises(DomainError) as caught:
        plans.apply_plan(plan, actor=national_admin)
    assert str(caught.value).startswith("Thao tác 3 (Giải thể): ")
    assert list(Organisation.objects.values_list("pk", "path", "valid_to", "code")) == before
    assert not ReorganisationEvent.objects.exists()
    assert ReorganisationPlan.objects.get(pk=plan.pk).status == "draft"


def test_only_tree_administrators_plan(persona_tree, district):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _plan(persona_tree, persona_tree.users["branch_secretary"])
    # the region's org board plans in its region
    plan = _plan(persona_tree, persona_tree.users["region_officer"])
    assert plans.preview_plan(plan, actor=persona_tree.users["region_officer"]).ok


@pytest.mark.parametrize("kind", ["merge", "split", "move", "rename", "dissolve"])
def test_the_wizard_of_each_operation_renders(kind, persona_tree, client_for):
    response = client_for("region_officer").get(
        f"/organisations/{persona_tree.commune_north.pk}/reorganise/{kind}/"
    )
    assert response.status_code == 200
    assert "Xem trước" in response.content.decode()


def test_the_plan_page_previews_then_applies(persona_tree, national_admin, district, client_for):
    plan = _plan(persona_tree, national_admin)
    client = client_for("region_officer")
    page = client.post(f"/organisations/plans/{plan.pk}/", {"action": "preview"})
    assert page.status_code == 200
    assert "Mọi thao tác đều thực hiện được." in page.content.decode()
    assert not Organisation.objects.filter(code="XM").exists()
    client.post(f"/organisations/plans/{plan.pk}/", {"action": "apply"})
    assert Organisation.objects.filter(code="XM").exists()
    assert ReorganisationPlan.objects.get(pk=plan.pk).status == "applied"


def test_a_draft_grows_through_the_wizard(persona_tree, national_admin, district, client_for):
    plan = _plan(persona_tree, national_admin, OPERATIONS[:1])
    client = client_for("region_officer")
    response = client.post(
        f"/organisations/{persona_tree.region_north.pk}/reorganise/dissolve/?plan={plan.pk}",
        {
            "plan": plan.pk,
            "effective_date": "01/07/2025",
            "decision_number": "31-HD/BTCTW",
            "organisation": "H01",
            "action": "draft",
        },
    )
    assert response.status_code == 302
    assert [op.kind for op in plan.operations.order_by("position")] == ["merge", "dissolve"]
