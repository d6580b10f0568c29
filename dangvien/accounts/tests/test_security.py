"""Production settings, headers, CSRF, password policy, masking and what reaches the logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dangvien.accounts.logging import RedactSecretsFilter, redact
from dangvien.audit.models import AuditEvent
from dangvien.people.services import create_person
from dangvien.people.tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[3]
CITIZEN_ID = "001204012345"
PHONE = "0912345678"


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DANGVIEN_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DANGVIEN_PRODUCTION": "1",
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-from-the-environment-0123456789",
    "ALLOWED_HOSTS": "dangvien.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dangvien.example.vn",
}


def test_check_deploy_is_clean_with_production_values() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_from_the_environment() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_security_headers(client_for) -> None:
    response = client_for("branch_secretary").get(reverse("people:person-list"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no CDN
    assert "'unsafe-inline'" not in directives["default-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()  # no inline script in the layout
    assert 'name="htmx-config"' in response.content.decode()


def test_hsts_is_sent_over_https_in_production(client_for, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client_for("branch_secretary").get(reverse("people:person-list"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_forms_and_htmx_posts_need_the_csrf_token(persona_tree) -> None:
    from tests.support.mfa import force_login_with_mfa

    client = Client(enforce_csrf_checks=True)
    force_login_with_mfa(client, persona_tree.users["region_officer"])
    person = PersonFactory(organisation=persona_tree.branch, citizen_id=CITIZEN_ID)
    # a form post and an htmx post without the token are refused, nothing is logged
    assert client.post(reverse("people:person-create"), {"full_name": "X"}).status_code == 403
    reveal = reverse("people:person-reveal", args=[person.pk])
    assert client.post(reverse("people:person-reveal", args=[person.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="people.person.sensitive_revealed").exists()
    # with the token (as base.html's hx-headers sends it) the htmx post goes through
    page = client.get(reverse("people:person-detail", args=[person.pk]))
    token = page.context["csrf_token"]
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    assert (
        client.post(
            reverse("people:person-reveal", args=[person.pk]), headers={"X-CSRFToken": str(token)}
        ).status_code
        == 200
    )
    # the session-authenticated API checks CSRF on writes too
    api = client.patch(
        f"/api/v1/people/{person.pk}", {"full_name": "Y"}, content_type="application/json"
    )
    assert api.status_code in (401, 403)
    assert reveal


@pytest.mark.parametrize(
    "password",
    ["ngan-qua", "password123", "1234567890123", "matkhau"],
)
def test_password_policy_refuses_short_common_or_numeric(password, db) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_policy_accepts_a_long_plain_phrase(db) -> None:
    validate_password("hoa sen nở trên ao làng")  # length, not symbols


def test_citizen_id_and_phone_are_masked_in_list_detail_and_api(client_for, persona_tree) -> None:
    person = PersonFactory(organisation=persona_tree.branch, citizen_id=CITIZEN_ID, phone=PHONE)
    client = client_for("region_officer")
    pages = [
        client.get(reverse("people:person-list")).content.decode(),
        client.get(reverse("people:person-detail", args=[person.pk])).content.decode(),
        client.get("/api/v1/people/").content.decode(),
        client.get(f"/api/v1/people/{person.pk}").content.decode(),
    ]
    for html in pages:
        assert CITIZEN_ID not in html and PHONE not in html
    assert "••••••••2345" in pages[0] and "••••••••2345" in pages[1]
    # revealing shows both and leaves who/whose/when/where in the audit log
    shown = client.post(reverse("people:person-reveal", args=[person.pk]), REMOTE_ADDR="10.1.2.3")
    assert CITIZEN_ID in shown.content.decode() and PHONE in shown.content.decode()
    event = AuditEvent.objects.get(action="people.person.sensitive_revealed")
    assert (event.actor_name, event.target_id, event.ip_address) == (
        "region_officer",
        str(person.pk),
        "10.1.2.3",
    )
    assert event.created_at is not None


def test_nothing_sensitive_reaches_the_logs(client, persona_tree, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secret_password = "mat-khau-bi-mat-123"
    client.post(reverse("accounts:login"), {"login": "region_officer", "password": secret_password})
    from dangvien.people.models import EthnicGroup, Occupation, Religion

    person = create_person(
        actor=persona_tree.users["region_officer"],
        full_name="Nguyễn Văn Bảo Mật",
        date_of_birth=__import__("datetime").date(1990, 1, 1),
        sex="male",
        ethnic_group=EthnicGroup.objects.get(code="01"),
        religion=Religion.objects.get(code="none"),
        occupation=Occupation.objects.get(code="farmer"),
        citizen_id=CITIZEN_ID,
        phone=PHONE,
        organisation=persona_tree.branch,
    )
    assert person.pk
    logged = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records, "the login failure should have been logged (by axes)"
    assert secret_password not in logged
    assert CITIZEN_ID not in logged and PHONE not in logged
    # and the audit rows written by the save mask them too
    assert CITIZEN_ID not in str(AuditEvent.objects.get(action="people.person.created").data)


def test_the_log_filter_redacts_what_a_library_might_log() -> None:
    assert (
        redact(f"saved citizen_id={CITIZEN_ID} phone {PHONE}")
        == "saved citizen_id=[cccd] phone [phone]"
    )
    assert "hunter2" not in redact("POST data: password=hunter2&login=x")
    assert "hunter2" not in redact('{"password": "hunter2"}')
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "id %s", (CITIZEN_ID,), None)
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == "id [cccd]"
