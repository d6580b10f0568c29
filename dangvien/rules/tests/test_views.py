import datetime as dt
import json

import pytest

from dangvien.rules.defaults import COMMON_VALUES
from dangvien.rules.models import CalendarDay, RuleSet
from tests.support.personas import scope_matrix

pytestmark = pytest.mark.django_db
ADMIN_ONLY = {
    "anonymous": 302,
    "national_admin": 200,
    "region_officer": 403,
    "branch_secretary": 403,
    "viewer": 403,
    "outsider": 403,
}


@scope_matrix(
    {**ADMIN_ONLY, "region_officer": 200, "branch_secretary": 200, "viewer": 200, "outsider": 200}
)
def test_rule_sets_are_readable_by_every_user(persona, expected, client_for):
    response = client_for(persona).get("/rules/")
    assert response.status_code == expected
    if expected == 200:
        assert "294-QĐ/TW" in response.content.decode()


@scope_matrix(ADMIN_ONLY)
def test_calendar_page(persona, expected, client_for):
    assert client_for(persona).get("/rules/calendar/?year=2026").status_code == expected


def test_calendar_example_counts_the_decision_days_of_the_rule_set_in_force(client_for):
    RuleSet.objects.create(
        name="Thử",
        effective_from=dt.date(2027, 1, 1),
        source="Văn bản thử",
        values=dict(COMMON_VALUES, decision_working_days=5),
    )
    client = client_for("national_admin")
    page_2027 = client.get("/rules/calendar/?year=2027").content.decode()
    assert "Ví dụ: 5 ngày làm việc (hạn ra quyết định kết nạp) sau 02/01/2027 là 08/01/2027." in (
        page_2027
    )
    page_2019 = client.get("/rules/calendar/?year=2019").content.decode()
    assert "Ví dụ: 60 ngày làm việc (hạn ra quyết định kết nạp) sau 02/01/2019" in page_2019


def test_calendar_page_shows_vietnamese_names_and_make_up_days(client_for):
    client = client_for("national_admin")
    page = client.get("/rules/calendar/?year=2025").content.decode()
    assert "Giao thừa Tết Nguyên Đán" in page
    assert "26/04/2025 — làm bù cho ngày 02/05/2025" in page
    assert "Lunar" not in page
    # an absurd year is brought back into the calendar's range, not a server error
    assert client.get("/rules/calendar/?year=99999999999999999999999").status_code == 200
    assert client.get("/rules/calendar/?year=-5").status_code == 200


@scope_matrix({**ADMIN_ONLY, "national_admin": 302})
def test_calendar_change_by_page(persona, expected, client_for):
    response = client_for(persona).post(
        "/rules/calendar/", {"date": "14/02/2026", "kind": "working_day", "note": "Làm bù"}
    )
    assert response.status_code == expected
    assert CalendarDay.objects.exists() == (expected == 302 and persona != "anonymous")


@scope_matrix({**ADMIN_ONLY, "national_admin": 302})
def test_add_rule_set_by_page(persona, expected, client_for):
    response = client_for(persona).post(
        "/rules/add/",
        {
            "name": "Quy định thử",
            "effective_from": "01/01/2030",
            "source": "Văn bản thử",
            "values": json.dumps(COMMON_VALUES),
        },
    )
    assert response.status_code == expected
    assert RuleSet.objects.filter(name="Quy định thử").exists() == (
        expected == 302 and persona != "anonymous"
    )


def test_api_rule_set_in_force_and_working_days(client_for):
    client = client_for("viewer")
    assert "294" in client.get("/api/v1/rules/rule-sets/in-force?on=2025-07-01").json()["name"]
    body = client.get("/api/v1/rules/working-days?start=2026-02-13&days=1").json()
    assert body["end"] == "2026-02-23"
    response = client.post(
        "/api/v1/rules/rule-sets",
        data=json.dumps(
            {"name": "x", "effective_from": "2030-01-01", "source": "y", "values": COMMON_VALUES}
        ),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_admin_adds_rule_set_and_refusal_is_explained(client_for):
    client = client_for("national_admin")
    response = client.post(
        "/api/v1/rules/rule-sets",
        data=json.dumps(
            {
                "name": "x",
                "effective_from": "2030-01-01",
                "source": "y",
                "values": dict(COMMON_VALUES, cell_vote_fraction="5/4"),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "cell_vote_fraction"
    response = client.post(
        "/api/v1/rules/calendar",
        data=json.dumps({"date": "2026-02-14", "kind": "working_day"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert CalendarDay.objects.get().date == dt.date(2026, 2, 14)


def test_api_out_of_range_year_and_date_are_400_not_500(client_for):
    client = client_for("national_admin")
    response = client.get("/api/v1/rules/calendar?year=-2039991")
    assert response.status_code == 400
    assert response.json()["rule"] == "year_range"
    response = client.get("/api/v1/rules/working-days?start=9999-12-30&days=5")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "query.start", "message": "Giá trị phải nhỏ hơn hoặc bằng 31/12/2100."}
    ]
