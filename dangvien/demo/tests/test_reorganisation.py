"""seed_demo builds the two-level tree of 1/7/2025 by default (the plan through the services);
``--before-2025`` keeps the district. The seeds' figures hold after the reorganisation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from dangvien.accounts.models import RoleAssignment
from dangvien.core.formatting import format_number, format_percent
from dangvien.demo.context import DEMO_ACCOUNTS, DEMO_TODAY
from dangvien.members.models import Membership
from dangvien.organisations.models import Organisation, OrganisationLineage, ReorganisationEvent
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.summary import build_summary
from dangvien.targets.models import Target

pytestmark = pytest.mark.django_db

E = dt.date(2025, 7, 1)
SEED_000_SENTENCE = (
    "Đến hết tháng 11/2016, toàn Đảng bộ huyện đã kết nạp 265 đảng viên, đạt 176,7% kế hoạch "
    "(vượt 76,7%), tăng 62,6% so với cùng kỳ năm 2015. Trong số đảng viên mới kết nạp, nữ 77 "
    "người, dân tộc thiểu số 211 người (79,6%), đoàn viên 188 người, nông dân 146 người"
)


def _report(code: str, year: int, **kwargs):
    return get_admission_report(
        organisation=Organisation.objects.get(code=code),
        period=build_period("year", year=year, **kwargs),
        today=DEMO_TODAY,
    )


def _assert_two_level(*, new_communes: int) -> None:
    district = Organisation.objects.get(code="DBD")
    assert district.valid_to == E - dt.timedelta(days=1)
    province = Organisation.objects.get(code="DB")
    in_force = Organisation.objects.children_of(province).filter(valid_to__isnull=True)
    assert {o.kind for o in in_force} == {"commune", "bloc"}
    assert not Organisation.objects.filter(kind="district", valid_to__isnull=True).exists()
    assert Organisation.objects.get(code="KCQ").valid_to == E - dt.timedelta(days=1)
    assert set(in_force.filter(kind="bloc").values_list("code", flat=True)) == {"KDCQ", "KUB"}
    new = Organisation.objects.get(code="X-ML")
    assert OrganisationLineage.objects.filter(successor=new).count() == 3
    assert in_force.filter(code__startswith="X-", kind="commune").count() == new_communes
    # scopes followed the successors: no live role on an ended organisation
    assert not RoleAssignment.objects.filter(
        ended_at__isnull=True, organisation__valid_to__isnull=False
    ).exists()
    scopes = {
        a.user.username: a.organisation.code
        for a in RoleAssignment.objects.filter(ended_at__isnull=True).select_related(
            "user", "organisation"
        )
    }
    assert {account.username for account in DEMO_ACCOUNTS} <= set(scopes)
    assert scopes["vanphong"] == "X-ML" and scopes["capuy"] == "X-ML"
    assert scopes["trungtam"] == "DB" and scopes["bithu"] == "DBD-ML-01"
    # this year's targets sit on the new organisations only
    ended_with_target = Target.objects.filter(
        year=DEMO_TODAY.year, organisation__valid_to__isnull=False
    )
    assert not ended_with_target.exists()
    for code in ("X-ML", "KDCQ", "KUB"):
        assert Target.objects.filter(organisation__code=code, year=DEMO_TODAY.year).exists()
    # last year's targets stay on the organisations of the tree of 1/1/2025
    assert Target.objects.filter(organisation__code="DBD", year=DEMO_TODAY.year - 1).exists()


def test_the_small_demo_is_two_level_by_default_and_before_2025_keeps_the_district():
    call_command("seed_demo", "--small", stdout=io.StringIO())

    assert ReorganisationEvent.objects.filter(date=E).exists()
    _assert_two_level(new_communes=1 + 4)  # X-ML, and seed 004's Tủa Chùa in four
    # seed 004's district ended the same day; its 2023 stays its own (210 of 200)
    tua_chua = Organisation.objects.get(code="TCH")
    assert tua_chua.valid_to == E - dt.timedelta(days=1)
    report = _report("TCH", 2023)
    assert (report.admitted, report.target) == (210, 200)
    # the new commune's comparison is the sum over its three predecessors
    report = _report("X-ML", DEMO_TODAY.year)
    assert report.lineage is not None and "3 đảng bộ xã cũ" in report.lineage.text
    assert report.target == Target.objects.get(organisation__code="X-ML", year=2026).value


def test_every_demo_login_opens_its_home_page_on_its_successor_scope(client):
    """The logins printed by seed_demo work on the new tree: each home page names the scope
    that followed the reorganisation and counts its probationers."""
    import re

    from dangvien.accounts.models import User
    from tests.support.mfa import force_login_with_mfa

    call_command("seed_demo", "--small", stdout=io.StringIO())
    scopes = {
        "quantri": "Đảng bộ tỉnh Điện Biên",
        "bantochuc": "Đảng bộ tỉnh Điện Biên",
        "vanphong": "Đảng bộ xã Mường Luân",
        "bithu": "Chi bộ bản Co Kham",
        "trungtam": "Đảng bộ tỉnh Điện Biên",
        "capuy": "Đảng bộ xã Mường Luân",
        "nguoixem": "Đảng bộ tỉnh Điện Biên",
    }
    for account in DEMO_ACCOUNTS:
        force_login_with_mfa(client, User.objects.get(username=account.username))
        page = client.get("/")
        assert page.status_code == 200, account.username
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
        assert f"Phạm vi: {scopes[account.username]}" in text, account.username
        probationers = re.search(r"([\d.]+) đảng viên dự bị", text)
        assert probationers and int(probationers.group(1).replace(".", "")) > 0, account.username
        client.logout()


def test_seed_demo_before_2025_keeps_the_district(db):
    call_command("seed_demo", "--small", "--before-2025", stdout=io.StringIO())

    assert not ReorganisationEvent.objects.exists()
    district = Organisation.objects.get(code="DBD")
    assert district.valid_to is None
    assert Target.objects.filter(organisation=district, year=DEMO_TODAY.year).exists()
    assert RoleAssignment.objects.get(user__username="vanphong").organisation.code == "DBD-ML"


def test_the_full_demo_gives_the_seeds_figures_after_the_reorganisation():
    """Seeds 000, 001 and 004 from organisations that no longer exist, counted on their own
    tree after the plan of 1/7/2025; dossiers crossing the date decided by the new commune."""
    call_command("seed_demo", stdout=io.StringIO())
    _assert_two_level(new_communes=4 + 4)

    # seed 000: Điện Biên Đông to the end of November 2016 (the year gives the same)
    for kwargs in ({}, {"month": 11}):
        period = build_period("ytd" if kwargs else "year", year=2016, **kwargs)
        report = get_admission_report(
            organisation=Organisation.objects.get(code="DBD"), period=period, today=DEMO_TODAY
        )
        assert (report.admitted, report.target, report.previous) == (265, 150, 163)
        assert format_percent(report.percent_of_target) == "176,7%"
        assert format_percent(report.percent_vs_same_period) == "162,6%"  # +62,6%
    # and the article's whole sentence, breakdowns included
    summary = build_summary(report)
    assert summary.startswith(SEED_000_SENTENCE)
    assert "ở nông thôn 226 người (85,3%)" in summary
    assert "trình độ đại học trở lên 37 người, bằng 231,3% so với cùng kỳ (tăng 131,3%)" in summary

    # seed 001: the provincial bloc's 2021, "187 đảng viên … 5.100 đảng viên"
    report = _report("KCQ", 2021)
    assert report.admitted == 187
    assert format_number(report.membership["total"]) == "5.100"

    # seed 004: Tủa Chùa 2023, 210/200
    report = _report("TCH", 2023)
    assert (report.admitted, report.target, format_percent(report.percent_of_target)) == (
        210,
        200,
        "105,0%",
    )

    # dossiers opened under an old commune before 1/7/2025, decided by the new one after it
    from dangvien.admissions.models import Step

    crossing = Step.objects.filter(
        stage="decision",
        date__gte=E,
        dossier__opened_on__lt=E,
        dossier__organisation__code__startswith="DBD-",
    )
    assert crossing.count() >= 3
    for step in crossing:
        assert step.details["decided_by"]["code"] == "X-ML"  # the new commune committee
    # no member left in an organisation that ended
    assert not Membership.objects.filter(organisation__valid_to__isnull=False).exists()
