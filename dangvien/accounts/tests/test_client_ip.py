"""The client address for lockouts and audit rows: REMOTE_ADDR when exposed directly, the
address the proxy saw (X-Forwarded-For from the right) behind CLIENT_IP_PROXY_COUNT proxies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.core.client_ip import client_ip

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "mat-khau-thu-nghiem-1"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def attempt(client: Client, password: str, forwarded: str):
    return client.post(
        reverse("accounts:login"),
        {"login": "branch_secretary", "password": password},
        headers={"X-Forwarded-For": forwarded},
    )


def lock_out(forwarded: str) -> None:
    client = Client(REMOTE_ADDR=PROXY)
    for _ in range(5):
        attempt(client, "sai-mat-khau-roi", forwarded)


def test_direct_mode_ignores_the_forwarded_header(persona_tree):
    # given no proxy (the default), X-Forwarded-For is written by the client: not trusted
    lock_out("203.0.113.5")
    # a different header from the same peer is still the same locked address
    assert attempt(Client(REMOTE_ADDR=PROXY), PASSWORD, "198.51.100.7").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
    event = AuditEvent.objects.filter(action="accounts.user.locked_out").first()
    assert event.data == {"username": "branch_secretary", "address": PROXY}
    assert event.ip_address == PROXY


def test_behind_one_proxy_the_lock_is_per_real_client(persona_tree, settings):
    settings.CLIENT_IP_PROXY_COUNT = 1
    # every request comes from the proxy; the attacker is locked out...
    lock_out("203.0.113.5")
    assert attempt(Client(REMOTE_ADDR=PROXY), PASSWORD, "203.0.113.5").status_code == 429
    # ...even when writing another address in front of the one the proxy appends
    spoofed = attempt(Client(REMOTE_ADDR=PROXY), PASSWORD, "198.51.100.7, 203.0.113.5")
    assert spoofed.status_code == 429
    # while the secretary behind the same proxy logs in
    assert attempt(Client(REMOTE_ADDR=PROXY), PASSWORD, "198.51.100.7").status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]
    event = AuditEvent.objects.filter(action="accounts.user.locked_out").first()
    assert event.data == {"username": "branch_secretary", "address": "203.0.113.5"}
    assert event.ip_address == "203.0.113.5"
    assert AuditEvent.objects.get(action="accounts.user.logged_in").ip_address == "198.51.100.7"


def test_client_ip_rules(settings):
    factory = RequestFactory()

    def ip(remote: str, forwarded: str | None = None) -> str:
        headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
        return client_ip(factory.get("/", REMOTE_ADDR=remote, headers=headers))

    assert ip(PROXY, "203.0.113.5") == PROXY
    settings.CLIENT_IP_PROXY_COUNT = 1
    assert ip(PROXY, "203.0.113.5") == "203.0.113.5"
    assert ip(PROXY, "1.1.1.1, 203.0.113.5") == "203.0.113.5"
    assert ip(PROXY) == PROXY  # no header: the peer
    assert ip(PROXY, "pas-une-adresse") == PROXY  # junk: the peer
    settings.CLIENT_IP_PROXY_COUNT = 2
    assert ip(PROXY, "1.1.1.1, 203.0.113.5, 10.0.0.2") == "203.0.113.5"
    assert ip(PROXY, "203.0.113.5") == PROXY  # fewer entries than proxies
    settings.CLIENT_IP_PROXY_COUNT = 1
    settings.CLIENT_IP_TRUSTED_PROXIES = [PROXY]
    assert ip(PROXY, "203.0.113.5") == "203.0.113.5"
    assert ip("10.0.0.99", "203.0.113.5") == "10.0.0.99"  # around the proxy: not trusted


def test_settings_come_from_the_environment():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLIENT_IP_"))}
    code = (
        "from django.conf import settings as s; "
        "print(s.CLIENT_IP_PROXY_COUNT, s.CLIENT_IP_HEADER, s.CLIENT_IP_TRUSTED_PROXIES, "
        "s.AXES_CLIENT_IP_CALLABLE)"
    )
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CLIENT_IP_PROXY_COUNT": "1",
        "CLIENT_IP_HEADER": "X-Real-IP",
        "CLIENT_IP_TRUSTED_PROXIES": "10.0.0.1,10.0.0.2",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "1 HTTP_X_REAL_IP ['10.0.0.1', '10.0.0.2'] dangvien.core.client_ip.client_ip"
    )
