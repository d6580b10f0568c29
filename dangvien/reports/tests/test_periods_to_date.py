"""Period figures that never mislead (issue 13, item 4), with hand-computed values.

The machine's today does not matter: every report is built with an explicit ``today``."""

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.admissions.models import Dossier
from dangvien.core.errors import DomainError
from dangvien.people.tests.factories import PersonFactory
from dangvien.reports.periods import Period, build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.summary import build_summary
from dangvien.reports.tests.builders import Traits, admit_people
from dangvien.targets.services import set_target

NOV_30 = dt.date(2026, 11, 30)


def test_a_running_period_is_reported_to_date_and_keeps_its_name():
    period = build_period("year", year=2026).as_of(NOV_30)

    assert (period.start, period.end, period.named.end) == (
        dt.date(2026, 1, 1),
        NOV_30,
        dt.date(2026, 12, 31),
    )
    assert period.to_date
    assert period.label == "Năm 2026 (từ 01/01 đến 30/11/2026)"
    assert period.lead == "Năm 2026, từ 01/01 đến 30/11/2026"
    # the same days a year earlier, not the whole of 2025
    previous = period.previous_year()
    assert (previous.start, previous.end) == (dt.date(2025, 1, 1), dt.date(2025, 11, 30))
    # 1 January → 30 November is 334 days of 365: 91,5% of 2026
    assert (period.days, period.named.days) == (334, 365)
    assert round(period.share_gone * 100, 1) == 91.5
    # links reopen the whole named period (reported to date again when opened)
    assert period.as_params() == {"from": "2026-01-01", "to": "2026-12-31"}
    # an ended period is itself
    ended = build_period("quarter", year=2026, quarter=2)
    assert ended.as_of(NOV_30) is ended


def test_a_future_period_is_refused_with_the_reason():
    with pytest.raises(DomainError) as refused:
        build_period("month", year=2026, month=12).as_of(NOV_30)

    assert refused.value.rule == "period_future"
    assert "Tháng 12/2026 chưa bắt đầu" in refused.value.message
    assert "30/11/2026" in refused.value.message


def test_year_to_date_on_30_november(persona_tree, national_admin):
    commune, cell = persona_tree.commune_north, persona_tree.branch
    set_target(commune, year=2026, value=12, actor=national_admin)
    admit_people([cell], Traits(10), dates=[dt.date(2025, 3, 10), dt.date(2025, 11, 30)], tag="a")
    admit_people([cell], Traits(5), dates=[dt.date(2025, 12, 15)], tag="b")  # after the days
    admit_people([cell], Traits(9), dates=[dt.date(2026, 2, 10), NOV_30], tag="c")
    # the forecast counts only eligible dossiers: one at the cell vote, one whose awareness
    # certificate expired, one stopped
    for i, (status, kind, deadline) in enumerate(
        [
            ("open", "", None),
            ("open", "certificate_expiry", dt.date(2026, 10, 1)),
            ("stopped", "", None),
        ]
    ):
        Dossier.objects.create(
            person=PersonFactory(organisation=cell, full_name=f"Hồ sơ {i}"),
            organisation=cell,
            stage="cell_vote",
            status=status,
            opened_on=dt.date(2026, 3, 1),
            next_deadline_kind=kind,
            next_deadline=deadline,
        )

    report = get_admission_report(
        organisation=commune, period=build_period("year", year=2026), today=NOV_30
    )

    assert (report.admitted, report.previous) == (9, 10)  # not 15: December 2025 is left out
    assert report.percent_vs_same_period == 90  # 9 ÷ 10 (the whole of 2025: 60,0%)
    assert report.target_scope == "year"
    assert report.percent_of_target == 75  # 9 ÷ 12
    pacing = report.pacing
    assert (pacing.days_gone, pacing.days_total) == (334, 365)
    assert pacing.share.quantize(Decimal("0.1")) == Decimal("91.5")
    assert pacing.expected == Decimal("11.0")  # 12 × 334/365 = 10,98
    assert pacing.status == "behind"
    assert "khi đã qua 91,5% thời gian của năm 2026 (334/365 ngày" in pacing.text
    # 9 admitted + the one eligible dossier at the cell vote (weight 100%)
    assert report.forecast is not None
    assert (report.forecast.value, report.forecast.excluded) == (10, 1)
    assert report.forecast.explanation == (
        "Dự báo đến 31/12/2026 kết nạp khoảng 10 đảng viên, bằng 83,3% chỉ tiêu năm."
    )
    assert "1 hồ sơ ở bước «Chi bộ xét, biểu quyết» (tính 100%)" in report.forecast.method
    summary = build_summary(report)
    assert summary.startswith(
        "Năm 2026, từ 01/01 đến 30/11/2026, toàn Đảng bộ xã đã kết nạp 9 đảng viên, "
        "đạt 75,0% kế hoạch, giảm 10,0% so với cùng kỳ năm 2025 "
        "(cùng khoảng thời gian từ 01/01 đến 30/11/2025)."
    )
    assert "giảm 100" not in summary and "=" not in summary


