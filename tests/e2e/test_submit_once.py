"""A double click sends a form once: the browser sends one request, and one thing is created."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, Group, Permission
from playwright.sync_api import Page, Route, expect

from meetings.models import ActionItem
from stories.models import Story
from tests.meetings.factories import MeetingFactory, OpenerFactory
from tests.people.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def host(transactional_db: None) -> AbstractUser:
    # A transactional test flushes the roles the migration made; put the hosts' one back.
    hosts, _ = Group.objects.get_or_create(name="Hosts")
    hosts.permissions.add(Permission.objects.get(codename="host_meetings"))
    return PersonFactory(
        username="hugo@example.com", profile__display_name="Hugo Host", roles=["Hosts"]
    )


def sign_in(page: Page, live_server: Any, email: str) -> None:
    """Through the real form; done when the sign-in page is left."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def held_posts(page: Page, path: str) -> list[Route]:
    """POSTs to `path`, held on their way until the test lets them go: the form is mid-send."""
    held: list[Route] = []
    page.route(
        re.compile(rf"{re.escape(path)}$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    return held


def send_again(page: Page, form: str) -> None:
    """A second submit, as a second press of Enter or a second click would make."""
    page.evaluate(f"document.querySelector({form!r}).requestSubmit()")


def test_a_double_click_on_add_action_adds_one_action(
    page: Page, live_server: Any, host: AbstractUser, console_errors: list[str]
) -> None:
    meeting = MeetingFactory(series__hosts=[host])
    OpenerFactory(meeting=meeting)
    sign_in(page, live_server, host.get_username())
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    main = page.get_by_role("main")
    main.get_by_role("textbox", name="Action").fill("Call Acme back about refunds")
    main.get_by_label("Who").select_option(label="Hugo Host (hugo@example.com)")
    main.get_by_role("button", name="Add action").dblclick()

    expect(page.get_by_text("Added the action.")).to_be_visible()
    expect(page.locator(".actions-list li")).to_have_count(1)
    assert ActionItem.objects.count() == 1
    # Back on the page, the form works again.
    expect(main.get_by_role("button", name="Add action")).to_be_enabled()
    assert console_errors == []


def test_a_double_click_on_log_it_logs_one_story(
    page: Page, live_server: Any, staff: AbstractUser, console_errors: list[str]
) -> None:
    sign_in(page, live_server, staff.get_username())
    held = held_posts(page, "/stories/new/")
    dialog = page.get_by_role("dialog", name="Log an insight")
    page.get_by_role("banner").get_by_role("link", name="Log an insight").click()
    # Typing looks for similar stories; let that answer come before sending.
    with page.expect_response(lambda response: "/stories/similar/" in response.url):
        dialog.get_by_label("What did the customer say?").fill("The export button hides on phones")
    dialog.get_by_label("Frustration").check()

    dialog.get_by_role("button", name="Log it").dblclick()
    expect(dialog.get_by_role("button", name="Log it")).to_be_disabled()
    send_again(page, "#quick-capture form")
    for route in held:
        route.continue_()

    expect(dialog.get_by_role("status")).to_contain_text("Logged")
    assert Story.objects.filter(title="The export button hides on phones").count() == 1
    assert len(held) == 1
    # The fresh form that replaced it is ready for the next insight.
    expect(dialog.get_by_role("button", name="Log it")).to_be_enabled()
    assert console_errors == []
