"""User and role administration over the API: the services, scope and permissions of the
/accounts/users/ pages; a repeated create answers 200 with the account made (issue 14)."""

import json

import pytest

from dangvien.accounts.models import RoleAssignment, User
from dangvien.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_board_creates_an_account_once_and_gives_it_roles(persona_tree, client_for):
    client = client_for("region_officer")
    body = {
        "username": "vanphong_x01",
        "full_name": "Văn phòng Đảng ủy xã",
        "role": "grassroots_office",
        "organisation_id": persona_tree.commune_north.pk,
        "password": "mot-mat-khau-rat-dai-2026",
    }
    first = _post(client, "/api/v1/accounts/users", body)
    second = _post(client, "/api/v1/accounts/users", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["roles"][0]["role"] == "grassroots_office"
    assert User.objects.filter(username="vanphong_x01").count() == 1
    assert AuditEvent.objects.filter(action="accounts.user.created").count() == 1
    account = User.objects.get(username="vanphong_x01")
    url = f"/api/v1/accounts/users/{account.pk}/roles"
    grant = {"role": "viewer", "organisation_id": persona_tree.branch.pk}
    assert [_post(client, url, grant).status_code for _ in range(2)] == [201, 200]
    # not above the caller's own role
    above = _post(client, url, {"role": "system_admin", "organisation_id": persona_tree.branch.pk})
    assert above.status_code == 400 and above.json()["rule"] == "role_grant"
    # outside the caller's subtree: the organisation is not found
    outside = _post(
        client, url, {"role": "viewer", "organisation_id": persona_tree.region_south.pk}
    )
    assert outside.status_code == 404
    listed = client.get("/api/v1/accounts/users?q=vanphong").json()
    assert [row["username"] for row in listed] == ["vanphong_x01"]


def test_reset_deactivate_and_end_a_role(persona_tree, client_for):
    account = User.objects.create_user(username="bithu_moi", password="x-rat-dai-2026-abc")
    assignment = RoleAssignment.objects.create(
        user=account, role="cell_secretary", organisation=persona_tree.branch
    )
    client = client_for("region_officer")
    base = f"/api/v1/accounts/users/{account.pk}"
    assert (
        _post(client, f"{base}/password", {"password": "mat-khau-moi-rat-dai-2026"}).status_code
        == 200
    )
    account.refresh_from_db()
    assert account.check_password("mat-khau-moi-rat-dai-2026")
    no_factor = _post(client, f"{base}/mfa-reset")
    assert no_factor.status_code == 400 and no_factor.json()["rule"] == "mfa_reset"
    assert _post(client, f"{base}/deactivate", {"note": "Nghỉ hưu"}).json()["is_active"] is False
    assert _post(client, f"{base}/reactivate").json()["is_active"] is True
    end = f"/api/v1/accounts/roles/{assignment.pk}/end"
    answers = [_post(client, end, {"note": "Thôi giữ chức vụ"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["ended_at"] is not None
    # a cell secretary manages no accounts; the outsider does not reach this one
    assert client_for("branch_secretary").get(base).status_code == 403
    assert client_for("outsider").get(base).status_code == 404


def test_account_administration_refuses_a_bearer_token(persona_tree):
    """A token carries no second factor: the accounts operations answer only to the session."""
    from django.test import Client

    from dangvien.accounts.models import User
    from dangvien.accounts.services import create_api_token

    officer = persona_tree.users["region_officer"]
    _token, raw = create_api_token(officer, name="script", actor=officer)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    before = User.objects.count()
    listed = client.get("/api/v1/accounts/users")
    created = client.post(
        "/api/v1/accounts/users",
        json.dumps({"username": "qua_token", "full_name": "Qua Token"}),
        content_type="application/json",
    )
    assert (listed.status_code, created.status_code) == (401, 401)
    assert User.objects.count() == before
    # the same token still reaches the other routers
    assert client.get("/api/v1/organisations/").status_code == 200
