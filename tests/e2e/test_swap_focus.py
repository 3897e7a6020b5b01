"""After every htmx swap, keyboard focus is on the control that was replaced or in the content that
came in (or still on the control that asked for it), never back at the top of the page."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.urls import reverse
from playwright.sync_api import Page, expect

from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.weeks import last_complete_week
from stories.models import Sentiment
from tests.e2e.conftest import sign_in
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

KNOWN = "The checkout page froze when I paid by card"


def focus_inside(page: Page, selector: str) -> None:
    """Wait until focus is inside `selector` (the element itself counts), and not on the page."""
    page.wait_for_function(
        """(selector) => {
          const active = document.activeElement;
          const region = document.querySelector(selector);
          return active && active !== document.body && region && region.contains(active);
        }""",
        arg=selector,
    )


def press(page: Page, locator: Any, key: str = "Enter") -> None:
    locator.focus()
    page.keyboard.press(key)


@pytest.fixture
def stories(colleague: AbstractUser) -> None:
    StoryFactory(author=colleague, title=KNOWN, sentiment=Sentiment.FRUSTRATION, tags=["checkout"])
    StoryFactory(author=colleague, title="Onboarding call was lovely", sentiment=Sentiment.SUCCESS)


def test_it_keeps_focus_on_we_hear_this_too_after_pressing_it(
    page: Page, live_server: Any, staff: AbstractUser, stories: None, console_errors: list[str]
) -> None:
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/")
    card = page.locator(".story-card", has_text=KNOWN)

    press(page, card.get_by_role("button", name="We hear this too"))
    expect(card.get_by_role("button", name="You hear this too")).to_be_focused()
    press(page, card.get_by_role("button", name="You hear this too"))

    expect(card.get_by_role("button", name="We hear this too")).to_be_focused()
    assert console_errors == []


def test_it_keeps_focus_on_the_filters_and_the_quote_while_results_come_in(
    page: Page, live_server: Any, staff: AbstractUser, stories: None, console_errors: list[str]
) -> None:
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/")

    page.get_by_label("Sentiment").focus()
    page.get_by_label("Sentiment").select_option("success")
    expect(page).to_have_url(re.compile(r"[?&]sentiment=success"))
    expect(page.locator(".story-card", has_text=KNOWN)).to_have_count(0)
    expect(page.get_by_label("Sentiment")).to_be_focused()

    page.goto(f"{live_server.url}/stories/new/")
    quote = page.locator("#story-form").get_by_label("What did the customer say?")
    quote.press_sequentially("checkout froze paying by card", delay=5)
    expect(page.locator("#similar-stories")).to_contain_text(KNOWN)
    expect(quote).to_be_focused()
    assert console_errors == []


def test_it_keeps_focus_in_the_quick_capture_after_logging_and_same_as(
    page: Page, live_server: Any, staff: AbstractUser, stories: None, console_errors: list[str]
) -> None:
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/stories/")
    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Log an insight")
    dialog.get_by_label("What did the customer say?").fill("Invoices arrive a week late")
    dialog.get_by_label("Frustration").check()

    press(page, dialog.get_by_role("button", name="Log it"))
    expect(dialog.get_by_role("status")).to_contain_text("Logged")
    focus_inside(page, "#quick-capture-body")

    dialog.get_by_label("What did the customer say?").press_sequentially(
        "checkout froze paying by card", delay=5
    )
    press(page, dialog.get_by_role("button", name="This is the same as"))
    expect(dialog.get_by_role("status")).to_contain_text("you hear this too")
    focus_inside(page, "#quick-capture-body")
    assert console_errors == []


def test_it_puts_focus_on_the_opener_a_host_pulls(
    page: Page, live_server: Any, stories: None, console_errors: list[str]
) -> None:
    hosts, _ = Group.objects.get_or_create(name="Hosts")
    hosts.permissions.add(Permission.objects.get(codename="host_meetings"))
    host = PersonFactory(username="hugo@example.com", roles=["Hosts"])
    meeting = MeetingFactory(series=SeriesFactory(hosts=[host]))
    sign_in(page, live_server, host.get_username())
    page.goto(f"{live_server.url}{reverse('meetings:detail', args=[meeting.pk])}")
    opener = page.locator("#opener")

    press(page, opener.get_by_role("link", name="Pull an opener"))
    expect(opener).to_contain_text("Why this one")
    focus_inside(page, "#opener")
    first = opener.locator("blockquote").inner_text()

    press(page, opener.get_by_role("link", name="Another one"))
    expect(opener.locator("blockquote")).not_to_have_text(first)
    expect(opener.get_by_role("link", name="Another one")).to_be_focused()
    assert console_errors == []


def test_it_keeps_focus_in_the_deliveries_while_the_digest_page_refreshes_itself(
    page: Page, live_server: Any, console_errors: list[str]
) -> None:
    admin = PersonFactory(username="ada@example.com", is_staff=True, is_superuser=True)
    digest = Digest.objects.create(week=last_complete_week(), status=DigestStatus.SENDING)
    Delivery.objects.create(
        digest=digest,
        address="cleo@example.com",
        message_id="<digest.focus@insightboard.invalid>",
        date=digest.created_at,
    )
    sign_in(page, live_server, admin.get_username())
    page.goto(f"{live_server.url}{reverse('digest:manage')}")
    failed = page.locator("#deliveries").get_by_role("link", name="Failed (0)")
    failed.focus()

    # The sending ends: the next refresh of the progress brings a new delivery log with it.
    Delivery.objects.update(status=DeliveryStatus.SENT)
    Digest.objects.update(status=DigestStatus.SENT, sent_at=digest.created_at)
    expect(page.locator("#digest-progress")).not_to_have_attribute("hx-get", re.compile("."))
    expect(page.locator("#deliveries")).to_contain_text("Sent (1)")

    expect(page.locator("#deliveries").get_by_role("link", name="Failed (0)")).to_be_focused()
    assert console_errors == []
