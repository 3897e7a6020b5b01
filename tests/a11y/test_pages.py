"""Every main page, for each role, signed out and in, with data and before there is any, has no
serious or critical axe-core finding in Chromium and no Nu HTML checker error but htmx's."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from insightboard.digest.messages import unsubscribe_token
from insightboard.digest.services import digest_compile
from insightboard.weeks import week_label, week_start
from tests.a11y.conftest import axe_violations, vnu_errors
from tests.test_headings import World, main_pages

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED_IN = ["alice", "hugo", "lena", "ada"]

SIGNED_OUT_PAGES = {
    "sign in": "/accounts/login/",
    "sign up": "/accounts/signup/",
    "password reset": "/accounts/password_reset/",
    "a page that is not there": "/stories/no-such-page/",
}


# Pages of ours that answer with a refusal; every other page answers 200.
REFUSALS = {"a page that is not there": 404, "not allowed": 403}


def empty_pages() -> dict[str, str]:
    return {
        "home": reverse("home"),
        "insights": reverse("stories:list"),
        "kudos": reverse("stories:kudos"),
        "leaders' corner": reverse("stories:leaders"),
        "metrics": reverse("metrics:list"),
        "meetings": reverse("meetings:list"),
        "digest archive": reverse("digest:archive"),
        "profile": reverse("profile"),
        "story form": reverse("stories:create"),
    }


def admin_pages(world: World) -> dict[str, str]:
    merge = reverse("stories:merge")
    return {
        "merge": merge,
        "merge, both chosen": f"{merge}?source={world.story.pk}&target={world.success.pk}",
        "metric form": reverse("metrics:create"),
        "record a value": reverse("metrics:record", args=[world.metric.pk]),
        "metric upload": reverse("metrics:upload"),
        "series form": reverse("meetings:series_create"),
        "one-off meeting form": reverse("meetings:one_off_create"),
        "invite": reverse("invite"),
        "executive report form": reverse("stories:report_create"),
        "digest deliveries and sending": reverse("digest:manage"),
    }


def digest_pages() -> dict[str, str]:
    digest = digest_compile(week=week_start(timezone.localdate()))
    return {
        "digest archive": reverse("digest:archive"),
        "a week's digest": reverse("digest:week", args=[week_label(digest.week)]),
        "unsubscribe": reverse("digest:unsubscribe", args=[unsubscribe_token("a@example.com")]),
    }


def sign_in(page: Page, live_server: Any, person: User) -> None:
    """With a session made on the server side: the sign-in form has tests of its own."""
    client = Client()
    client.force_login(person)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def findings(page: Page, live_server: Any, pages: dict[str, str], folder: Path) -> dict:
    """axe-core's findings and the checker's errors on each page, by page name."""
    wrong: dict[str, object] = {}
    sources: dict[str, str] = {}
    for name, url in pages.items():
        response = page.goto(f"{live_server.url}{url}", wait_until="networkidle")
        assert response is not None
        if response.status != REFUSALS.get(name, 200):
            wrong[f"{name}: status"] = response.status
        sources[name] = response.text()
        if violations := axe_violations(page):
            wrong[f"{name}: axe"] = violations
    for name, errors in vnu_errors(sources, folder).items():
        wrong[f"{name}: Nu HTML checker"] = errors
    return wrong


def test_it_has_no_barrier_on_the_pages_signed_out(page, live_server, tmp_path):
    pages = {**SIGNED_OUT_PAGES, **digest_pages()}
    del pages["a week's digest"]  # signed in only

    assert findings(page, live_server, pages, tmp_path) == {}
    assert len(pages) == 6


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_it_has_no_barrier_on_the_main_pages_before_there_is_data(
    request, persona, page, live_server, tmp_path
):
    sign_in(page, live_server, request.getfixturevalue(persona))

    assert findings(page, live_server, empty_pages(), tmp_path) == {}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_it_has_no_barrier_on_the_main_pages(request, persona, world, page, live_server, tmp_path):
    sign_in(page, live_server, request.getfixturevalue(persona))
    pages = {**main_pages(world), **digest_pages()}
    if persona == "ada":
        pages |= admin_pages(world)
    else:
        pages["not allowed"] = reverse("stories:merge")
    if persona == "hugo":
        pages["present mode"] = reverse("meetings:present", args=[world.meeting.pk])
        pages["present mode, a candidate"] = reverse("meetings:present", args=[world.unopened.pk])

    assert findings(page, live_server, pages, tmp_path) == {}
