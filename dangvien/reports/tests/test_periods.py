import datetime as dt

import pytest

from dangvien.core.errors import DomainError
from dangvien.reports.periods import Period, build_period


@pytest.mark.parametrize(
    ("args", "start", "end", "label"),
    [
        (("month", {"month": 2}), dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Tháng 2/2024"),
        (("quarter", {"quarter": 3}), dt.date(2024, 7, 1), dt.date(2024, 9, 30), "Quý III/2024"),
        (("half", {}), dt.date(2024, 1, 1), dt.date(2024, 6, 30), "6 tháng đầu năm 2024"),
        (("nine", {}), dt.date(2024, 1, 1), dt.date(2024, 9, 30), "9 tháng đầu năm 2024"),
        (
            ("ytd", {"month": 11}),
            dt.date(2024, 1, 1),
            dt.date(2024, 11, 30),
            "Đến hết tháng 11/2024",
        ),
        (("year", {}), dt.date(2024, 1, 1), dt.date(2024, 12, 31), "Năm 2024"),
    ],
)
def test_period_kinds(args, start, end, label):
    kind, extra = args
    period = build_period(kind, year=2024, **extra)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_same_period_last_year_shifts_both_ends():
    leap = Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)).previous_year()
    assert (leap.start, leap.end) == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    back = Period(dt.date(2025, 1, 1), dt.date(2025, 2, 28)).previous_year()
    assert back.end == dt.date(2024, 2, 29)  # end of February stays end of February
    span = Period(dt.date(2024, 3, 5), dt.date(2024, 7, 15)).previous_year()
    assert (span.start, span.end) == (dt.date(2023, 3, 5), dt.date(2023, 7, 15))
    assert span.label == "Từ 05/03/2023 đến 15/07/2023"


def test_bad_periods_are_refused():
    with pytest.raises(DomainError):
        Period(dt.date(2024, 5, 1), dt.date(2024, 4, 1))
    with pytest.raises(DomainError):
        build_period("quarter", year=2024, quarter=5)
    with pytest.raises(DomainError):
        build_period("fortnight", year=2024)
