"""The admitted counters (``members.admitted``, issue 12): kept in the transactions that write
memberships and people, equal to a rebuild from the facts; the report's admission figures read
from them equal the figures counted from the memberships, on today's tree and a past one."""

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.core import counters
from dangvien.members import services as member_services
from dangvien.members.admitted import COLUMNS, SPEC
from dangvien.members.breakdowns import CRITERIA
from dangvien.members.models import AdmittedCount, Membership
from dangvien.organisations import reorganisation as ops
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import Organisation
from dangvien.organisations.selectors import resolve_structure
from dangvien.people import services as people_services
from dangvien.people.models import EthnicGroup
from dangvien.people.tests.factories import PersonFactory
from dangvien.reports.periods import Period, build_period
from dangvien.reports.selectors import (
    _admission_aggregates,
    _children_rows,
    admission_aggregates_from_facts,
    get_admission_report,
    get_monthly_admissions,
)
from dangvien.reports.tests.builders import Traits, admit_people, build_district, months

pytestmark = pytest.mark.django_db

D = dt.date
MERGED_ON = D(2024, 7, 1)
OLD_TREE = D(2024, 6, 30)


def assert_counters_equal_a_rebuild():
    assert counters.stored(SPEC) == counters.computed(SPEC)
    assert counters.stored_rollups(SPEC) == counters.computed_rollups(SPEC)


def test_every_criterion_has_a_column():
    fields = {field.name for field in AdmittedCount._meta.get_fields()}
    keys = [criterion.key for criterion in CRITERIA]
    assert set(keys) <= fields, set(keys) - fields
    assert ("admitted", "aged", "age_sum", *keys) == COLUMNS
    assert SPEC.name in {spec.name for spec in counters.specs()}


@pytest.fixture
def world(persona_tree, national_admin):
    """A district of three communes (two cells each): bulk-built admissions over 2023 and 2024
    with every trait, one admitted and one registered through the services; the first two
    communes merged on 1/7/2024 (the old tree differs from today's)."""
    d = build_district(persona_tree.region_north, communes=3)
    admit_people(
        d.cells[0:4],
        Traits(
            40,
            women=13,
            minority=25,
            youth=20,
            farmers=15,
            rural=30,
            university=6,
            religious=4,
            over_30=9,
        ),
        dates=[*months(2024, 1, 11), D(2024, 6, 30), D(2024, 7, 1)],
        tag="a",
    )
    admit_people(
        d.cells[1:6],
        Traits(25, women=6, minority=12, farmers=8, over_30=5),
        dates=months(2023, 1, 12, day=20),
        tag="b",
        official=True,
    )
    admitted = member_services.admit_member(
        person=PersonFactory(organisation=d.cells[5], sex="female"),
        organisation=d.cells[5],
        decision_date=D(2024, 5, 2),
        decision_number="12-QĐ/HU",
        ceremony_date=D(2024, 5, 20),
        actor=national_admin,
    )
    registered = member_services.register_existing_member(
        person=PersonFactory(organisation=d.cells[2]),
        organisation=d.cells[2],
        decision_date=D(2023, 9, 9),
        ceremony_date=D(2023, 9, 19),
        actor=national_admin,
    )
    assert admitted.pk and registered.pk
    ops.merge(
        d.communes[0:2],
        into=ops.OrganisationSpec(code="DBDXM", name="Đảng bộ xã Mới", kind=K.COMMUNE),
        effective_date=MERGED_ON,
        decision_number="31-HD/BTCTW",
        actor=national_admin,
    )
    for organisation in (d.district, *d.communes):
        organisation.refresh_from_db()
    d.merged = Organisation.objects.get(code="DBDXM")
    return d


PERIODS = (
    build_period("year", year=2024),
    build_period("ytd", year=2024, month=6),
    build_period("quarter", year=2024, quarter=3),
    build_period("month", year=2023, month=9),
    # reported to date: partial months at both ends (the roll-ups' months and cell days)
    Period(D(2024, 2, 10), D(2024, 8, 20)),
    Period(D(2024, 5, 2), D(2024, 5, 31)),
)


