from django.core.management import call_command

from dangvien.demo.context import DEMO_TODAY
from dangvien.targets.models import Target, TargetChange
from dangvien.targets.selectors import get_target_allocation


def test_demo_targets_are_seeded_once_with_a_visible_warning(db):
    call_command("seed_demo", "--small", verbosity=0)

    from dangvien.organisations.models import Organisation

    province = Organisation.objects.get(code="DB")
    own = Target.objects.get(organisation=province, year=DEMO_TODAY.year, kind="admissions")
    children = get_target_allocation(organisation=province, year=DEMO_TODAY.year)
    assert children.children_sum == own.value
    first_child = children.children[0].organisation
    assert get_target_allocation(organisation=first_child, year=DEMO_TODAY.year).difference == 3
    assert TargetChange.objects.exists()
    count = Target.objects.count()

    from dangvien.demo.context import DemoContext
    from dangvien.demo.targets import seed

    seed(DemoContext(organisations={"DB": province}, actor=own.assigned_by))  # idempotent
    assert Target.objects.count() == count
    seed(None)  # no context: nothing
