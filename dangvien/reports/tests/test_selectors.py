import datetime as dt

from dangvien.core import counters
from dangvien.members.models import Membership, MembershipEvent
from dangvien.organisations.tests.factories import make_organisation
from dangvien.reports.periods import Period, build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.summary import build_summary
from dangvien.reports.tests.builders import Traits, admit_people, build_district, months
from dangvien.targets.models import Target


def _report(org, period, today=dt.date(2030, 1, 1)):
    return get_admission_report(organisation=org, period=period, today=today)


def test_zero_base_shows_dash_not_an_error(persona_tree):
    report = _report(persona_tree.region_north, build_period("year", year=2024))

    assert report.percent_vs_same_period is None
    assert report.percent_of_target is None
    assert report.breakdown["women"].percent is None
    assert "chưa kết nạp được đảng viên nào" in build_summary(report)


def test_children_rows_targets_and_meeting(persona_tree, national_admin):
    d = build_district(persona_tree.region_north, communes=3)
    Target.objects.bulk_create(
        [
            Target(organisation=c, year=2024, value=v, assigned_by=national_admin)
            for c, v in zip(d.communes, [2, 10, 3], strict=True)
        ]
    )
    for commune_cells, n, tag in (
        (d.cells[0:2], 4, "a"),
        (d.cells[2:4], 5, "b"),
        (d.cells[4:6], 3, "c"),
    ):
        admit_people(commune_cells, Traits(n), dates=months(2024, 1, 3), tag=tag)
    admit_people(d.cells[0:1], Traits(2), dates=months(2023, 1, 2), tag="old")

    report = _report(d.district, build_period("ytd", year=2024, month=6))

    rows = {row.organisation.code: row for row in report.children}
    assert [rows[c.code].admitted for c in d.communes] == [4, 5, 3]
    assert rows[d.communes[0].code].previous == 2
    assert str(rows[d.communes[0].code].ratio) == "200.0"
    assert [r.organisation.code for r in report.children_meeting_target] == [
        d.communes[0].code,
        d.communes[2].code,
    ]
    # no target of its own: the children's sum stands in, and says so
    assert (report.target, report.target_source) == (15, "children")


def test_query_count_does_not_grow_with_the_tree(persona_tree, django_assert_num_queries):
    small = build_district(persona_tree.region_north, code="S", communes=1)
    admit_people(small.cells, Traits(3), dates=months(2024, 1, 3), tag="s")
    big = build_district(persona_tree.region_south, code="B", communes=6)
    admit_people(big.cells, Traits(60, women=30), dates=months(2024, 1, 12), tag="b")
    period = build_period("year", year=2024)

    # today's tree: the path prefix, plus one query for the lineage behind the comparison;
    # membership at the end is one statement (the roll-ups by month, or the cells' balances
    # and the changes after the end)
    with django_assert_num_queries(11):
        _report(small.district, period, today=dt.date(2024, 6, 1))
    with django_assert_num_queries(11):
        _report(big.district, period, today=dt.date(2024, 6, 1))
    # a closed year is counted on its own tree: two more to resolve the structure root
    with django_assert_num_queries(13):
        _report(big.district, period, today=dt.date(2026, 6, 1))


def test_membership_at_end_follows_events(persona_tree, national_admin):
    cell = make_organisation(persona_tree.commune_north, code="CBX")
    members = admit_people([cell], Traits(3), dates=[dt.date(2020, 1, 10)], tag="m", official=True)
    removed = members[0]
    with counters.tracking("membership", [removed.pk]):  # arranged by hand: counted as a service
        MembershipEvent.objects.create(
            membership=removed, status="removed", organisation=cell, date=dt.date(2022, 5, 1)
        )
        Membership.objects.filter(pk=removed.pk).update(status="removed")

    before = _report(persona_tree.commune_north, Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
    after = _report(persona_tree.commune_north, Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))

    assert before.membership["total"] == 3
    assert before.membership["recognised_official"] == 3  # official 366 days after 10/01/2020
    assert after.membership["total"] == 2
    assert after.membership["official"] == 2


