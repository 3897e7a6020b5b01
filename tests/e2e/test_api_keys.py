"""A person makes an API key on their profile page, copies it, calls the API with it, revokes it;
and the API's docs work in the browser under the site's Content-Security-Policy."""

import re
from typing import Any

from playwright.sync_api import Page, expect


def test_it_makes_uses_and_revokes_a_key(
    signed_in_page: Page, live_server: Any, console_errors: list[str]
) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.get_by_text("You have no API keys yet")).to_be_visible()

    page.get_by_role("button", name="Make a key").click()
    expect(page.get_by_text("Name the key after what will use it")).to_be_visible()

    page.get_by_label("Name of a new key").fill("Support inbox")
    page.get_by_role("button", name="Make a key").click()
    expect(page.get_by_role("heading", name="Your new API key")).to_be_visible()
    raw_key = page.get_by_label("Key").input_value()
    assert re.fullmatch(r"ib_[\w-]{40,}", raw_key)
    page.get_by_role("button", name="Copy the key").click()
    expect(
        page.get_by_role("status").filter(has_text=re.compile("Copied|Selected"))
    ).to_be_visible()

    headers = {"Authorization": f"Bearer {raw_key}"}
    created = page.request.post(
        f"{live_server.url}/api/v1/stories",
        data={"title": "Sent from a script", "sentiment": "idea"},
        headers=headers,
    )
    assert created.status == 201
    assert created.json()["author"] == "Sam Support"

    page.get_by_role("link", name="Done: back to your profile").click()
    expect(page.get_by_text("Support inbox", exact=True)).to_be_visible()
    page.get_by_role("link", name="Revoke “Support inbox”").click()
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_text("Revoked “Support inbox”")).to_be_visible()

    # Writes take a key only (this context also holds the browser's session cookie).
    refused = page.request.post(
        f"{live_server.url}/api/v1/stories",
        data={"title": "Sent after revoking", "sentiment": "idea"},
        headers=headers,
    )
    assert refused.status == 401
    assert console_errors == []


def test_it_shows_the_api_docs_without_breaking_the_security_policy(
    signed_in_page: Page, live_server: Any, console_errors: list[str]
) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.get_by_role("heading", name=re.compile("InsightBoard API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/stories/{story_id}")).to_be_visible()
    assert console_errors == []
