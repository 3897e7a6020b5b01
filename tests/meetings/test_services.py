"""Keeping an opener: the database refuses a second opener or a repeat, however hosts race."""

import functools

import pytest

from meetings.models import Opener
from meetings.services import OpenerError, opener_keep
from stories.models import Visibility
from tests.meetings.factories import MeetingFactory
from tests.people.factories import PersonFactory
from tests.races import at_once
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


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

    outcomes = at_once(
        *(
            functools.partial(opener_keep, meeting=meeting, story_id=story.pk, person=host)
            for host, story in zip(hosts, stories, strict=True)
        )
    )

    # The second host waits for the first one's opener and is told so, not that the story they
    # chose already opened a meeting in the series (what the database would say without the wait).
    [kept] = [outcome for outcome in outcomes if isinstance(outcome, Opener)]
    refused = [str(outcome) for outcome in outcomes if not isinstance(outcome, Opener)]
    assert refused == ["This meeting already has its opener."]
    assert list(Opener.objects.filter(meeting=meeting)) == [kept]


def test_it_tells_the_author_when_their_insight_opens_a_meeting(
    hugo, alice, mailoutbox, django_capture_on_commit_callbacks
):
    story = StoryFactory(author=alice)
    with django_capture_on_commit_callbacks(execute=True):
        opener_keep(meeting=MeetingFactory(), story_id=story.pk, person=hugo)
    assert [message.to for message in mailoutbox] == [[alice.email]]
