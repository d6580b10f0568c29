"""Every authentication event is an audit event; a password change revokes the API tokens; a
password may not contain the username."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dangvien.accounts.models import ApiToken, User
from dangvien.accounts.services import create_api_token
from dangvien.audit.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-1"
NEW_PASSWORD = "mot-cau-rat-dai-de-nho-2025"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"login": username, "password": password})


def test_login_logout_and_failed_login_are_audited(persona_tree):
    user = persona_tree.users["branch_secretary"]
    client = Client(REMOTE_ADDR="10.2.2.2")
    assert login(client, "branch_secretary", "sai-mat-khau-roi").status_code == 200
    failed = AuditEvent.objects.get(action="accounts.user.login_failed")
    assert failed.actor is None
    assert failed.target_id == str(user.pk)
    assert failed.organisation == persona_tree.branch
    assert failed.data == {"username": "branch_secretary", "address": "10.2.2.2"}
    assert "sai-mat-khau-roi" not in str(failed.data)
    assert login(client, "branch_secretary").status_code == 302
    logged_in = AuditEvent.objects.get(action="accounts.user.logged_in")
    assert logged_in.actor == user
    assert logged_in.organisation == persona_tree.branch
    assert logged_in.data == {"username": "branch_secretary", "address": "10.2.2.2"}
    assert logged_in.ip_address == "10.2.2.2"
    assert client.post(reverse("accounts:logout")).status_code == 302
    logged_out = AuditEvent.objects.get(action="accounts.user.logged_out")
    assert logged_out.actor == user
    assert logged_out.data == {"username": "branch_secretary", "address": "10.2.2.2"}


def test_failed_login_for_an_unknown_username_is_audited_without_target(persona_tree):
    login(Client(REMOTE_ADDR="10.2.2.3"), "khong-ton-tai", "sai-mat-khau-roi")
    event = AuditEvent.objects.get(action="accounts.user.login_failed")
    assert (event.target_id, event.organisation) == ("", None)
    assert event.data == {"username": "khong-ton-tai", "address": "10.2.2.3"}


def test_password_change_on_the_page_revokes_api_tokens_and_is_audited(persona_tree, client_for):
    user = persona_tree.users["branch_secretary"]
    _token, raw = create_api_token(user, name="tich-hop", actor=user)
    api = Client()
    auth = {"Authorization": f"Bearer {raw}"}
    assert api.get("/api/v1/people/", headers=auth).status_code == 200
    client = client_for("branch_secretary")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api.get("/api/v1/people/", headers=auth).status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert event.actor == user
    assert event.organisation == persona_tree.branch
    assert event.data == {"username": "branch_secretary", "api_tokens_revoked": ["tich-hop"]}
    assert NEW_PASSWORD not in str(event.data)


def test_any_password_change_revokes_tokens_but_other_saves_do_not(persona_tree):
    user = persona_tree.users["viewer"]
    create_api_token(user, name="a", actor=user)
    create_api_token(user, name="b", actor=user)
    # a plain save (name, last login) keeps the tokens and writes no password event
    user.full_name = "Người Xem"
    user.save()
    assert ApiToken.objects.filter(user=user).count() == 2
    assert not AuditEvent.objects.filter(action="accounts.user.password_changed").exists()
    # the administrator's command (no request): tokens revoked, event by the system
    fresh = User.objects.get(pk=user.pk)
    fresh.set_password(NEW_PASSWORD)
    fresh.save()
    assert not ApiToken.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert (event.actor, event.actor_name) == (None, "hệ thống")
    assert event.data == {"username": "viewer", "api_tokens_revoked": ["a", "b"]}


def test_creating_a_user_is_not_a_password_change(db):
    User.objects.create_user("moi-tao", password=NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.user.password_changed").exists()


def test_password_containing_the_username_is_refused(persona_tree):
    bithu = User.objects.create_user("bithu", password=NEW_PASSWORD)
    for password in ("bithu12345", "12345BiThu-abc", "Bí Thư 2025 xyz", "uhtib-98765-q"):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, bithu)
        assert refused.value.messages == [
            "Mật khẩu không được chứa tên đăng nhập «bithu» (quy tắc mật khẩu: không chứa tên "
            "đăng nhập, kể cả viết ngược)."
        ]
    validate_password(NEW_PASSWORD, bithu)


def test_password_page_refuses_the_username_inside(persona_tree, client_for):
    client = client_for("branch_secretary")
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "branch_secretary-2025",
            "password2": "branch_secretary-2025",
        },
    )
    assert response.status_code == 200
    assert "Mật khẩu không được chứa tên đăng nhập «branch_secretary»" in (
        response.content.decode()
    )
    user = User.objects.get(username="branch_secretary")
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.user.password_changed").exists()


def test_changepassword_command_is_audited(persona_tree, monkeypatch):
    user = persona_tree.users["outsider"]
    create_api_token(user, name="c", actor=user)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "outsider")
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="accounts.user.password_changed").count() == 1
