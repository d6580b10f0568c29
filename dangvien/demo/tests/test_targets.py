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
    # this year's targets are on the tree of today (after 1/7/2025): the new communes and
    # blocs; the first of them assigns 3 more than it was given (the allocation warning)
    in_force = [row.organisation for row in children.children if row.organisation.valid_to is None]
    assert {o.kind for o in in_force} == {"commune", "bloc"}
    differences = [
        get_target_allocation(organisation=o, year=DEMO_TODAY.year).difference for o in in_force
    ]
    assert differences.count(3) == 1 and set(differences) <= {0, 3}
    ended = [row for row in children.children if row.organisation.valid_to is not None]
    assert all(row.target is None for row in ended)
    assert TargetChange.objects.exists()
    count = Target.objects.count()

    from dangvien.demo.context import DemoContext
    from dangvien.demo.targets import seed

    seed(DemoContext(organisations={"DB": province}, actor=own.assigned_by))  # idempotent
    assert Target.objects.count() == count
    seed(None)  # no context: nothing
