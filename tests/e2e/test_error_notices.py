"""An htmx action that fails says so: htmx swaps in no error answer, so the words of our error
page are shown where the page's messages go, instead of a click that seems to do nothing."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from playwright.sync_api import Page, expect

from stories.models import Reaction, Story
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_says_why_hearing_a_story_too_did_not_work_when_it_is_gone(
    signed_in_page: Page, live_server: Any, colleague: AbstractUser
) -> None:
    page = signed_in_page
    story = StoryFactory(author=colleague, title="Refunds take a fortnight")
    page.goto(f"{live_server.url}/stories/")
    story_card = page.locator(".story-card").filter(has_text=story.title)
    expect(story_card).to_be_visible()
    # Deleted by its author while the list was open.
    Story.objects.filter(pk=story.pk).delete()

    story_card.get_by_role("button", name="We hear this too").click()

    notice = page.get_by_role("status").locator(".notice.error")
    expect(notice).to_have_text(
        "Nothing here. This page does not exist, or it is not one you can see."
    )
    assert not Reaction.objects.exists()
