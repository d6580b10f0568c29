import datetime as dt

import pytest

from dangvien.core.dates import add_months, full_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 31), -1, dt.date(2025, 2, 28)),
        (dt.date(2020, 9, 15), 60, dt.date(2025, 9, 15)),
        (dt.date(2025, 12, 1), -12, dt.date(2024, 12, 1)),
        (dt.date(2025, 5, 10), 0, dt.date(2025, 5, 10)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2007, 6, 15), dt.date(2025, 6, 15), 216),
        (dt.date(2007, 6, 15), dt.date(2025, 6, 14), 215),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 28), 0),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 1),
        (dt.date(2024, 1, 31), dt.date(2024, 3, 30), 1),
        (dt.date(2025, 6, 15), dt.date(2025, 6, 1), 0),
    ],
)
def test_full_months_counts_whole_months_only(start, end, expected):
    assert full_months(start, end) == expected
