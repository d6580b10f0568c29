"""seed_demo --reorganise-2025: the two-level tree of 1/7/2025 through the plan services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from dangvien.accounts.choices import Role
from dangvien.accounts.models import RoleAssignment
from dangvien.demo.context import DEMO_TODAY
from dangvien.members.models import Membership
from dangvien.organisations.models import Organisation, OrganisationLineage, ReorganisationEvent
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report

pytestmark = pytest.mark.django_db


def test_the_demo_province_is_two_level_after_1_july_2025():
    call_command("seed_demo", "--small", stdout=io.StringIO())
    district = Organisation.objects.get(code="DBD")
    before = {
        year: get_admission_report(
            organisation=district, period=build_period("year", year=year), today=DEMO_TODAY
        ).admitted
        for year in (2016, 2024)
    }
    members = Membership.objects.count()

    call_command("seed_demo", "--small", "--reorganise-2025", stdout=io.StringIO())  # seeded: no-op
    assert not ReorganisationEvent.objects.exists()
    from dangvien.demo.context import DemoContext
    from dangvien.demo.organisations import reorganise_2025

    admin = RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN).first().user
    reorganise_2025(DemoContext(small=True, actor=admin))

    district.refresh_from_db()
    assert district.valid_to == dt.date(2025, 6, 30)
    province = Organisation.objects.get(code="DB")
    in_force = Organisation.objects.children_of(province).filter(valid_to__isnull=True)
    assert {o.kind for o in in_force} == {"commune", "bloc"}
    new = Organisation.objects.get(code="X-ML")
    assert OrganisationLineage.objects.filter(successor=new).count() == 3
    # the district's own years, on its own tree; nothing lost
    for year, admitted in before.items():
        report = get_admission_report(
            organisation=district, period=build_period("year", year=year), today=DEMO_TODAY
        )
        assert report.admitted == admitted
    assert Membership.objects.count() == members
    # seed 004's district ended the same day; its 2023 stays its own (210 admitted)
    tua_chua = Organisation.objects.get(code="TCH")
    assert tua_chua.valid_to == dt.date(2025, 6, 30)
    report = get_admission_report(
        organisation=tua_chua, period=build_period("year", year=2023), today=DEMO_TODAY
    )
    assert report.admitted == 210
    assert not RoleAssignment.objects.filter(
        ended_at__isnull=True, organisation__valid_to__isnull=False
    ).exists()
