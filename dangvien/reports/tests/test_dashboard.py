"""The dashboard's periods (issue 13 item 7): the report's period choices, and months that have
not begun are never drawn as zero. "Today" is pinned to 30/11/2026."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangvien.reports.tests.builders import Traits, admit_people

TODAY = dt.datetime(2026, 11, 30, 10, 0)


@pytest.fixture
def admitted(persona_tree):
    """One admission on the 10th of every month of 2025 and of January–November 2026."""
    dates = [dt.date(2025, m, 10) for m in range(1, 13)] + [
        dt.date(2026, m, 10) for m in range(1, 12)
    ]
    admit_people([persona_tree.branch], Traits(len(dates)), dates=dates, tag="dash")
    return persona_tree


def _get(client, **params):
    with time_machine.travel(TODAY, tick=False):
        return client.get("/reports/", {"org": "X01", **params})


def test_default_is_the_year_to_date_and_december_is_not_drawn(client_for, admitted):
    response = _get(client_for("region_officer"))
    data = response.context["chart_data"]["monthly"]

    assert response.context["period"].label == "Đến hết tháng 11/2026"
    assert data["current"] == [1] * 11 + [None]  # December has not begun: no point, not 0
    assert data["previous"] == [1] * 12
    assert '"current": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, null]' in response.content.decode()
    assert response.context["report"].admitted == 11


@pytest.mark.parametrize(
    ("params", "label", "count"),
    [
        ({"period": "month", "month": 3, "year": 2026}, "Tháng 3/2026", 1),
        ({"period": "quarter", "quarter": 2, "year": 2026}, "Quý II/2026", 3),
        ({"period": "half", "year": 2026}, "6 tháng đầu năm 2026", 6),
        ({"period": "ytd", "month": 9, "year": 2026}, "9 tháng đầu năm 2026", 9),
        ({"period": "year", "year": 2025}, "Năm 2025", 12),
    ],
)
def test_the_report_periods_are_offered(client_for, admitted, params, label, count):
    client = client_for("region_officer")
    page = _get(client).content.decode()
    for value, text in (
        ("month", "Tháng"),
        ("quarter", "Quý"),
        ("half", "6 tháng đầu năm"),
        ("ytd", "Từ đầu năm đến hết tháng"),
        ("year", "Cả năm"),
    ):
        assert f'<option value="{value}"' in page and text in page

    response = _get(client, **params)

    assert response.status_code == 200
    assert response.context["period"].label == label
    assert response.context["report"].admitted == count
    assert f'id="period-label">{label}<' in response.content.decode()


def test_a_past_year_draws_every_month(client_for, admitted):
    data = _get(client_for("region_officer"), period="year", year=2025).context["chart_data"]
    assert data["monthly"]["current"] == [1] * 12
    assert data["monthly"]["previous"] == [0] * 12  # 2024 is over: its empty months are 0


def test_a_future_month_shows_why_there_is_no_figure(client_for, admitted):
    response = _get(client_for("region_officer"), period="month", month=12, year=2026)
    html = response.content.decode()
    data = response.context["chart_data"]

    assert response.status_code == 200
    assert 'id="period-future"' in html
    assert "chưa bắt đầu (hôm nay là 30/11/2026)" in html
    assert "giảm 100" not in html
    assert data["monthly"]["current"][11] is None
    assert all(value is None for value in data["progress"]["admitted"])
    assert 'id="chart-progress"' not in html and 'id="summary"' not in html


def test_a_future_year_draws_no_month(client_for, admitted):
    response = _get(client_for("region_officer"), period="year", year=2027)
    data = response.context["chart_data"]
    assert data["monthly"]["current"] == [None] * 12
    assert data["monthly"]["previous"] == [1] * 11 + [None]
    assert 'id="period-future"' in response.content.decode()


def test_a_quarter_under_way_says_so(client_for, admitted):
    response = _get(client_for("region_officer"), period="quarter", quarter=4, year=2026)
    html = response.content.decode()
    assert 'id="period-in-progress"' in html
    assert "số liệu tính đến hết ngày 30/11/2026" in html
    assert response.context["report"].admitted == 2


def test_a_bad_period_is_refused_with_the_default_shown(client_for, admitted):
    response = _get(client_for("region_officer"), period="month", month=13, year=2026)
    assert response.status_code == 400
    assert "Tháng 13 không hợp lệ" in response.content.decode()
    assert response.context["period"].label == "Đến hết tháng 11/2026"
