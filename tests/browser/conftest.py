"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Use ``page_as("branch_secretary")`` for a page logged in as a persona (session cookie set
directly, as a real login would), or ``page`` for an anonymous one; ``shot(page, "name")``
saves a screenshot under ``screenshots/`` (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database
# access happens in another thread, but fixtures touch the ORM from this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="vi-VN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_as(browser: Any, live_server: Any, persona_tree: Any) -> Iterator[Callable[..., Any]]:
    """``page_as("branch_secretary")`` or ``page_as(user)`` → a logged-in page."""
    from django.conf import settings
    from django.test import Client

    contexts: list[Any] = []

    def make(who: Any, *, viewport: dict[str, int] | None = None) -> Any:
        user = persona_tree.users[who] if isinstance(who, str) else who
        client = Client()
        from tests.support.mfa import force_login_with_mfa

        force_login_with_mfa(client, user)  # password + TOTP already passed
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1366, "height": 900},
            locale="vi-VN",
        )
        context.set_default_timeout(15_000)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Browser tests are transactional: each one flushes the database afterwards, data migrations
# included. Put the reference rows back before every test.
@pytest.fixture(autouse=True)
def reference_data(request: Any) -> None:
    if "django_db_setup" not in request.fixturenames:
        return
    from tests.support.personas import ensure_reference_data

    request.getfixturevalue("transactional_db")
    ensure_reference_data()
