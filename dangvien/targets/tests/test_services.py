import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.targets.models import Target, TargetChange
from dangvien.targets.selectors import get_target_allocation
from dangvien.targets.services import set_target


def test_set_target_creates_it_with_history_and_audit(persona_tree, region_officer):
    target = set_target(persona_tree.commune_north, year=2025, value=12, actor=region_officer)

    assert (target.value, target.assigned_by) == (12, region_officer)
    change = TargetChange.objects.get(target=target)
    assert (change.old_value, change.new_value) == (None, 12)
    event = AuditEvent.objects.get(action="targets.target.assigned")
    assert event.organisation == persona_tree.commune_north
    assert event.data["to"] == 12


def test_changing_a_target_keeps_the_previous_value(persona_tree, region_officer):
    set_target(persona_tree.commune_north, year=2025, value=12, actor=region_officer)

    set_target(persona_tree.commune_north, year=2025, value=15, actor=region_officer, note="NQ 5")

    assert Target.objects.get().value == 15
    latest = TargetChange.objects.order_by("-pk").first()
    assert (latest.old_value, latest.new_value, latest.note) == (12, 15, "NQ 5")
    assert AuditEvent.objects.filter(action="targets.target.changed").count() == 1


def test_same_value_again_changes_nothing(persona_tree, region_officer):
    set_target(persona_tree.commune_north, year=2025, value=12, actor=region_officer)
    set_target(persona_tree.commune_north, year=2025, value=12, actor=region_officer)

    assert TargetChange.objects.count() == 1


def test_only_the_organisation_above_assigns(persona_tree, region_officer, branch_secretary):
    # region_officer is on T01: may assign X01 (child of T01) but not T01 itself (assigned by TW)
    with pytest.raises(DomainError) as exc:
        set_target(persona_tree.region_north, year=2025, value=100, actor=region_officer)
    assert exc.value.rule == "target_assigned_by_parent"
    assert "Trung ương" in exc.value.message
    with pytest.raises(DomainError):
        set_target(persona_tree.branch, year=2025, value=3, actor=branch_secretary)
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="targets.").exists()


@pytest.mark.parametrize(
    ("kind", "value", "rule"),
    [
        ("admissions", -1, "target_value_min"),
        ("front_group_heads", 101, "target_percentage_max"),
        ("nonsense", 5, "target_kind"),
    ],
)
def test_bad_values_are_refused_in_vietnamese(persona_tree, region_officer, kind, value, rule):
    with pytest.raises(DomainError) as exc:
        set_target(
            persona_tree.commune_north, year=2025, value=value, kind=kind, actor=region_officer
        )

    assert exc.value.rule == rule
    assert not Target.objects.exists()


def test_allocation_warns_over_and_under_but_does_not_block(persona_tree, national_admin):
    set_target(persona_tree.region_north, year=2025, value=10, actor=national_admin)
    set_target(persona_tree.commune_north, year=2025, value=12, actor=national_admin)

    over = get_target_allocation(organisation=persona_tree.region_north, year=2025)
    assert (over.children_sum, over.difference) == (12, 2)
    assert "vượt chỉ tiêu của cấp này (10) 2 đảng viên" in over.warning

    set_target(persona_tree.commune_north, year=2025, value=7, actor=national_admin)
    under = get_target_allocation(organisation=persona_tree.region_north, year=2025)
    assert under.difference == -3
    assert "còn thiếu 3" in under.warning


def test_coverage_target_is_a_percentage(persona_tree, region_officer):
    target = set_target(
        persona_tree.commune_north,
        year=2025,
        value=70,
        kind=Target.Kind.FRONT_GROUP_HEADS,
        actor=region_officer,
    )
    assert target.is_percentage
