"""A real browser enrols a region officer in TOTP, then logs in again with a code."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem-1"  # tests.support.personas.build_persona_tree


def totp_now(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def submit(page: Any, form_action: str) -> None:
    page.locator(f"form[action='{form_action}'] button[type='submit']").click()
    page.wait_for_load_state("networkidle")


def password_login(page: Any) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill("region_officer")
    page.locator("input[name='password']").fill(PASSWORD)
    submit(page, "/accounts/login/")


def test_enrol_in_totp_then_log_in_with_a_code(page: Any, persona_tree: Any, shot: Any) -> None:
    # The login page is Vietnamese.
    page.goto("/accounts/login/")
    assert "Tên đăng nhập" in page.content()
    shot(page, "mfa-01-login")

    # A password alone does not open the data: the officer is sent to enrolment,
    # which first asks for the password again.
    password_login(page)
    page.goto("/people/")
    assert "/accounts/reauthenticate/" in page.url
    shot(page, "mfa-02-confirm-password")
    page.locator("input[name='password']").fill(PASSWORD)
    submit(page, "/accounts/reauthenticate/")
    assert "/accounts/2fa/totp/activate/" in page.url
    assert page.locator("img[alt^='Mã QR']").is_visible()
    shot(page, "mfa-03-enrol-qr")

    # A wrong code is refused in Vietnamese.
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name='code']").fill("000000")
    submit(page, "/accounts/2fa/totp/activate/")
    assert "Mã xác thực không đúng" in page.content()

    # The right code enrols; recovery codes are shown once.
    page.locator("input[name='code']").fill(totp_now(secret))
    submit(page, "/accounts/2fa/totp/activate/")
    assert "/accounts/2fa/recovery-codes/" in page.url
    assert "Mã khôi phục" in page.content()
    shot(page, "mfa-04-recovery-codes")
    page.goto("/people/")
    assert page.url.endswith("/people/")

    # Log out, log in again: now the code is asked right after the password.
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state("networkidle")
    cache.clear()  # the code used to enrol is remembered for 30 s to stop replays
    password_login(page)
    assert "/accounts/2fa/authenticate/" in page.url
    assert "Xác thực hai lớp" in page.content()
    page.locator("input[name='code']").fill(totp_now(secret))
    shot(page, "mfa-05-code-at-login")
    submit(page, "/accounts/2fa/authenticate/")
    page.goto("/people/")
    assert page.url.endswith("/people/"), page.url
    assert "Quần chúng, đảng viên" in page.content()
    shot(page, "mfa-06-in")
