"""Fixtures of the end-to-end tests: a live Django server and Debian's Chromium via Playwright.

One Chromium runs for the whole session; every test gets a fresh browser
context (cookies, language, downloads) and page. Playwright's sync API keeps an
asyncio event loop "running" in the main thread while it is started, which
Django's ORM takes for an async context; DJANGO_ALLOW_ASYNC_UNSAFE is therefore
set while the browser lives, and the e2e tests are moved to the end of the run
so no other test shares the main thread with that loop.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Response,
    expect,
    sync_playwright,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
# Requests whose failure breaks a page: its assets and htmx's requests.
CHECKED_REQUESTS = {"stylesheet", "script", "font", "image", "xhr", "fetch"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the e2e tests last, after every test that must not see Playwright's event loop."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            expect.set_options(timeout=TIMEOUT_MS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def javascript() -> bool:
    """Whether the browser runs scripts; parametrize a test with ``javascript`` to turn off."""
    return True


@pytest.fixture
def context(browser: Browser, javascript: bool) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        locale="zh-CN",
        java_script_enabled=javascript,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails its test on a script error or a failed asset or htmx request."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # What the Content-Security-Policy blocks (an inline script or style, another origin)
    # is reported on the console only.
    page.on(
        "console",
        lambda message: (
            problems.append(f"blocked by the CSP: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )

    def check(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type in CHECKED_REQUESTS:
            problems.append(
                f"{response.status} for {response.request.resource_type} {response.url}"
            )

    page.on("response", check)
    yield page
    assert not problems, problems


@pytest.fixture
def demo(live_server: Any) -> dict[str, Any]:
    """The catalogue and the demo network, seeded in the live server's database."""
    from tianping.web.catalogue.services import catalogue_sync
    from tianping.web.demo import demo_seed

    catalogue_sync()
    return demo_seed()


@pytest.fixture
def login(page: Page, live_server: Any, demo: dict[str, Any]) -> Any:
    """``login(username)``: log in through the login form, as a person would."""

    def _login(username: str) -> Page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(demo["password"])
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/$"))
        return page

    return _login