def _quarter_world(persona_tree, national_admin):
    commune, cell = persona_tree.commune_north, persona_tree.branch
    set_target(commune, year=2026, value=12, actor=national_admin)
    admit_people([cell], Traits(2), dates=[dt.date(2025, 5, 5)], tag="q25")
    admit_people([cell], Traits(3), dates=[dt.date(2026, 2, 2)], tag="q1")
    admit_people([cell], Traits(4), dates=[dt.date(2026, 4, 4), dt.date(2026, 6, 30)], tag="q2")
    admit_people([cell], Traits(3), dates=[dt.date(2026, 10, 10)], tag="q4")
    return commune


def test_a_quarter_without_a_quarter_target_says_the_target_is_yearly(persona_tree, national_admin):
    commune = _quarter_world(persona_tree, national_admin)

    report = get_admission_report(
        organisation=commune, period=build_period("quarter", year=2026, quarter=2), today=NOV_30
    )

    assert report.admitted == 4
    assert report.target_scope == "year" and report.target == 12
    assert report.percent_of_target is None  # never "quý II đạt 33,3% kế hoạch"
    assert report.percent_vs_same_period == 200  # 4 ÷ 2
    # paced on the year: 7 admitted by 30/06 (day 181 of 365), 12 × 181/365 = 5,95
    assert (report.pacing.admitted, report.pacing.days_gone) == (7, 181)
    assert str(report.pacing.expected) == "6.0"
    assert report.pacing.status == "ahead"
    summary = build_summary(report)
    assert summary.startswith(
        "Trong quý II/2026, toàn Đảng bộ xã đã kết nạp 4 đảng viên, chỉ tiêu được giao cho cả "
        "năm (12 đảng viên): từ đầu năm đến 30/06/2026 đã kết nạp 7, đạt 58,3% chỉ tiêu cả năm, "
        "tăng 100,0% so với cùng kỳ năm 2025."
    )


def test_a_quarter_with_its_own_target_is_measured_against_it(persona_tree, national_admin):
    commune = _quarter_world(persona_tree, national_admin)
    set_target(commune, year=2026, value=5, period="q2", actor=national_admin)
    set_target(commune, year=2026, value=6, period="q4", actor=national_admin)

    q2 = get_admission_report(
        organisation=commune, period=build_period("quarter", year=2026, quarter=2), today=NOV_30
    )
    assert (q2.target_scope, q2.target, q2.year_target) == ("q2", 5, 12)
    assert q2.percent_of_target == 80  # 4 ÷ 5
    assert (q2.pacing.days_gone, q2.pacing.days_total) == (91, 91)
    assert "đạt 80,0% chỉ tiêu quý II/2026" in build_summary(q2)

    # the fourth quarter is running: 1/10 → 30/11 is 61 days of 92 (66,3%)
    q4 = get_admission_report(
        organisation=commune, period=build_period("quarter", year=2026, quarter=4), today=NOV_30
    )
    assert q4.period.label == "Quý IV/2026 (từ 01/10 đến 30/11/2026)"
    assert q4.percent_of_target == 50  # 3 ÷ 6
    assert (q4.pacing.days_gone, q4.pacing.days_total) == (61, 92)
    assert str(q4.pacing.expected) == "4.0"  # 6 × 61/92 = 3,98
    assert q4.pacing.status == "behind"
    assert "khi đã qua 66,3% thời gian của quý IV/2026" in q4.pacing.text


