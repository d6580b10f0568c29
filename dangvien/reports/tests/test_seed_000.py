"""Done-when: the figures of seed 000 (Điện Biên Đông, 06/01/2017), reproduced exactly."""

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.core.formatting import format_percent
from dangvien.reports.periods import build_period
from dangvien.reports.selectors import get_admission_report
from dangvien.reports.summary import build_summary
from dangvien.reports.tests.builders import build_seed_000

SEED_SENTENCE = (
    "Đến hết tháng 11/2016, toàn Đảng bộ huyện đã kết nạp 265 đảng viên, đạt 176,7% kế hoạch "
    "(vượt 76,7%), tăng 62,6% so với cùng kỳ năm 2015. Trong số đảng viên mới kết nạp, nữ 77 "
    "người, dân tộc thiểu số 211 người (79,6%), đoàn viên 188 người, nông dân 146 người"
)


@pytest.fixture
def seed_000(persona_tree, national_admin):
    return build_seed_000(persona_tree.region_north, actor=national_admin)


def test_reproduces_the_published_figures(seed_000):
    period = build_period("ytd", year=2016, month=11)
    assert (period.start, period.end) == (dt.date(2016, 1, 1), dt.date(2016, 11, 30))

    report = get_admission_report(
        organisation=seed_000.district, period=period, today=dt.date(2017, 1, 6)
    )

    assert report.admitted == 265
    assert report.target == 150
    assert report.previous == 163
    assert format_percent(report.percent_of_target) == "176,7%"
    assert format_percent(report.percent_vs_same_period) == "162,6%"
    b = report.breakdown
    assert (b["women"].count, b["ethnic_minority"].count) == (77, 211)
    assert (b["youth_union"].count, b["farmers"].count, b["rural"].count) == (188, 146, 226)
    assert format_percent(b["ethnic_minority"].percent) == "79,6%"
    assert format_percent(b["rural"].percent) == "85,3%"
    # 37 / 16 = 231,25 → 231,3 (half-up, not banker's)
    assert b["university"].ratio == Decimal("231.3")
    assert b["age_18_30"].count == 245
    assert b["age_36_40"].count == 20


def test_summary_sentence_is_the_seeds(seed_000):
    report = get_admission_report(
        organisation=seed_000.district,
        period=build_period("ytd", year=2016, month=11),
        today=dt.date(2017, 1, 6),
    )

    summary = build_summary(report)

    assert summary.startswith(SEED_SENTENCE)
    assert "ở nông thôn 226 người (85,3%)" in summary
    assert "trình độ đại học trở lên 37 người, bằng 231,3% so với cùng kỳ (tăng 131,3%)" in summary
