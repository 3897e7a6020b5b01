"""The acceptance story: a host runs a weekly meeting that opens with a fresh customer insight."""

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from meetings.schedule import series_upcoming_meetings
from stories.models import Story
from tests.e2e.conftest import sign_in
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

SERIES = "Support weekly"
FOCUS = "checkout"
NOTHING_LEFT = "There is nothing fresh left to open with"


@pytest.fixture
def host(transactional_db: None) -> AbstractUser:
    # A transactional test flushes the roles the migration made; put the hosts' one back.
    hosts, _ = Group.objects.get_or_create(name="Hosts")
    hosts.permissions.add(Permission.objects.get(codename="host_meetings"))
    return PersonFactory(
        username="hugo@example.com", profile__display_name="Hugo Host", roles=["Hosts"]
    )


@pytest.fixture
def attendee(transactional_db: None) -> AbstractUser:
    return PersonFactory(username="cleo@example.com", profile__display_name="Cleo Colleague")


@pytest.fixture
def company_stories(attendee: AbstractUser) -> list[Story]:
    """Three fresh insights: two about the focus tag, which come first, and one about anything."""
    return [
        StoryFactory(
            author=attendee,
            title="Checkout asked for my postcode twice",
            tags=[FOCUS],
            customer_name="Priya Shah",
        ),
        StoryFactory(
            author=attendee,
            title="Paying by card failed on my phone",
            tags=[FOCUS],
            customer_name="Tom Brennan",
        ),
        StoryFactory(
            author=attendee,
            title="The onboarding call fixed everything in ten minutes",
            sentiment="success",
            customer_name="Dana Okafor",
        ),
    ]


def opener_card(page: Page) -> Locator:
    return page.locator("#opener")


def offered_quote(page: Page) -> str:
    quote = opener_card(page).locator(".story-quote")
    expect(quote).to_have_count(1)
    return quote.inner_text().strip("“”")


def mark_page(page: Page) -> None:
    # Survives htmx swaps, vanishes on a full page load: proves the page was never left.
    page.evaluate("window.__insightboardStayed = true")


def assert_page_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__insightboardStayed === true")


def pull_everything(page: Page) -> list[str]:
    """Pull, then "Another one" until the company has nothing fresh left; the quotes offered."""
    mark_page(page)
    page.get_by_role("link", name="Pull an opener").click()
    offered = [offered_quote(page)]
    while True:
        opener_card(page).get_by_role("link", name="Another one").click()
        # Wait for the swap: either a story not shown yet, or the empty state.
        fresh = (
            opener_card(page)
            .locator(".story-quote")
            .filter(has_not_text=re.compile("|".join(re.escape(quote) for quote in offered)))
        )
        expect(fresh.or_(opener_card(page).get_by_text(NOTHING_LEFT))).to_be_visible()
        if opener_card(page).get_by_text(NOTHING_LEFT).is_visible():
            break
        offered.append(offered_quote(page))
    assert_page_not_reloaded(page)
    return offered


def create_weekly_series(page: Page, live_server: Any) -> None:
    today = timezone.localdate()
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="New recurring meeting").click()
    expect(page.get_by_role("heading", name="New recurring meeting")).to_be_visible()
    form = page.get_by_role("main")
    form.get_by_label("Name").fill(SERIES)
    # Hosts and attendees are checkboxes: the person setting it up is ticked already.
    hosts = form.get_by_role("group", name="Hosts")
    expect(hosts.get_by_label("Hugo Host (hugo@example.com)")).to_be_checked()
    form.get_by_role("group", name="Attendees").get_by_label(
        "Cleo Colleague (cleo@example.com)"
    ).check()
    form.get_by_label("Cadence").select_option(label="Every week")
    # Late in the day, so today's occurrence is most likely still to come.
    form.get_by_label("Starts at").fill("23:00")
    form.get_by_label("Ends at").fill("23:30")
    # The weekday is the first meeting's: today's.
    expect(form.get_by_label("First meeting")).to_have_value(today.isoformat())
    form.get_by_label("Focus tags").fill(FOCUS)
    form.get_by_role("button", name="Save").click()