def test_a_part_year_target_is_only_for_admissions(persona_tree, national_admin):
    with pytest.raises(DomainError) as refused:
        set_target(
            persona_tree.commune_north,
            year=2026,
            value=50,
            kind="village_heads",
            period="q1",
            actor=national_admin,
        )
    assert refused.value.rule == "target_period"


def test_the_first_half_without_its_own_target_is_against_the_whole_year(
    persona_tree, national_admin
):
    commune = _quarter_world(persona_tree, national_admin)
    report = get_admission_report(
        organisation=commune, period=build_period("half", year=2026), today=NOV_30
    )
    assert report.percent_of_target is not None
    assert "đạt 58,3% chỉ tiêu cả năm" in build_summary(report)  # 7 ÷ 12


def test_page_api_and_command_refuse_a_future_month(client_for, persona_tree):
    params = {"org": persona_tree.commune_north.pk, "period": "month", "year": 2099, "month": 1}
    page = client_for("national_admin").get("/reports/admissions/", params)
    assert page.status_code == 400
    assert "chưa bắt đầu" in page.content.decode()
    assert "giảm 100,0%" not in page.content.decode()
    api = client_for("national_admin").get("/api/v1/reports/admissions", params)
    assert api.status_code == 400
    assert api.json()["rule"] == "period_future"


def test_period_label_of_the_second_half():
    assert Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31)).label == "6 tháng cuối năm 2026"
    assert Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31)).part == "h2"


def test_page_api_and_command_say_to_date_the_same_way(client_for, persona_tree, national_admin):
    import io

    import time_machine
    from django.core.management import call_command

    set_target(persona_tree.commune_north, year=2026, value=12, actor=national_admin)
    admit_people([persona_tree.branch], Traits(3), dates=[dt.date(2026, 5, 5)], tag="t")
    params = {"org": persona_tree.commune_north.pk, "period": "year", "year": 2026}
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0), tick=False):
        page = client_for("national_admin").get("/reports/admissions/", params)
        data = client_for("national_admin").get("/api/v1/reports/admissions", params).json()
        out = io.StringIO()
        call_command(
            "report",
            "--org",
            persona_tree.commune_north.code,
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "text",
            stdout=out,
        )
    html = page.content.decode()
    assert page.status_code == 200
    # the meeting document downloads from the page, as Word or PDF, signed as chosen
    assert 'formaction="/reports/admissions/export.pdf"' in html
    assert '<option value="preparer">' in html
    assert (
        "Năm 2026 chưa kết thúc: số liệu tính từ 01/01 đến 30/11/2026 (đã qua 91,5% thời gian "
        "của kỳ) và so với cùng kỳ từ 01/01 đến 30/11/2025."
    ) in html
    assert data["period"] == {
        "from": "2026-01-01",
        "to": "2026-11-30",
        "label": "Năm 2026 (từ 01/01 đến 30/11/2026)",
        "to_date": True,
        "named_to": "2026-12-31",
        "share_gone_percent": 91.5,
    }
    assert data["same_period"] == {"from": "2025-01-01", "to": "2025-11-30"}
    assert data["pacing"]["share_of_year_percent"] == 91.5
    assert (data["pacing"]["days_gone"], data["pacing"]["days_total"]) == (334, 365)
    assert data["summary"].startswith("Năm 2026, từ 01/01 đến 30/11/2026, toàn Đảng bộ xã")
    assert out.getvalue().strip() == data["summary"]
