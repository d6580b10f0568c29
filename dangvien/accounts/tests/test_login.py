"""Login with allauth: Vietnamese pages, MFA enforcement by role, lockout, idle expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dangvien.audit.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-1"


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"login": username, "password": password})


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # TOTP "code already used" marks live in the cache


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert reverse("accounts:login") == reverse("account_login") == "/accounts/login/"


def test_wrong_password_gives_a_vietnamese_error(client, persona_tree):
    response = login(client, "branch_secretary", "sai-mat-khau-roi")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_cell_secretary_logs_in_with_password_alone(client, persona_tree):
    response = login(client, "branch_secretary")
    assert response.status_code == 302
    assert client.get(reverse("people:person-list")).status_code == 200


@pytest.mark.parametrize("persona", ["national_admin", "region_officer", "viewer", "outsider"])
def test_roles_above_cell_secretary_are_sent_to_enrolment_before_any_page(
    client, persona_tree, persona
):
    assert login(client, persona).status_code == 302
    for url in (reverse("home"), reverse("people:person-list"), reverse("audit:event-list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_api_without_second_factor_is_refused(client, persona_tree):
    login(client, "region_officer")
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert "xác thực hai lớp" in response.json()["detail"]


def test_htmx_request_without_second_factor_is_redirected_by_header(client, persona_tree):
    login(client, "region_officer")
    response = client.get(reverse("people:person-list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db(transaction=True)  # allauth signals the enrolment on commit
def test_enrolling_totp_opens_the_data_and_is_audited(client, persona_tree):
    # given a region officer logged in with a password only
    login(client, "region_officer")
    # allauth asks for the password again before a security change
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert "nhập lại mật khẩu" in client.get(asked["Location"]).content.decode()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Bật xác thực hai lớp" in page.content.decode()
    secret = client.session["mfa.totp.secret"]
    # a wrong code is refused in Vietnamese, nothing is created
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=persona_tree.users["region_officer"]).exists()
    # when the right code is typed
    done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert done.status_code == 302
    # then recovery codes exist, the pages open, and the audit log has the enrolment
    user = persona_tree.users["region_officer"]
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert client.get(reverse("people:person-list")).status_code == 200
    event = AuditEvent.objects.get(action="accounts.user.mfa_enabled")
    assert event.target_id == str(user.pk)
    assert event.organisation == persona_tree.region_north


def enrol(user) -> str:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    return secret


def test_enrolled_user_must_type_a_code_at_login(client, persona_tree):
    secret = enrol(persona_tree.users["region_officer"])
    response = login(client, "region_officer")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # not logged in yet: pages still ask for login
    assert client.get(reverse("people:person-list")).status_code == 302
    page = client.get(reverse("mfa_authenticate"))
    assert "Xác thực hai lớp" in page.content.decode()
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    ok = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert ok.status_code == 302
    assert client.get(reverse("people:person-list")).status_code == 200


def test_a_code_cannot_be_replayed(client, persona_tree):
    secret = enrol(persona_tree.users["region_officer"])
    code = current_code(secret)
    login(client, "region_officer")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    other = Client()
    login(other, "region_officer")
    assert other.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200


def test_required_user_cannot_switch_totp_off(client_for, persona_tree):
    enrol(persona_tree.users["region_officer"])
    client = client_for("region_officer")
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(
        user=persona_tree.users["region_officer"], type="totp"
    ).exists()


def test_required_roles_come_from_settings(client, persona_tree, settings):
    settings.MFA_REQUIRED_ROLES = ["system_admin"]
    login(client, "region_officer")
    assert client.get(reverse("people:person-list")).status_code == 200
    admin = Client()
    login(admin, "national_admin")
    assert admin.get(reverse("people:person-list")).status_code == 302


def test_persona_fixture_sessions_count_as_mfa_passed(client_for, persona_tree):
    # force_login through axes' backend list, plus the MFA record: pages open directly
    for persona in ("national_admin", "region_officer", "branch_secretary", "viewer", "outsider"):
        assert client_for(persona).get(reverse("people:person-list")).status_code == 200


def test_logout_is_post_and_ends_the_session(client_for):
    client = client_for("branch_secretary")
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("people:person-list")).status_code == 302


def test_session_expires_after_idle_minutes(client, persona_tree, settings):
    with time_machine.travel(dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        login(client, "branch_secretary")
        assert client.get(reverse("people:person-list")).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("people:person-list")).status_code == 200  # activity renews
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("people:person-list")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("people:person-list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert settings.SESSION_COOKIE_AGE == 30 * 60
