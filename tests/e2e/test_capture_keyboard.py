"""Logging an insight from the keyboard while similar stories show: Enter in a text box logs it
(never "this is the same as" on a suggestion), Tab goes from the quote through the fields to
"Log it" without passing the suggestions, and the insights list behind the quick capture shows
what was just logged."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Locator, Page, expect

from stories.models import Reaction, Sentiment, Story
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

KNOWN = "The export button is hidden on my phone"
TYPED = "Customer says the export button is hidden on the phone app"
FULL_FIELDS = [
    "title",
    "sentiment",
    "body",
    "tags",
    "shout_out_to",
    "customer_name",
    "customer_organisation",
    "customer_segment",
    "channel",
    "happened_on",
    "visibility",
]
QUICK_FIELDS = ["quick-title", "quick-sentiment", "quick-tags", "quick-customer_name"]
QUICK_FIELDS.append("quick-channel")
# What has the keyboard focus: its name (or its text, for a button or link) and whether it is a
# similar-story suggestion.
FOCUSED = """() => {
  const focused = document.activeElement;
  return [focused.name || focused.textContent.trim(), Boolean(focused.closest(".similar"))];
}"""


def full_form(page: Page, live_server: Any) -> Locator:
    page.goto(f"{live_server.url}/stories/new/")
    return page.locator("main")


def quick_capture(page: Page, live_server: Any) -> Locator:
    page.goto(f"{live_server.url}/stories/")
    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Log an insight")
    expect(dialog).to_be_visible()
    return dialog


def type_a_known_insight(form: Locator) -> None:
    form.get_by_label("What did the customer say?").press_sequentially(TYPED, delay=5)
    suggestions = form.get_by_role("region", name="Already logged? 1 similar story")
    expect(suggestions.get_by_role("button", name="This is the same as")).to_be_visible()


@pytest.fixture
def known(colleague: AbstractUser) -> Story:
    return StoryFactory(author=colleague, title=KNOWN, sentiment=Sentiment.FRUSTRATION)


@pytest.mark.parametrize("box", ["Tags", "Customer name"])
def test_it_logs_the_insight_on_enter_in_the_full_form(
    signed_in_page: Page, live_server: Any, known: Story, box: str, console_errors: list[str]
) -> None:
    page = signed_in_page
    form = full_form(page, live_server)
    type_a_known_insight(form)
    form.get_by_label("Frustration").check()

    form.get_by_label(box).fill("mobile")
    form.get_by_label(box).press("Enter")

    expect(page.get_by_text("Logged. Thank you for bringing the customer in.")).to_be_visible()
    story = Story.objects.get(title=TYPED)
    expect(page).to_have_url(f"{live_server.url}{story.get_absolute_url()}")
    assert not Reaction.objects.exists()
    assert console_errors == []


@pytest.mark.parametrize("box", ["Tags", "Customer name"])
def test_it_logs_the_insight_on_enter_in_the_quick_capture(
    signed_in_page: Page, live_server: Any, known: Story, box: str, console_errors: list[str]
) -> None:
    page = signed_in_page
    dialog = quick_capture(page, live_server)
    type_a_known_insight(dialog)
    dialog.get_by_label("Frustration").check()

    dialog.get_by_label(box).fill("mobile")
    dialog.get_by_label(box).press("Enter")

    expect(dialog.get_by_role("status")).to_contain_text("Logged")
    assert Story.objects.filter(title=TYPED).count() == 1
    assert not Reaction.objects.exists()
    assert console_errors == []


def tab_from_the_quote(page: Page, form: Locator) -> list[str]:
    """What Tab reaches after the quote, up to "Log it", with each radio group or date once."""
    form.get_by_label("What did the customer say?").focus()
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        name, suggestion = page.evaluate(FOCUSED)
        assert not suggestion, f"Tab reached a suggestion ({name}) before “Log it”"
        if name == "Log it":
            return reached
        if name not in reached:
            reached.append(name)
    raise AssertionError(f"Tab never reached “Log it”: {reached}")


def test_it_tabs_from_the_quote_through_the_fields_to_log_it_in_the_full_form(
    signed_in_page: Page, live_server: Any, known: Story, console_errors: list[str]
) -> None:
    page = signed_in_page
    form = full_form(page, live_server)
    type_a_known_insight(form)

    assert tab_from_the_quote(page, form) == FULL_FIELDS[1:]
    assert console_errors == []


def test_it_tabs_from_the_quote_through_the_fields_to_log_it_in_the_quick_capture(
    signed_in_page: Page, live_server: Any, known: Story, console_errors: list[str]
) -> None:
    page = signed_in_page
    dialog = quick_capture(page, live_server)
    type_a_known_insight(dialog)

    assert tab_from_the_quote(page, dialog) == QUICK_FIELDS[1:]
    assert console_errors == []


def test_it_shows_the_insight_just_logged_in_the_list_behind_the_dialog(
    signed_in_page: Page, live_server: Any, known: Story, console_errors: list[str]
) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/stories/")
    page.evaluate("window.__insightboardStayed = true")
    cards = page.locator(".story-card")
    expect(cards).to_have_count(1)

    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Log an insight")
    dialog.get_by_label("What did the customer say?").fill("Checkout froze twice this week")
    dialog.get_by_label("Frustration").check()
    dialog.get_by_role("button", name="Log it").click()

    expect(dialog.get_by_role("status")).to_contain_text("Logged")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Checkout froze twice this week")
    assert page.evaluate("window.__insightboardStayed === true")
    assert console_errors == []