def _rounded(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def test_counters_equal_a_rebuild(world):
    assert AdmittedCount.objects.exists()
    assert_counters_equal_a_rebuild()
    total = sum(row[0] for row in counters.stored(SPEC).values())
    assert total == Membership.objects.count() == 40 + 25 + 2


def test_report_figures_from_counters_equal_the_facts(world, persona_tree):
    d = world
    # the nation, a province and the level under it read the roll-ups on today's tree
    organisations = (
        d.district,
        d.communes[0],
        d.communes[2],
        d.merged,
        persona_tree.region_north,
        persona_tree.root,
    )
    # the old commune on the old tree is a past root (the placements of that day)
    assert resolve_structure(d.communes[0], OLD_TREE).on == OLD_TREE
    for organisation in organisations:
        for on in (None, OLD_TREE):
            root = resolve_structure(organisation, on)
            for period in PERIODS:
                periods = {
                    "cur": period,
                    "prev": period.previous_year(),
                    "ytd": period.year_to_date(),
                }
                facts = admission_aggregates_from_facts(root, periods, {"cur", "prev"})
                counted = _admission_aggregates(root, periods, {"cur", "prev"})
                where = (organisation.code, on, period.start, period.end)
                assert counted.keys() == facts.keys(), where
                for key, value in facts.items():
                    if key.endswith("_avg_age"):
                        assert _rounded(counted[key]) == _rounded(value), (where, key)
                    else:
                        assert counted[key] == value, (where, key)
                assert _children_rows(
                    organisation, root, period, periods["prev"]
                ) == _children_rows(organisation, root, period, periods["prev"], from_facts=True)
            # the dashboard's series: the same memberships by month
            series = get_monthly_admissions(organisation=organisation, year=2024, structure=root)
            for year in (2023, 2024):
                for month in range(1, 13):
                    period = build_period("month", year=year, month=month)
                    expected = admission_aggregates_from_facts(root, {"m": period}, set())
                    assert series[year][month - 1] == expected["m_total"], (
                        organisation.code,
                        on,
                        period.start,
                    )
    # the figures are there at all: the merged commune's 2024 on today's tree and the old one
    old = get_admission_report(
        organisation=d.communes[0], period=PERIODS[0], structure=OLD_TREE, today=D(2025, 1, 5)
    )
    new = get_admission_report(
        organisation=d.merged, period=PERIODS[0], structure=None, today=D(2025, 1, 5)
    )
    assert old.admitted > 0 and new.admitted > old.admitted
    assert new.average_age is not None


def _figures(organisation):
    report = get_admission_report(
        organisation=organisation,
        period=build_period("year", year=2024),
        structure=None,
        today=D(2025, 1, 5),
    )
    return (
        report.admitted,
        report.breakdown["women"].count,
        report.breakdown["ethnic_minority"].count,
    )


def test_a_person_correction_moves_the_counts(world, national_admin):
    d = world
    membership = (
        Membership.objects.filter(
            admitted_in__in=d.cells[0:4],
            decision_date__year=2024,
            person__sex="male",
            person__ethnic_group__code="01",
        )
        .select_related("person")
        .first()
    )
    before = _figures(d.district)
    people_services.update_person(
        membership.person,
        actor=national_admin,
        sex="female",
        ethnic_group=EthnicGroup.objects.get(code="03"),
    )
    assert _figures(d.district) == (before[0], before[1] + 1, before[2] + 1)
    assert_counters_equal_a_rebuild()
    people_services.bulk_update_people(
        {membership.person.pk: {"sex": "male"}}, actor=national_admin
    )
    assert _figures(d.district) == (before[0], before[1], before[2] + 1)
    assert_counters_equal_a_rebuild()


def test_bulk_registered_members_are_counted(world, national_admin):
    d = world
    before = _figures(d.communes[2])
    people = [PersonFactory(organisation=d.cells[4], sex="female") for _ in range(3)]
    member_services.bulk_register_members(
        [
            {
                "person_id": person.pk,
                "organisation": d.cells[4],
                "decision_date": D(2024, 10, 1 + i),
                "ceremony_date": D(2024, 10, 10 + i),
            }
            for i, person in enumerate(people)
        ],
        actor=national_admin,
    )
    assert _figures(d.communes[2]) == (before[0] + 3, before[1] + 3, before[2])
    assert_counters_equal_a_rebuild()


def test_rebuild_restores_lost_counters(world, national_admin):
    stored = counters.stored(SPEC)
    AdmittedCount.objects.all().delete()
    member_services.rebuild_counters(actor=national_admin)
    assert counters.stored(SPEC) == stored
