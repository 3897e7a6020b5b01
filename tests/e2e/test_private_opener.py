"""Private after the fact, in the browser: a story made private after it opened a meeting stays
with its author, on the meeting page and in present mode alike."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect

from meetings.models import Meeting
from stories.models import Story, Visibility
from tests.e2e.conftest import sign_in
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUOTE = "The refund never arrived"
CUSTOMER = "Priya Shah"


@pytest.fixture
def meeting(staff: AbstractUser, colleague: AbstractUser) -> Meeting:
    """Sam logged the story that opened the meeting, then made it private; Cleo attends too."""
    series = SeriesFactory(name="Support weekly")
    series.attendees.set([staff, colleague])
    meeting = MeetingFactory(series=series)
    story = StoryFactory(author=staff, title=QUOTE, customer_name=CUSTOMER)
    OpenerFactory(meeting=meeting, story=story)
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)
    return meeting


def test_it_keeps_a_story_made_private_from_the_other_attendees(
    page: Page,
    live_server: Any,
    colleague: AbstractUser,
    meeting: Meeting,
    console_errors: list[str],
) -> None:
    sign_in(page, live_server, colleague.get_username())
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    opener = page.locator("#opener")
    expect(opener).to_contain_text("This meeting’s opener is private")
    expect(page.get_by_role("main")).not_to_contain_text(QUOTE)
    expect(page.get_by_role("main")).not_to_contain_text(CUSTOMER)
    expect(opener.get_by_role("link", name="Present")).to_have_count(0)

    # Present mode, reached by its address, says the same and nothing more; Esc goes back.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/present/")
    expect(page.get_by_text("This meeting’s opener is private")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(QUOTE)
    expect(page.locator("body")).not_to_contain_text(CUSTOMER)
    page.wait_for_load_state()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))

    assert console_errors == []


def test_it_still_shows_the_author_their_own_story(
    page: Page,
    live_server: Any,
    staff: AbstractUser,
    meeting: Meeting,
    console_errors: list[str],
) -> None:
    sign_in(page, live_server, staff.get_username())
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    opener = page.locator("#opener")
    expect(opener.locator(".story-quote")).to_have_text(f"“{QUOTE}”")
    expect(opener).to_contain_text("Private: only you and admins see it")
    opener.get_by_role("link", name="Present").click()
    expect(page.locator(".present-quote")).to_have_text(f"“{QUOTE}”")
    expect(page.locator(".customer-name").last).to_contain_text(CUSTOMER)

    assert console_errors == []
