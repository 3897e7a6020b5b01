"""Pulling an opener: fresh company-wide stories, scored, and a random pick among the best."""

import datetime
import random

import pytest
from django.utils import timezone

from meetings.models import Opener
from meetings.openers import BEST_OF, opener_pull
from meetings.services import opener_keep
from stories.models import Kind, Sentiment, Visibility
from tests.isolates import without_isolates
from tests.meetings.factories import MeetingFactory
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def test_it_never_repeats_an_opener_in_a_series(hugo):
    stories = StoryFactory.create_batch(3)
    first = MeetingFactory()
    series = first.series
    kept = set()
    for _ in range(3):
        meeting = MeetingFactory(series=series)
        pick = opener_pull(meeting=meeting, rng=random.Random(1))
        assert pick is not None
        opener_keep(meeting=meeting, story_id=pick.story.pk, person=hugo)
        kept.add(pick.story.pk)
    assert kept == {story.pk for story in stories}
    assert opener_pull(meeting=first, rng=random.Random(1)) is None


def test_it_only_offers_company_wide_stories():
    StoryFactory(visibility=Visibility.PRIVATE)
    assert opener_pull(meeting=MeetingFactory(), rng=random.Random(3)) is None


def test_it_prefers_focus_tags():
    meeting = MeetingFactory()
    meeting.series.focus_tags.set([StoryFactory(tags=["checkout"]).tags.get()])
    StoryFactory.create_batch(10, tags=["other"])
    pick = opener_pull(meeting=meeting, rng=random.Random(5))
    assert pick is not None
    assert [tag.name for tag in pick.story.tags.all()] == ["checkout"]
    assert "matches focus tag checkout" in without_isolates(pick.reason)


def test_it_prefers_stories_more_people_hear_too():
    # The oldest of seven stories alike in every other way: on a tie it would rank last, outside
    # the best five the pick is made among; only the four people who hear it too lift it in.
    popular = StoryFactory()
    ReactionFactory.create_batch(4, story=popular)
    StoryFactory.create_batch(BEST_OF + 1)

    picks = [opener_pull(meeting=MeetingFactory(), rng=random.Random(seed)) for seed in range(30)]

    assert popular in {pick.story for pick in picks}
    assert {pick.reason for pick in picks if pick.story == popular} == {
        "4 people hear this too; logged today; never opened a meeting yet"
    }


def test_it_alternates_sentiment_after_last_opener(hugo):
    meeting = MeetingFactory()
    frustration = StoryFactory(sentiment=Sentiment.FRUSTRATION)
    opener_keep(meeting=meeting, story_id=frustration.pk, person=hugo)
    StoryFactory.create_batch(5, sentiment=Sentiment.FRUSTRATION)
    success = StoryFactory(sentiment=Sentiment.SUCCESS, happened_on=days_ago(20))
    next_meeting = MeetingFactory(series=meeting.series)
    pick = opener_pull(meeting=next_meeting, rng=random.Random(2))
    assert pick is not None
    # Every seed keeps the success among the best; check it is ranked above at least one
    # frustration so alternation is doing work.
    seen = {opener_pull(meeting=next_meeting, rng=random.Random(s)).story for s in range(20)}
    assert success in seen


def test_it_is_random_among_the_best_with_a_fixed_seed():
    StoryFactory.create_batch(8)
    meeting = MeetingFactory()
    same = {opener_pull(meeting=meeting, rng=random.Random(42)).story.pk for _ in range(3)}
    assert len(same) == 1
    spread = {opener_pull(meeting=meeting, rng=random.Random(seed)).story.pk for seed in range(30)}
    assert len(spread) > 1


def test_it_widens_to_old_stories_and_other_kinds_before_giving_up():
    old_report = StoryFactory(kind=Kind.EXECUTIVE, happened_on=days_ago(400))
    pick = opener_pull(meeting=MeetingFactory(), rng=random.Random(0))
    assert pick is not None
    assert pick.story == old_report


def test_another_one_skips_without_burning():
    first, second = StoryFactory.create_batch(2)
    meeting = MeetingFactory()
    pick = opener_pull(meeting=meeting, skip=[first.pk], rng=random.Random(0))
    assert pick is not None
    assert pick.story == second
    assert not Opener.objects.exists()
    assert opener_pull(meeting=meeting, rng=random.Random(0)) is not None
