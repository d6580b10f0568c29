"""Fixtures shared by every test: the persona tree, logged-in clients, and an API client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.support.personas import PersonaTree, build_persona_tree


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Hashing five persona passwords per test with PBKDF2 would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: keys hold user and row ids, which a rolled-back
    database hands out again to the next test's rows."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def persona_tree(db: Any) -> PersonaTree:
    return build_persona_tree()


@pytest.fixture
def client_for(persona_tree: PersonaTree) -> Callable[[str], Client]:
    """``client_for("branch_secretary")`` → a client logged in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            from tests.support.mfa import force_login_with_mfa

            # Logged in as after password + TOTP, so MFA enforcement lets the persona in.
            force_login_with_mfa(client, persona_tree.users[persona])
        return client

    return make


@pytest.fixture
def national_admin(persona_tree: PersonaTree) -> Any:
    return persona_tree.users["national_admin"]


@pytest.fixture
def region_officer(persona_tree: PersonaTree) -> Any:
    return persona_tree.users["region_officer"]


@pytest.fixture
def branch_secretary(persona_tree: PersonaTree) -> Any:
    return persona_tree.users["branch_secretary"]


@pytest.fixture
def outsider(persona_tree: PersonaTree) -> Any:
    return persona_tree.users["outsider"]
