"""A digest is frozen when it is compiled, but the stories in it are checked again whenever they are
shown: one made private since leaves the archive page, the email and next week's insight of the
week, whichever part of the digest it was in."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from insightboard.digest.messages import shared_parts
from insightboard.digest.services import digest_compile
from meetings.models import ActionItem
from meetings.openers import opener_pull
from stories.models import Sentiment, Story, Visibility
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 16)
LABEL = "2026-W47"
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
MONDAY_AFTER = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.UTC)
NEXT_THURSDAY = datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC)


@pytest.fixture
def week(alice, bob, hugo):
    """A frustration heard by bob, a success, and an action out of the frustration done by hugo."""
    with time_machine.travel(MIDWEEK, tick=False):
        frustration = StoryFactory(title="The bill doubled", author=alice)
        StoryFactory(title="Delivery was early", sentiment=Sentiment.SUCCESS, author=bob)
        ReactionFactory(story=frustration, person=bob)
        meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]), starts_at=MIDWEEK)
        ActionItem.objects.create(
            meeting=meeting,
            story=frustration,
            owner=hugo,
            text="Explain the bill on its first page",
            done=True,
            done_at=MIDWEEK,
        )
    with time_machine.travel(MONDAY_AFTER, tick=False):
        digest = digest_compile(week=WEEK)
    Story.objects.filter(pk=frustration.pk).update(visibility=Visibility.PRIVATE)
    return digest


def test_it_leaves_a_story_made_private_since_out_of_every_part_of_the_page(bob_client, week):
    assert {item["title"] for item in week.contents["frustrations"]} == {"The bill doubled"}
    assert [done["story"] for done in week.contents["loop"]] == ["The bill doubled"]

    page = bob_client.get(reverse("digest:week", args=[LABEL])).text

    assert "Delivery was early" in page
    assert "The bill doubled" not in page
    assert "Explain the bill" not in page


def test_it_leaves_it_out_of_the_email(week):
    parts = shared_parts(week)

    assert "Delivery was early" in parts.text
    assert "The bill doubled" not in parts.text
    assert "The bill doubled" not in parts.html


def test_it_no_longer_offers_it_as_next_weeks_insight_of_the_week(week, hugo):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]), starts_at=NEXT_THURSDAY)

    with time_machine.travel(MONDAY_AFTER, tick=False):
        candidate = opener_pull(meeting=meeting)

    assert candidate is not None
    assert candidate.story.title == "Delivery was early"
    assert not candidate.reason.startswith("Insight of the week")
