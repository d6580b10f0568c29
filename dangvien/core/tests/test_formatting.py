import datetime as dt
from decimal import Decimal

import pytest

from dangvien.core import formatting
from dangvien.core.text import fold


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5100, "5.100"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (5_600_000, "5.600.000"),
        (-1234, "-1.234"),
    ],
)
def test_format_number_groups_thousands_with_dots(value, expected):
    assert formatting.format_number(value) == expected


def test_format_number_uses_decimal_comma():
    assert formatting.format_number(Decimal("1234.56"), 1) == "1.234,6"


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (265, 150, "176,7%"),
        (265, 163, "162,6%"),
        (211, 265, "79,6%"),
        (226, 265, "85,3%"),
        (1, 8, "12,5%"),
        (0, 0, "—"),
    ],
)
def test_ratio_rounds_half_up_to_one_decimal(num, den, expected):
    assert formatting.format_ratio(num, den) == expected


def test_half_up_not_bankers_rounding():
    # 0.25 → 0.3 half-up (banker's would give 0.2); 1/8 = 12.5 exactly stays 12,5
    assert formatting.round_half_up(Decimal("0.25"), 1) == Decimal("0.3")
    assert formatting.round_half_up(Decimal("176.65"), 1) == Decimal("176.7")


def test_change_reads_like_the_seeds():
    assert formatting.format_change(Decimal("162.6")) == "tăng 62,6%"
    assert formatting.format_change(Decimal("80.0")) == "giảm 20,0%"
    assert formatting.format_change(None) == "—"


def test_dates_are_day_month_year():
    assert formatting.format_date(dt.date(2024, 2, 20)) == "20/02/2024"
    assert formatting.format_date(None) == "—"


@pytest.mark.parametrize(
    "text", ["20/02/2024", "20-02-2024", "20.02.2024", "2024-02-20", "20/2/2024"]
)
def test_parse_date_accepts_common_forms(text):
    assert formatting.parse_date(text) == dt.date(2024, 2, 20)


@pytest.mark.parametrize("text", ["31/02/2024", "hôm qua", "2024/20/02", ""])
def test_parse_date_refuses_in_vietnamese(text):
    with pytest.raises(ValueError, match="không hợp lệ"):
        formatting.parse_date(text)


def test_fold_strips_accents_and_maps_d():
    assert fold("Nguyễn Văn Đạt") == "nguyen van dat"
    assert fold("  NGUYỄN   VĂN  A ") == "nguyen van a"
    assert fold("Đ") == "d"


def test_template_filters(rf):
    from django.template import Context, Template

    html = Template("{{ n|vn_number }} {{ p|vn_percent }} {{ d|vn_date }}").render(
        Context({"n": 5100, "p": Decimal("176.66"), "d": dt.date(2024, 2, 20)})
    )
    assert html == "5.100 176,7% 20/02/2024"
