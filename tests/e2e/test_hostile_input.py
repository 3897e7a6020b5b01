"""The hostile-input corpus (tests/hostile/vectors.txt) in every field of stories, a meeting, its
opener and actions, and a digest, opened in Chromium: every payload calls alert(), so a dialog
would open if any of it ran. None does, and the pages log no error."""

import datetime
from itertools import cycle
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse
from playwright.sync_api import Browser, Dialog, Page

from insightboard.digest.services import digest_compile
from insightboard.weeks import last_complete_week, week_label, week_span
from meetings.models import ActionItem, Opener
from stories.models import Sentiment, Story
from tests.e2e.conftest import sign_in
from tests.hostile.corpus import STORABLE
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import EmpathyAnswersFactory, ExecutiveReportFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def hostile_company(staff: AbstractUser) -> dict[str, str]:
    """A story per vector, logged last week, every text field that vector; a meeting staff
    hosts, opened with the first, with an action per vector; last week's digest. The pages."""
    midweek = week_span(last_complete_week())[0] + datetime.timedelta(days=2, hours=12)
    names = cycle(STORABLE)
    authors = [
        PersonFactory(profile__display_name=next(names)[:100], profile__team=next(names)[:100])
        for _ in range(4)
    ]
    for n, vector in enumerate(STORABLE):
        StoryFactory(
            author=authors[n % len(authors)],
            title=vector,
            body=vector,
            sentiment=Sentiment.SUCCESS if n % 2 else Sentiment.FRUSTRATION,
            customer_name=vector[:200],
            customer_organisation=vector[:200],
            customer_segment=vector[:100],
            shout_out_to=vector[:120] if n % 2 else "",
            created_at=midweek,
        )
    ExecutiveReportFactory(story__title=STORABLE[0], insight=STORABLE[1], spoke_with=STORABLE[2])
    EmpathyAnswersFactory(story__title=STORABLE[3], company=STORABLE[4][:200])
    story = Story.objects.order_by("pk").first()
    assert story is not None
    meeting = MeetingFactory(series=SeriesFactory(name=STORABLE[5][:120], hosts=[staff]))
    Opener.objects.create(
        meeting=meeting, series=meeting.series, story=story, reason=STORABLE[6], kept_by=staff
    )
    ActionItem.objects.bulk_create(
        ActionItem(meeting=meeting, story=story, text=vector[:300], owner=staff)
        for vector in STORABLE
    )
    digest = digest_compile(week=last_complete_week())
    return {
        "home": reverse("home"),
        "story list": reverse("stories:list"),
        "story page": story.get_absolute_url(),
        "meeting page": reverse("meetings:detail", args=[meeting.pk]),
        "present mode": reverse("meetings:present", args=[meeting.pk]),
        "digest week": reverse("digest:week", args=[week_label(digest.week)]),
    }


def visit(page: Page, live_server: Any, pages: dict[str, str]) -> tuple[list[str], list[str]]:
    """Open each page: the dialogs that opened, and the pages that show none of the corpus."""
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    empty = []
    for name, path in pages.items():
        answer = page.goto(f"{live_server.url}{path}")
        assert answer is not None, name
        assert answer.ok, name
        text = page.inner_text("body")
        if not any(vector.strip() in text for vector in STORABLE):
            empty.append(name)
    return dialogs, empty


def test_no_vector_runs_on_the_main_pages(
    signed_in_page: Page, live_server: Any, staff: AbstractUser, console_errors: list[str]
) -> None:
    pages = hostile_company(staff)

    dialogs, empty = visit(signed_in_page, live_server, pages)

    assert dialogs == []
    assert empty == []  # what was logged is on every page, as text
    # Not even an attempt: the Content Security Policy would log one it blocked.
    assert console_errors == []


def test_no_vector_runs_even_without_the_content_security_policy(
    browser: Browser, live_server: Any, staff: AbstractUser
) -> None:
    """Escaping alone keeps the corpus as text: the policy is a second line, not the only one."""
    pages = hostile_company(staff)
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, staff.get_username())

    dialogs, empty = visit(page, live_server, pages)
    context.close()

    assert dialogs == []
    assert empty == []
    assert errors == []
