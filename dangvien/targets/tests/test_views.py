from dangvien.audit.models import AuditEvent
from dangvien.targets.models import Target
from tests.support.personas import scope_matrix


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 200,
        "region_officer": 200,
        "branch_secretary": 404,
        "viewer": 200,
        "outsider": 404,
    }
)
def test_target_list_scope(
    persona, expected, client_for, persona_tree, django_assert_max_num_queries
):
    response = client_for(persona).get(
        "/targets/", {"org": persona_tree.commune_north.pk, "year": 2025}
    )
    assert response.status_code == expected


@scope_matrix(
    {
        "anonymous": 302,
        "national_admin": 302,
        "region_officer": 302,
        "branch_secretary": 404,
        "viewer": 403,
        "outsider": 404,
    }
)
def test_target_set_scope(persona, expected, client_for, persona_tree):
    response = client_for(persona).post(
        f"/targets/{persona_tree.commune_north.pk}/set/",
        {"year": 2025, "kind": "admissions", "value": 9, "back": persona_tree.region_north.pk},
    )

    assert response.status_code == expected
    saved = Target.objects.filter(organisation=persona_tree.commune_north).first()
    if persona in ("national_admin", "region_officer"):
        assert saved is not None and saved.value == 9
    else:
        assert saved is None
        assert not AuditEvent.objects.filter(action__startswith="targets.").exists()


def test_page_shows_allocation_warning_and_history(client_for, persona_tree, national_admin):
    client = client_for("region_officer")
    Target.objects.create(
        organisation=persona_tree.region_north, year=2025, value=10, assigned_by=national_admin
    )
    client.post(
        f"/targets/{persona_tree.commune_north.pk}/set/",
        {"year": 2025, "kind": "admissions", "value": 14, "note": "NQ 12"},
    )

    page = client.get("/targets/", {"org": persona_tree.region_north.pk, "year": 2025})

    html = page.content.decode()
    assert 'id="allocation-warning"' in html
    assert "vượt chỉ tiêu của cấp này (10) 4 đảng viên" in html
    assert "giao 14 — NQ 12" in html


def test_bad_value_is_refused_with_a_message(client_for, persona_tree):
    response = client_for("region_officer").post(
        f"/targets/{persona_tree.commune_north.pk}/set/",
        {"year": 2025, "kind": "admissions", "value": -4},
        follow=True,
    )
    assert "Chỉ tiêu phải là số không âm" in response.content.decode()
    assert not Target.objects.exists()


def test_api_put_and_get(client_for, persona_tree):
    client = client_for("region_officer")
    put = client.put(
        "/api/v1/targets/",
        {"organisation": "X01", "year": 2025, "value": 8},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    got = client.get("/api/v1/targets/", {"org": "T01", "year": 2025}).json()
    assert got["children"][0]["value"] == 8
    assert client_for("outsider").get("/api/v1/targets/", {"org": "T01"}).status_code == 404
    denied = client_for("viewer").put(
        "/api/v1/targets/",
        {"organisation": "X01", "year": 2025, "value": 1},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert Target.objects.get().value == 8
