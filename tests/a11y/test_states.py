"""Pages in the states people reach by using them, checked as the browser shows them: forms sent
back with problems, the quick capture open with similar stories under it, what htmx swaps in, a
new API key, the pages a link from an email lands on. No serious or critical axe-core finding and
no Nu HTML checker error but htmx's."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.a11y.conftest import axe_violations, vnu_errors
from tests.a11y.test_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class Checked:
    """The findings on each state of a page, by name, and its markup for one checker run."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.wrong: dict[str, object] = {}
        self.markup: dict[str, str] = {}

    def __call__(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        if violations := axe_violations(self.page):
            self.wrong[f"{name}: axe"] = violations
        self.markup[name] = self.page.content()

    def findings(self, folder: Path) -> dict[str, object]:
        for name, errors in vnu_errors(self.markup, folder).items():
            self.wrong[f"{name}: Nu HTML checker"] = errors
        return self.wrong


def test_it_has_no_barrier_in_what_staff_reach_by_using_the_pages(
    alice, world, page, live_server, tmp_path
):
    sign_in(page, live_server, alice)
    check = Checked(page)
    page.goto(f"{live_server.url}{reverse('stories:list')}")
    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Log an insight")
    check("quick capture, open")
    dialog.get_by_role("button", name="Log it").click()
    expect(dialog.locator(".error").first).to_be_visible()
    check("quick capture, sent back with problems")
    dialog.get_by_label("What did the customer say?").press_sequentially("checkout basket")
    expect(dialog.get_by_role("region", name="Already logged?")).to_be_visible()
    check("quick capture, with similar stories")
    dialog.get_by_role("button", name="Close").click()

    card = page.locator(".story-card", has_text=world.success.title)
    card.get_by_role("button", name="We hear this too").click()
    expect(card.get_by_role("button", name="You hear this too")).to_be_visible()
    check("insights, after we hear this too")

    page.goto(f"{live_server.url}{reverse('stories:create')}")
    form = page.locator("#story-form")
    form.get_by_role("button", name="Log it").click()
    expect(form.locator(".error").first).to_be_visible()
    check("story form, sent back with problems")
    form.get_by_label("What did the customer say?").press_sequentially("checkout basket")
    expect(page.locator("#similar-stories")).to_contain_text("Already logged?")
    check("story form, with similar stories")

    page.goto(f"{live_server.url}{reverse('stories:edit', args=[world.empathy.pk])}")
    check("empathy story, edit")
    page.goto(f"{live_server.url}{reverse('stories:delete', args=[world.empathy.pk])}")
    check("story, delete")
    page.goto(f"{live_server.url}{reverse('profile')}")
    page.get_by_role("button", name="Make a key").click()
    check("profile, a new API key")

    assert check.findings(tmp_path) == {}
    assert len(check.markup) == 9


def test_it_has_no_barrier_in_what_a_host_reaches(hugo, world, page, live_server, tmp_path):
    sign_in(page, live_server, hugo)
    check = Checked(page)
    page.goto(f"{live_server.url}{reverse('meetings:detail', args=[world.unopened.pk])}")
    opener = page.locator("#opener")
    opener.get_by_role("link", name="Pull an opener").click()
    expect(opener).to_contain_text("Why this one")
    check("meeting, an opener pulled")
    page.goto(f"{live_server.url}{reverse('meetings:series_create')}")
    page.locator("main form").get_by_role("button").last.click()
    check("series form, sent back")

    assert check.findings(tmp_path) == {}


def test_it_has_no_barrier_where_links_from_emails_land(page, live_server, tmp_path):
    check = Checked(page)
    for name, url in {
        "sign-up link, expired": "/accounts/signup/confirm/MQ/not-a-token/",
        "welcome link, expired": "/accounts/welcome/MQ/not-a-token/",
        "password reset link, expired": "/accounts/reset/MQ/not-a-token/",
        "unsubscribe link, broken": "/digest/unsubscribe/not-a-token/",
    }.items():
        page.goto(f"{live_server.url}{url}")
        check(name)

    assert check.findings(tmp_path) == {}
