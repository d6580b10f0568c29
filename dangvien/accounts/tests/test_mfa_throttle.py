"""The second-factor step is throttled in the database: MFA_FAILURE_LIMIT wrong codes lock it
for MFA_LOCKOUT_MINUTES, even for the right code, and every failure and lock is audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dangvien.accounts.models import SecondFactorThrottle
from dangvien.accounts.services import unlock_user
from dangvien.audit.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-1"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
START = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # TOTP "code already used" marks live in the cache


def current_code() -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(SECRET, counters[len(counters) // 2]))


def wrong_code() -> str:
    right = current_code()
    return "000000" if right != "000000" else "111111"


def password_step(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), {"login": "region_officer", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")


def code_step(client: Client, code: str):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_codes_lock_the_step_and_the_right_code_waits_for_the_window(persona_tree):
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    with time_machine.travel(START, tick=False) as clock:
        client = Client(REMOTE_ADDR="10.1.1.1")
        password_step(client)
        # four wrong codes: refused as wrong, each audited
        for number in range(1, 5):
            response = code_step(client, wrong_code())
            assert response.status_code == 200
            assert "Mã xác thực không đúng" in response.content.decode()
            assert AuditEvent.objects.filter(action="accounts.user.mfa_failed").count() == number
        assert not AuditEvent.objects.filter(action="accounts.user.mfa_locked_out").exists()
        # the fifth wrong code locks the step, with a Vietnamese message
        fifth = code_step(client, wrong_code()).content.decode()
        assert "bị tạm khóa đến 08:15 03/03/2025" in fifth
        assert "Đã nhập sai mã xác thực 5 lần trong 15 phút" in fifth
        failed = AuditEvent.objects.filter(action="accounts.user.mfa_failed").order_by("pk")
        assert [e.data["attempts"] for e in failed] == [1, 2, 3, 4, 5]
        assert failed.last().data == {
            "username": "region_officer",
            "address": "10.1.1.1",
            "attempts": 5,
            "limit": 5,
        }
        assert failed.last().organisation == persona_tree.region_north
        lock = AuditEvent.objects.get(action="accounts.user.mfa_locked_out")
        assert lock.target_id == str(user.pk)
        assert lock.data == {
            "username": "region_officer",
            "address": "10.1.1.1",
            "attempts": 5,
            "locked_until": "2025-03-03T01:15:00+00:00",
        }
        # then many more guesses, right one included, are refused without being checked
        for _ in range(20):
            assert "bị tạm khóa" in code_step(client, wrong_code()).content.decode()
        clock.shift(dt.timedelta(minutes=14))
        refused = code_step(client, current_code())
        assert refused.status_code == 200
        assert "bị tạm khóa đến 08:15 03/03/2025" in refused.content.decode()
        assert not logged_in(client)
        # from another address and a fresh password login: still locked (the account's step)
        other = Client(REMOTE_ADDR="10.9.9.9")
        password_step(other)
        assert "bị tạm khóa" in code_step(other, current_code()).content.decode()
        assert not logged_in(other)
        assert AuditEvent.objects.filter(action="accounts.user.mfa_failed").count() == 5
        assert AuditEvent.objects.filter(action="accounts.user.mfa_locked_out").count() == 1 + 22
        # when the window has passed, the right code logs in and the count starts again
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        cache.clear()
        ok = code_step(other, current_code())
        assert ok.status_code == 302
        assert logged_in(other)
        assert not SecondFactorThrottle.objects.filter(user=user).exists()
        login = AuditEvent.objects.get(action="accounts.user.logged_in")
        assert login.actor == user
        assert login.data == {"username": "region_officer", "address": "10.9.9.9"}


def test_a_right_code_before_the_limit_clears_the_count(persona_tree):
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    with time_machine.travel(START, tick=False):
        client = Client()
        password_step(client)
        for _ in range(4):
            code_step(client, wrong_code())
        assert SecondFactorThrottle.objects.get(user=user).attempts == 4
        assert code_step(client, current_code()).status_code == 302
        assert not SecondFactorThrottle.objects.filter(user=user).exists()


def test_failures_spread_beyond_the_window_do_not_lock(persona_tree, settings):
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        password_step(client)
        for _ in range(4):
            code_step(client, wrong_code())
        clock.shift(dt.timedelta(minutes=settings.MFA_LOCKOUT_MINUTES))
        for _ in range(4):
            assert "Mã xác thực không đúng" in code_step(client, wrong_code()).content.decode()
        assert SecondFactorThrottle.objects.get(user=user).attempts == 4
        assert not AuditEvent.objects.filter(action="accounts.user.mfa_locked_out").exists()


def test_limit_and_window_come_from_settings(persona_tree, settings):
    settings.MFA_FAILURE_LIMIT = 2
    settings.MFA_LOCKOUT_MINUTES = 60
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    with time_machine.travel(START, tick=False):
        client = Client()
        password_step(client)
        code_step(client, wrong_code())
        second = code_step(client, wrong_code()).content.decode()
        assert "Đã nhập sai mã xác thực 2 lần trong 60 phút" in second
        assert "bị tạm khóa đến 09:00 03/03/2025" in second


def test_reauthentication_code_is_throttled_too(persona_tree, client_for):
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    client = client_for("region_officer")
    for _ in range(5):
        client.post(reverse("mfa_reauthenticate"), {"code": wrong_code()})
    response = client.post(reverse("mfa_reauthenticate"), {"code": current_code()})
    assert response.status_code == 200
    assert "bị tạm khóa" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.user.mfa_failed").count() == 5


def test_administrator_sees_and_lifts_the_second_factor_lock(persona_tree, client_for):
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    client = Client(REMOTE_ADDR="10.3.3.3")
    password_step(client)
    for _ in range(5):
        code_step(client, wrong_code())
    assert SecondFactorThrottle.objects.get(user=user).locked_until is not None
    admin = client_for("national_admin")
    page = admin.get(reverse("accounts:lockout-list")).content.decode()
    assert "region_officer" in page and "Mã xác thực hai lớp" in page and "10.3.3.3" in page
    # a holder of user.unlock outside the account's subtree does not see it
    assert "region_officer" not in unlockable_by(persona_tree.users["outsider"])
    assert admin.post(reverse("accounts:user-unlock", args=[user.pk])).status_code == 302
    assert not SecondFactorThrottle.objects.filter(user=user).exists()
    assert AuditEvent.objects.get(action="accounts.user.unlocked").data["username"] == (
        "region_officer"
    )
    assert code_step(client, current_code()).status_code == 302
    assert logged_in(client)


def unlockable_by(reader) -> list[str]:
    from dangvien.accounts.selectors import list_lockouts

    return [lock.user.username for lock in list_lockouts(user=reader)]


def test_unlock_service_clears_the_code_count(persona_tree):
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    client = Client()
    password_step(client)
    for _ in range(3):
        code_step(client, wrong_code())
    unlock_user(user, actor=persona_tree.users["national_admin"])
    assert not SecondFactorThrottle.objects.filter(user=user).exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_overrun_the_limit(persona_tree):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor == "sqlite":
        # The in-memory shared-cache test database raises "table is locked" instead of
        # waiting; test_attempts_in_flight_count_against_the_limit covers the logic there.
        pytest.skip("real concurrency is tested on PostgreSQL")
    user = persona_tree.users["region_officer"]
    TOTP.activate(user, SECRET)
    clients = []
    for number in range(20):
        client = Client(REMOTE_ADDR=f"10.4.4.{number + 1}")
        password_step(client)
        clients.append(client)
    code = wrong_code()

    def guess(client: Client) -> str:
        try:
            return code_step(client, code).content.decode()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        pages = list(pool.map(guess, clients))
    # exactly the limit of codes were checked; every other guess was refused unchecked
    assert AuditEvent.objects.filter(action="accounts.user.mfa_failed").count() == 5
    assert sum("Mã xác thực không đúng" in page for page in pages) <= 4
    assert sum("bị tạm khóa" in page for page in pages) >= 16
    assert SecondFactorThrottle.objects.get(user=user).attempts == 5


def test_attempts_in_flight_count_against_the_limit(persona_tree):
    # codes being checked at the same moment each took an attempt before the check
    from dangvien.accounts.services import start_second_factor_attempt

    user = persona_tree.users["region_officer"]
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            assert start_second_factor_attempt(user, address="10.5.5.5") is None
        until = start_second_factor_attempt(user, address="10.5.5.5")
    assert until == START + dt.timedelta(minutes=15)
    assert SecondFactorThrottle.objects.get(user=user).attempts == 5
