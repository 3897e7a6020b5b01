"""The first session in a real browser: a header on one row, filters that fold on a phone, and
the sentiment strip on every card."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, Group, Permission
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

FRUSTRATION_RED = "rgb(163, 42, 28)"


@pytest.fixture
def admin(transactional_db: None) -> AbstractUser:
    return PersonFactory(
        username="ada@example.com",
        profile__display_name="Adalberta Montgomery-Featherstonehaugh",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def host(transactional_db: None) -> AbstractUser:
    # A transactional test flushes the roles the migration made; put the hosts' one back.
    hosts, _ = Group.objects.get_or_create(name="Hosts")
    hosts.permissions.add(Permission.objects.get(codename="host_meetings"))
    return PersonFactory(
        username="hugo@example.com", profile__display_name="Hugo Host", roles=["Hosts"]
    )


def header_height(page: Page) -> float:
    box = page.locator(".site-header").bounding_box()
    assert box is not None
    return box["height"]


def test_it_keeps_the_admins_header_on_one_row_at_1280(
    page: Page, live_server: Any, admin: AbstractUser, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, admin.get_username())

    assert header_height(page) < 70
    name = page.locator(".person-label")
    expect(name).to_have_attribute("title", "Adalberta Montgomery-Featherstonehaugh")
    assert name.evaluate("node => node.scrollWidth > node.clientWidth")  # cut with an ellipsis

    # The admin links open from one menu, by keyboard.
    admin_menu = page.locator("summary", has_text="Admin")
    expect(page.get_by_role("link", name="Django admin")).to_be_hidden()
    admin_menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Django admin")).to_be_visible()
    expect(page.get_by_role("link", name="Invite people")).to_be_visible()
    assert console_errors == []


def test_it_folds_the_header_and_the_filters_on_a_phone(
    page: Page, live_server: Any, admin: AbstractUser, console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, live_server, admin.get_username())
    page.goto(f"{live_server.url}/stories/")

    assert header_height(page) < 70
    expect(page.get_by_role("link", name="Kudos")).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(page.get_by_role("link", name="Kudos")).to_be_visible()
    page.locator("summary", has_text="Menu").click()

    expect(page.get_by_label("Search")).to_be_visible()
    expect(page.get_by_label("Sentiment")).to_be_hidden()
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Sentiment").select_option("frustration")
    page.get_by_role("button", name="Filter").click()
    page.reload()
    # A filter in use keeps them open.
    expect(page.get_by_label("Sentiment")).to_be_visible()
    assert console_errors == []


def test_it_shows_the_sentiment_strip_on_the_opener_and_present_cards(
    page: Page, live_server: Any, host: AbstractUser, console_errors: list[str]
) -> None:
    meeting = MeetingFactory(series=SeriesFactory(hosts=[host]))
    OpenerFactory(meeting=meeting, story=StoryFactory(sentiment="frustration"), kept_by=host)
    sign_in(page, live_server, host.get_username())

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    strip = page.locator(".opener-card").evaluate("node => getComputedStyle(node).borderLeftColor")
    assert strip == FRUSTRATION_RED

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/present/")
    strip = page.locator(".present-card").evaluate("node => getComputedStyle(node).borderLeftColor")
    assert strip == FRUSTRATION_RED
    assert console_errors == []
