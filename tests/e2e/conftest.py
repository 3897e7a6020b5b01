"""Real-browser tests: headless system Chromium, driven by Playwright, against the live server."""

import os
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.people.factories import PASSWORD, PersonFactory

# Playwright's sync API runs an event loop in this thread; Django would refuse database calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Auto-waiting assertions give up after this long; a slow shared CI box still gets there.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # `playwright install` cannot download here: use the system Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def console_errors(page: Page) -> list[str]:
    """Every console error and uncaught exception on the page, CSP violations included.

    Listening from the first page load, the sign-in page included: autouse fixtures are set up
    before any fixture or test can open a page.
    """
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def staff(transactional_db: None) -> AbstractUser:
    return PersonFactory(username="sam@example.com", profile__display_name="Sam Support")


@pytest.fixture
def colleague(transactional_db: None) -> AbstractUser:
    return PersonFactory(username="cleo@example.com", profile__display_name="Cleo Colleague")


def sign_in(page: Page, live_server: Any, email: str) -> None:
    """Through the real form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signed in: the header offers to log an insight (Sign out sits in the person's menu).
    expect(page.locator(".site-header .log-insight")).to_be_visible()


@pytest.fixture
def signed_in_page(
    page: Page, live_server: Any, staff: AbstractUser, console_errors: list[str]
) -> Page:
    sign_in(page, live_server, staff.get_username())
    return page
