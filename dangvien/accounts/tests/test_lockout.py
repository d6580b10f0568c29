"""django-axes: five failures for a username from one address lock it; an administrator unlocks."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from dangvien.audit.models import AuditEvent

PASSWORD = "mat-khau-thu-nghiem-1"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()  # allauth's per-address request throttle counts live in the cache


def attempt(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"login": username, "password": password})


def lock_out(username: str, address: str = "10.0.0.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    for _ in range(5):
        attempt(client, username, "sai-mat-khau-roi")
    return client


def test_five_failures_lock_the_username_from_that_address(persona_tree):
    client = lock_out("branch_secretary")
    # even the right password is refused now, with a Vietnamese message
    response = attempt(client, "branch_secretary", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tài khoản tạm khóa" in html and "5 lần" in html
    assert "_auth_user_id" not in client.session
    # another address is not affected, nor another username from the same address
    assert attempt(Client(REMOTE_ADDR="10.0.0.8"), "branch_secretary", PASSWORD).status_code == 302
    assert attempt(Client(REMOTE_ADDR="10.0.0.7"), "viewer", PASSWORD).status_code == 302
    # each refused attempt while locked is audited too (one at the 5th failure, one now)
    events = AuditEvent.objects.filter(action="accounts.user.locked_out")
    assert events.count() == 2
    event = events.first()
    assert event.organisation == persona_tree.branch
    assert event.data == {"username": "branch_secretary", "address": "10.0.0.7"}


def test_four_failures_do_not_lock(persona_tree):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(4):
        attempt(client, "branch_secretary", "sai-mat-khau-roi")
    assert attempt(client, "branch_secretary", PASSWORD).status_code == 302


def test_attempt_log_does_not_keep_the_password(persona_tree):
    lock_out("branch_secretary")
    row = AccessAttempt.objects.get(username="branch_secretary")
    assert "sai-mat-khau-roi" not in row.post_data


def test_administrator_sees_and_lifts_the_lockout(persona_tree, client_for):
    locked = lock_out("branch_secretary")
    admin = client_for("national_admin")
    page = admin.get(reverse("accounts:lockout-list"))
    assert page.status_code == 200
    assert "branch_secretary" in page.content.decode()
    user = persona_tree.users["branch_secretary"]
    response = admin.post(reverse("accounts:user-unlock", args=[user.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="branch_secretary").exists()
    event = AuditEvent.objects.get(action="accounts.user.unlocked")
    assert event.actor == persona_tree.users["national_admin"]
    assert event.organisation == persona_tree.branch
    assert attempt(locked, "branch_secretary", PASSWORD).status_code == 302


@pytest.mark.parametrize("persona", ["region_officer", "branch_secretary", "viewer", "outsider"])
def test_only_holders_of_user_unlock_may_unlock(persona_tree, client_for, persona):
    lock_out("branch_secretary")
    client = client_for(persona)
    assert client.get(reverse("accounts:lockout-list")).status_code == 403
    user = persona_tree.users["branch_secretary"]
    assert client.post(reverse("accounts:user-unlock", args=[user.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username="branch_secretary").exists()
    assert not AuditEvent.objects.filter(action="accounts.user.unlocked").exists()
