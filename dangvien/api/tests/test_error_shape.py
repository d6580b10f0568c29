"""Every API failure is JSON in the documented shape (issue 15, item 6): the cases the outside
test found answered 500 or with Django's HTML, and unique schema names in the OpenAPI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from ninja import Schema

from dangvien.admissions.tests.factories import make_officials
from dangvien.api.api import api

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Không tìm thấy hoặc bạn không có quyền xem.", "errors": []}


def test_a_huge_offset_is_clamped_not_a_server_error(client_for):
    response = client_for("branch_secretary").get(
        "/api/v1/admissions/", {"offset": "9223372036854775808"}
    )
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/members/12/no-such-thing"])
def test_an_unknown_api_url_is_a_json_404(path, client_for):
    response = client_for("branch_secretary").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("value", ["0001-01-01", "0001-12-31", "2101-01-01"])
def test_a_report_year_out_of_range_is_a_vietnamese_400(value, client_for):
    response = client_for("region_officer").get(
        "/api/v1/reports/admissions", {"org": "T01", "from": value, "to": "2026-01-31"}
    )
    year = int(value[:4])
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Năm {year} không hợp lệ; kỳ báo cáo phải nằm trong các năm 1930–2100.",
        "errors": [
            {
                "field": "from",
                "message": f"Năm {year} không hợp lệ; kỳ báo cáo phải nằm trong các năm 1930–2100.",
            }
        ],
        "rule": "period_year",
        "found": str(year),
        "required": "1930–2100",
        "field": "from",
    }


def test_the_report_page_with_year_one_is_a_vietnamese_400(client_for):
    response = client_for("region_officer").get(
        "/reports/admissions/", {"org": "T01", "from": "0001-01-01", "to": "2026-01-31"}
    )
    assert response.status_code == 400
    assert "Năm 1 không hợp lệ; kỳ báo cáo phải nằm trong các năm 1930–2100." in (
        response.content.decode()
    )


def test_an_unexpected_error_is_a_json_500(client_for, monkeypatch):
    from dangvien.admissions import api as admissions_api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(admissions_api, "collect", broken)
    response = client_for("branch_secretary").get("/api/v1/admissions/worklist")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Lỗi máy chủ; thao tác không được thực hiện.",
        "errors": [],
    }


def _schemas() -> dict[str, type[Schema]]:
    """Every ninja Schema declared in an app's api module, by class name."""
    import importlib

    from django.apps import apps

    found: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("dangvien."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                found.setdefault(name, []).append(module.__name__)
    return found  # type: ignore[return-value]


def test_schema_names_are_unique_across_apps():
    duplicates = {name: modules for name, modules in _schemas().items() if len(modules) > 1}
    assert duplicates == {}


def test_the_documented_body_of_the_dossier_helper_is_the_one_accepted(client_for, persona_tree):
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/admissions/{dossier_id}/helpers"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    documented = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert sorted(documented["properties"]) == ["date", "person_id"]
    # and the documented body works
    from dangvien.admissions import services
    from dangvien.people.tests.factories import PersonFactory

    admin = persona_tree.users["national_admin"]
    helper = make_officials(persona_tree.branch, 1)[0]
    dossier = services.open_dossier(
        person=PersonFactory(organisation=persona_tree.branch),
        organisation=persona_tree.branch,
        date=dt.date.today() - dt.timedelta(days=3),
        actor=admin,
    )
    response = client_for("branch_secretary").post(
        f"/api/v1/admissions/{dossier.pk}/helpers",
        json.dumps({"person_id": helper.pk, "date": dt.date.today().isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 201
