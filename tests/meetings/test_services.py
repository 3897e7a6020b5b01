import datetime
import random
import threading

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import Opener
from meetings.openers import opener_pull
from meetings.services import OpenerError, opener_keep
from stories.models import Kind, Sentiment, Visibility
from tests.factories import PersonFactory, ReactionFactory, StoryFactory
from tests.meetings.factories import MeetingFactory

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
    assert "matches focus tag checkout" in pick.reason


def test_it_prefers_stories_more_people_hear_too():
    StoryFactory.create_batch(6)
    popular = StoryFactory()
    ReactionFactory.create_batch(4, story=popular)
    picks = {
        opener_pull(meeting=MeetingFactory(), rng=random.Random(seed)).story for seed in range(5)
    }
    assert popular in picks
    pick = opener_pull(meeting=MeetingFactory(), rng=random.Random(0))
    assert pick is not None


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


def test_it_refuses_a_private_story_in_a_forged_keep(hugo):
    private = StoryFactory(visibility=Visibility.PRIVATE)
    with pytest.raises(OpenerError, match="not visible to the whole company"):
        opener_keep(meeting=MeetingFactory(), story_id=private.pk, person=hugo)


def test_it_refuses_a_story_already_in_the_series_ledger(hugo):
    story = StoryFactory()
    meeting = MeetingFactory()
    opener_keep(meeting=meeting, story_id=story.pk, person=hugo)
    with pytest.raises(OpenerError, match="already opened a meeting in this series"):
        opener_keep(meeting=MeetingFactory(series=meeting.series), story_id=story.pk, person=hugo)


def test_it_refuses_a_second_opener_for_a_meeting(hugo):
    one, two = StoryFactory.create_batch(2)
    meeting = MeetingFactory()
    opener_keep(meeting=meeting, story_id=one.pk, person=hugo)
    with pytest.raises(OpenerError, match="already has its opener"):
        opener_keep(meeting=meeting, story_id=two.pk, person=hugo)


@pytest.mark.django_db(transaction=True)
def test_two_hosts_keeping_at_once_get_one_opener():
    hosts = PersonFactory.create_batch(2)
    stories = StoryFactory.create_batch(2)
    meeting = MeetingFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def keep(host, story):
        try:
            barrier.wait()
            opener_keep(meeting=meeting, story_id=story.pk, person=host)
            outcomes.append("kept")
        except OpenerError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=keep, args=pair) for pair in zip(hosts, stories, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["kept", "refused"]
    assert Opener.objects.filter(meeting=meeting).count() == 1


def test_it_tells_the_author_when_their_insight_opens_a_meeting(
    hugo, alice, mailoutbox, django_capture_on_commit_callbacks
):
    story = StoryFactory(author=alice)
    with django_capture_on_commit_callbacks(execute=True):
        opener_keep(meeting=MeetingFactory(), story_id=story.pk, person=hugo)
    assert [message.to for message in mailoutbox] == [[alice.email]]