def test_it_opens_each_meeting_of_a_series_with_an_insight_it_never_used(
    page: Page,
    live_server: Any,
    host: AbstractUser,
    attendee: AbstractUser,
    company_stories: list[Story],
    console_errors: list[str],
) -> None:
    sign_in(page, live_server, host.get_username())
    create_weekly_series(page, live_server)

    # Saving lands on the series' first meeting, ready to pull its opener.
    expect(page.get_by_text(f"Saved “{SERIES}”.")).to_be_visible()
    expect(page.get_by_role("heading", name=SERIES, level=1)).to_be_visible()
    series = MeetingSeries.objects.get(name=SERIES)
    assert list(series.hosts.all()) == [host]
    assert list(series.attendees.all()) == [attendee]
    assert [tag.name for tag in series.focus_tags.all()] == [FOCUS]
    first = Meeting.objects.get(series=series)
    assert page.url.endswith(f"/meetings/{first.pk}/")

    # One click pulls an opener in place; "Another one" shows a different story, burning none.
    mark_page(page)
    page.get_by_role("link", name="Pull an opener").click()
    pulled = offered_quote(page)
    # The tag in the reason is isolated, as everything people typed.
    why = f"matches focus tag \u2068{FOCUS}\u2069"
    expect(opener_card(page).locator(".why")).to_contain_text(why)
    opener_card(page).get_by_role("link", name="Another one").click()
    expect(opener_card(page).locator(".story-quote")).not_to_have_text(f"“{pulled}”")
    kept = offered_quote(page)
    # Focus-tag stories come first while there are any.
    focused = {story.title for story in company_stories[:2]}
    assert {pulled, kept} == focused
    assert_page_not_reloaded(page)
    assert not Opener.objects.exists()

    opener_card(page).get_by_role("button", name="Use this").click()
    expect(page.get_by_text("This meeting opens with that story")).to_be_visible()
    opener = Opener.objects.get(meeting=first)
    assert opener.story.title == kept
    assert opener.kept_by == host

    # Present it: the quote, the prompts and a running two-minute timer; Esc goes back.
    opener_card(page).get_by_role("link", name="Present").click()
    expect(page.locator(".present-quote")).to_have_text(f"“{kept}”")
    expect(page.get_by_text("What does it mean for us?")).to_be_visible()
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^1:5\d$"))
    # A kept opener is not swapped for another one.
    expect(page.get_by_role("link", name="Another one")).to_have_count(0)
    expect(page.get_by_role("button", name="Use this")).to_have_count(0)
    page.wait_for_load_state()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"/meetings/{first.pk}/$"))

    # Capture what it means for us and what we will do about it.
    main = page.get_by_role("main")
    main.get_by_label("What does it mean for us?").fill("Card payments on phones need a fix")
    main.get_by_role("button", name="Save takeaway").click()
    expect(page.get_by_text("Saved what it means for us.")).to_be_visible()
    expect(page.locator(".takeaway")).to_have_text("Card payments on phones need a fix")
    due = timezone.localdate() + datetime.timedelta(days=7)
    main.get_by_role("textbox", name="Action").fill("Try paying on three phones")
    main.get_by_label("Who").select_option(label="Cleo Colleague (cleo@example.com)")
    main.get_by_label("By when").fill(due.isoformat())
    main.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Added the action.")).to_be_visible()
    expect(page.locator(".actions-list")).to_contain_text("Try paying on three phones")
    action = ActionItem.objects.get(meeting=first)
    assert (action.story, action.owner, action.due_on) == (opener.story, attendee, due)

    # The story's own page tells where it went, filled in by the meetings app over htmx.
    page.goto(f"{live_server.url}{opener.story.get_absolute_url()}")
    lineage = page.get_by_role("region", name="In meetings")
    expect(lineage).to_be_visible()
    expect(lineage.get_by_role("link", name=SERIES)).to_be_visible()
    expect(lineage).to_contain_text("What it means for us: Card payments on phones need a fix")
    expect(lineage).to_contain_text("Try paying on three phones")
    expect(page.get_by_role("link", name="See the meetings this story opened")).to_have_count(0)

    # Next week's meeting offers every other story, the one pulled and passed over included,
    # and never the one already kept.
    upcoming = series_upcoming_meetings(series=series, count=2)
    next_week = next(meeting for meeting in upcoming if meeting.starts_at > first.starts_at)
    assert next_week.starts_at - first.starts_at == datetime.timedelta(weeks=1)
    page.goto(f"{live_server.url}/meetings/{next_week.pk}/")
    offered = pull_everything(page)
    assert kept not in offered
    others = [story.title for story in company_stories if story.title != kept]
    assert sorted(offered) == sorted(others)

    assert console_errors == []


def test_it_lets_a_host_swap_and_keep_an_opener_from_the_keyboard_while_presenting(
    page: Page,
    live_server: Any,
    host: AbstractUser,
    attendee: AbstractUser,
    company_stories: list[Story],
    console_errors: list[str],
) -> None:
    sign_in(page, live_server, host.get_username())
    create_weekly_series(page, live_server)
    meeting = Meeting.objects.get(series__name=SERIES)
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))

    page.get_by_role("link", name="Pull an opener").click()
    first = offered_quote(page)
    opener_card(page).get_by_role("link", name="Present").click()
    expect(page.locator(".present-quote")).to_have_text(f"“{first}”")
    # The keys work once present.js has run.
    page.wait_for_load_state()

    # Hide customer names for a shared screen, in place: the whole row goes, and the button
    # says what it does next.
    names = page.locator("#hide-names")
    customer = page.locator("dd.customer-name")
    expect(customer).to_be_visible()
    expect(names).to_have_text("Hide customer names")
    present_url = page.url
    names.click()
    expect(names).to_have_text("Show customer names")
    expect(page.locator(".present-facts .customer-name")).to_have_count(2)
    expect(page.locator(".present-facts dt.customer-name")).to_be_hidden()
    expect(customer).to_be_hidden()
    assert page.url == present_url

    # N shows another story, names still hidden; the first one is not burned.
    page.keyboard.press("n")
    quote = page.locator(".present-quote")
    expect(quote).not_to_have_text(f"“{first}”")
    second = quote.inner_text().strip("“”")
    assert second in {story.title for story in company_stories}
    expect(names).to_have_text("Show customer names")
    expect(customer).to_be_hidden()
    assert not Opener.objects.exists()

    # Enter keeps the story on screen and goes back to the meeting.
    page.wait_for_load_state()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    expect(page.get_by_text("This meeting opens with that story")).to_be_visible()
    expect(opener_card(page).locator(".story-quote")).to_have_text(f"“{second}”")
    assert Opener.objects.get(meeting=meeting).story.title == second

    assert console_errors == []