def test_pacing_and_forecast_explain_themselves(persona_tree, national_admin):
    from dangvien.admissions.models import Dossier
    from dangvien.people.tests.factories import PersonFactory

    Target.objects.create(
        organisation=persona_tree.commune_north, year=2024, value=20, assigned_by=national_admin
    )
    admit_people([persona_tree.branch], Traits(6), dates=months(2024, 1, 3), tag="p")
    for stage in ("cell_vote", "application", "application", "outstanding"):
        Dossier.objects.create(
            person=PersonFactory(organisation=persona_tree.branch),
            organisation=persona_tree.branch,
            stage=stage,
            opened_on=dt.date(2024, 2, 1),
        )

    report = _report(
        persona_tree.commune_north, build_period("half", year=2024), today=dt.date(2024, 6, 30)
    )

    assert report.pacing.status == "behind"  # 6 of 20 with half the year gone
    assert "khi đã qua 49,7% thời gian của năm" in report.pacing.text
    assert report.forecast is not None
    assert report.forecast.value == 8  # 6 + 1 × 100% + 2 × 50%
    assert report.forecast.explanation == (
        "Dự báo đến 31/12/2024 kết nạp khoảng 8 đảng viên, bằng 40,0% chỉ tiêu năm."
    )
    assert "=" not in report.forecast.explanation  # no formula in the prose
    assert "6 đảng viên" in report.forecast.method
    assert "2 hồ sơ ở bước «Đơn và lý lịch» (tính 50%)" in report.forecast.method


def test_the_compiled_aggregate_equals_the_orm_one(persona_tree):
    """The admissions aggregate is compiled once per shape and run with each call's dates and
    subtree: its figures equal the ORM's for every subtree and period, empty ones included."""
    from dangvien.reports.selectors import (
        _aggregates_queryset,
        admission_aggregates_from_facts,
    )

    d = build_district(persona_tree.region_north, communes=2)
    admit_people(d.cells[0:2], Traits(5, women=2), dates=months(2024, 1, 6), tag="a")
    admit_people(d.cells[2:4], Traits(4), dates=months(2023, 3, 9), tag="b")
    from dangvien.organisations.models import OrganisationPlacement
    from dangvien.organisations.selectors import StructureRoot

    organisations = (d.district, d.communes[0], d.communes[1], persona_tree.region_south)
    roots = [StructureRoot(o.path, None) for o in organisations] + [
        # a past tree: the placements in force that day (the second compiled shape)
        StructureRoot(OrganisationPlacement.objects.get(organisation=o).path, dt.date(2024, 6, 1))
        for o in organisations
    ]
    for organisation in roots:
        for year in (2023, 2024, 2025):
            period = build_period("year", year=year)
            periods = {
                "cur": period,
                "prev": period.previous_year(),
                "ytd": build_period("ytd", year=year, month=6),
            }
            orm = dict(_aggregates_queryset(organisation, periods, frozenset({"cur"})).get())
            orm.pop("_all")
            compiled = admission_aggregates_from_facts(organisation, periods, {"cur"})
            assert compiled.keys() == orm.keys()
            for key, value in orm.items():
                assert (None if value is None else float(value)) == (
                    None if compiled[key] is None else float(compiled[key])
                ), (organisation, year, key)
    assert admission_aggregates_from_facts(d.district, periods, {"cur"})["cur_total"] == 0


def test_membership_at_end_follows_a_transfer_after_the_end(persona_tree, national_admin):
    north = make_organisation(persona_tree.commune_north, code="CBN")
    south = make_organisation(persona_tree.commune_south, code="CBS")
    moved, _stay = admit_people([north], Traits(2), dates=[dt.date(2020, 1, 10)], tag="t")
    with counters.tracking("membership", [moved.pk]):
        MembershipEvent.objects.create(
            membership=moved, status=moved.status, organisation=south, date=dt.date(2023, 3, 1)
        )
        Membership.objects.filter(pk=moved.pk).update(organisation=south)
    year_2022 = Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    year_2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))

    assert _report(persona_tree.commune_north, year_2022).membership["total"] == 2
    assert _report(persona_tree.commune_south, year_2022).membership["total"] == 0
    assert _report(persona_tree.commune_north, year_2023).membership["total"] == 1
    assert _report(persona_tree.commune_south, year_2023).membership["total"] == 1
