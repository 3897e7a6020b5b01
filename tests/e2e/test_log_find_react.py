"""The acceptance story: a staff member logs an insight, finds it again, and reacts.

How long logging takes is a benchmark's business, not a pass or fail here.
"""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Locator, Page, expect

from stories.models import Reaction, Sentiment, Story
from tests.e2e.conftest import sign_in
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "I could not find where to download my invoices"


def quick_capture(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Log an insight")


def header_log_button(page: Page) -> Locator:
    return page.get_by_role("banner").get_by_role("link", name="Log an insight")


def card(page: Page, title: str) -> Locator:
    return page.locator(".story-card").filter(has_text=title)


def mark_page(page: Page) -> None:
    # Survives htmx swaps, vanishes on a full page load: proves the page was never left.
    page.evaluate("window.__insightboardStayed = true")


def assert_page_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__insightboardStayed === true")


def test_it_lets_staff_log_find_and_react_to_an_insight(
    page: Page,
    live_server: Any,
    staff: AbstractUser,
    colleague: AbstractUser,
    console_errors: list[str],
) -> None:
    heard = StoryFactory(
        author=colleague,
        title="The export button is hidden on my phone",
        sentiment=Sentiment.FRUSTRATION,
        tags=["mobile"],
    )
    StoryFactory(
        author=colleague,
        title="Onboarding call was lovely and quick",
        sentiment=Sentiment.SUCCESS,
        tags=["onboarding"],
    )

    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/")
    dialog = quick_capture(page)

    # The keyboard shortcut opens the dialog from anywhere, with the cursor in the quote box.
    expect(dialog).to_be_hidden()
    page.keyboard.press("n")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("What did the customer say?")).to_be_focused()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Log one through the header button, from opening to the confirmation.
    list_url = page.url
    mark_page(page)
    header_log_button(page).click()
    expect(dialog).to_be_visible()
    dialog.get_by_label("What did the customer say?").fill(QUOTE)
    dialog.get_by_label("Frustration").check()
    dialog.get_by_label("Tags").fill("billing, Invoices")
    dialog.get_by_role("button", name="Log it").click()
    confirmation = dialog.get_by_role("status")
    expect(confirmation).to_contain_text("Logged")

    story = Story.objects.get(title=QUOTE)
    assert story.author == staff
    assert sorted(tag.name for tag in story.tags.all()) == ["billing", "invoices"]
    link = confirmation.get_by_role("link", name=QUOTE)
    expect(link).to_have_attribute("href", story.get_absolute_url())
    # The form is fresh for the next insight, and the person never left the page.
    expect(dialog.get_by_label("What did the customer say?")).to_have_value("")
    assert page.url == list_url
    assert_page_not_reloaded(page)
    dialog.get_by_role("button", name="Close").click()

    # Find it with a filter: htmx swaps the list in place and the address follows.
    page.goto(f"{live_server.url}/stories/")
    expect(card(page, QUOTE)).to_be_visible()
    mark_page(page)
    page.get_by_label("Sentiment").select_option("success")
    expect(page).to_have_url(re.compile(r"[?&]sentiment=success"))
    expect(card(page, "Onboarding call was lovely")).to_be_visible()
    expect(card(page, QUOTE)).to_have_count(0)
    page.get_by_label("Sentiment").select_option("frustration")
    expect(page).to_have_url(re.compile(r"[?&]sentiment=frustration"))
    expect(card(page, QUOTE)).to_be_visible()
    expect(card(page, heard.title)).to_be_visible()
    expect(card(page, "Onboarding call was lovely")).to_have_count(0)
    assert_page_not_reloaded(page)

    # Find it by the customer's words.
    page.goto(f"{live_server.url}/stories/")
    mark_page(page)
    page.get_by_role("searchbox", name="Search").fill("invoices")
    expect(page).to_have_url(re.compile(r"[?&]q=invoices"))
    expect(card(page, QUOTE)).to_be_visible()
    expect(page.locator(".story-card")).to_have_count(1)
    assert_page_not_reloaded(page)

    # "We hear this too" on a colleague's insight: 0 -> 1, shown as pressed.
    page.goto(f"{live_server.url}/stories/")
    heard_card = card(page, heard.title)
    expect(heard_card.locator(".hear-too-count")).to_have_text("0 people hear this too")
    heard_card.get_by_role("button", name="We hear this too").click()
    pressed = heard_card.get_by_role("button", name="You hear this too")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(heard_card.locator(".hear-too-count")).to_have_text("1 person hears this too")
    assert Reaction.objects.filter(story=heard, person=staff).count() == 1

    assert console_errors == []


def test_it_keeps_typed_values_when_the_quote_is_missing(
    signed_in_page: Page, console_errors: list[str]
) -> None:
    page = signed_in_page
    dialog = quick_capture(page)
    header_log_button(page).click()
    dialog.get_by_label("Idea").check()
    dialog.get_by_label("Tags").fill("pricing")
    dialog.get_by_label("Customer name").fill("Dana Okafor")
    dialog.get_by_label("Channel").select_option("email")
    dialog.get_by_role("button", name="Log it").click()

    expect(dialog.get_by_text("Write down what the customer said")).to_be_visible()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Idea")).to_be_checked()
    expect(dialog.get_by_label("Tags")).to_have_value("pricing")
    expect(dialog.get_by_label("Customer name")).to_have_value("Dana Okafor")
    expect(dialog.get_by_label("Channel")).to_have_value("email")
    expect(dialog.get_by_label("What did the customer say?")).to_be_focused()
    assert not Story.objects.exists()
    assert console_errors == []


def test_it_fits_a_phone_without_sideways_scrolling(
    signed_in_page: Page, live_server: Any, colleague: AbstractUser, console_errors: list[str]
) -> None:
    page = signed_in_page
    StoryFactory(
        author=colleague,
        title="Support answered in four minutes and fixed the sync " * 4,
        sentiment=Sentiment.SUCCESS,
        tags=["support-response-time", "synchronisation", "enterprise-customers"],
        customer_name="Maximiliana Featherstonehaugh-Worthington",
        customer_organisation="Extraordinarily Long Organisation Name Limited",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/stories/")
    expect(page.locator(".story-card")).to_have_count(1)
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"scrollWidth {overflow[0]} > clientWidth {overflow[1]}"
    assert console_errors == []
