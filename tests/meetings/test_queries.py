"""Every meetings page keeps a constant number of SQL queries as data grows: 1 row or 50 alike.

A signed-in page starts with four: the session, the person, and two permission reads (is this an
admin? may they host?); the header adds the person's profile.
"""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Meeting, MeetingSeries, Weekday
from tests.meetings.factories import (
    ActionItemFactory,
    MeetingFactory,
    OpenerFactory,
    SeriesFactory,
)
from tests.people.factories import PersonFactory
from tests.stories.factories import ReactionFactory, StoryFactory, TagFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 50]
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)  # a Wednesday
THURSDAY_MORNING = datetime.datetime(2026, 11, 19, 9, 30, tzinfo=datetime.UTC)
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def weekly(hugo, alice, **fields: object) -> MeetingSeries:
    """A series hugo hosts with another host, alice attends, focused on refunds."""
    series = SeriesFactory(
        hosts=[hugo, PersonFactory()],
        weekday=Weekday.THURSDAY,
        first_day=datetime.date(2026, 1, 1),
        **fields,
    )
    series.attendees.set([alice])
    series.focus_tags.set([TagFactory(name="refunds")])
    return series


@pytest.fixture
def series(hugo, alice):
    return weekly(hugo, alice, name="Support weekly")


@pytest.fixture
def meeting(series):
    return MeetingFactory(series=series, starts_at=THURSDAY_MORNING)


def refund_stories(count: int, *, tags: int = 2, reactions: int = 1) -> list:
    """Stories in the first widening step: insights tagged with the series' focus, logged today."""
    names = ["refunds", *(f"speed-{n}" for n in range(tags - 1))]
    stories = [
        StoryFactory(title=f"Refund took too long, case {n}", tags=names) for n in range(count)
    ]
    for story in stories:
        ReactionFactory.create_batch(reactions, story=story)
    return stories


def pull_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + "?pull=1"


# --- The meeting page ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_kept_opener_and_its_actions_in_constant_queries(
    hugo, hugo_client, meeting, django_assert_num_queries, size
):
    story = refund_stories(1)[0]
    OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    ActionItemFactory.create_batch(size, meeting=meeting, story=story)

    # The meeting, "is hugo a host?", the opener with its story, the story's tags, the actions
    # with their owners, and the people to choose an action's owner from.
    with django_assert_num_queries(11):
        response = hugo_client.get(reverse("meetings:detail", args=[meeting.pk]))

    assert response.status_code == 200
    assert len(response.context["actions"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_it_pulls_from_a_pool_in_constant_queries(
    hugo_client, meeting, django_assert_num_queries, size
):
    refund_stories(size)

    # The meeting, "is hugo a host?", no opener yet, the focus tags, last opener's sentiment,
    # the week's insight of the week (none), the pool and its tags, and the (empty) actions.
    with django_assert_num_queries(14):
        response = hugo_client.get(pull_url(meeting))

    assert response.context["candidate"] is not None


@pytest.mark.parametrize("size", SIZES)
def test_it_pulls_past_a_long_ledger_in_constant_queries(
    hugo, hugo_client, series, meeting, django_assert_num_queries, size
):
    for n in range(size):
        past = MeetingFactory(series=series, starts_at=THURSDAY_MORNING - WEEK * (n + 1))
        OpenerFactory(meeting=past, story=refund_stories(1)[0], kept_by=hugo)
    fresh = refund_stories(1)[0]

    with django_assert_num_queries(14):
        response = hugo_client.get(pull_url(meeting))

    assert response.context["candidate"].story == fresh


@pytest.mark.parametrize("size", SIZES)
def test_it_pulls_stories_with_many_tags_and_reactions_in_constant_queries(
    hugo_client, meeting, series, django_assert_num_queries, size
):
    refund_stories(3, tags=size, reactions=size)
    series.focus_tags.add(*TagFactory.create_batch(size))

    with django_assert_num_queries(14):
        response = hugo_client.get(pull_url(meeting))

    assert "Why this one:" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_it_serves_the_htmx_pull_in_constant_queries(
    hugo_client, meeting, django_assert_num_queries, size
):
    refund_stories(size)

    with django_assert_num_queries(13):  # no header
        response = hugo_client.get(
            pull_url(meeting), headers={"HX-Request": "true", "HX-Target": "opener"}
        )

    assert "<html" not in response.text


# --- The meetings list ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_many_series_in_constant_queries(
    hugo, alice, hugo_client, django_assert_num_queries, size
):
    for n in range(size):
        weekly(hugo, alice, name=f"Weekly {n:02}")
    hugo_client.get(reverse("meetings:list"))  # the first visit creates this week's meetings

    # The series with their hosts, the hosts' profiles and focus tags, one read that finds every
    # next occurrence already made, the upcoming meetings with their openers, and a page of past
    # meetings.
    with django_assert_num_queries(12):
        response = hugo_client.get(reverse("meetings:list"))

    assert len(response.context["series_list"]) == size
    assert len(response.context["upcoming"]) == min(size, 20)


@pytest.mark.parametrize("size", [1, 10])
def test_it_lists_many_meetings_in_constant_queries(
    hugo, hugo_client, series, django_assert_num_queries, size
):
    for n in range(size):
        meeting = MeetingFactory(series=series, starts_at=THURSDAY_MORNING + WEEK * n)
        OpenerFactory(meeting=meeting, kept_by=hugo)
    hugo_client.get(reverse("meetings:list"))

    with django_assert_num_queries(12):
        response = hugo_client.get(reverse("meetings:list"))

    assert len(response.context["upcoming"]) == size
    assert response.text.count("Opener ready") == size


# --- A story's lineage ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_story_lineage_in_constant_queries(
    hugo, alice, alice_client, django_assert_num_queries, size
):
    story = StoryFactory()
    for n in range(size):
        meeting = MeetingFactory(
            series=weekly(hugo, alice), starts_at=THURSDAY_MORNING - WEEK * n, takeaway=f"Take {n}"
        )
        OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
        ActionItemFactory.create_batch(2, meeting=meeting, story=story)

    # The story, its openers with their meetings, and the meetings' actions with their owners.
    with django_assert_num_queries(7):
        response = alice_client.get(
            reverse("meetings:lineage", args=[story.pk]), headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert len(response.context["openers"]) == size
    assert response.text.count("Call the customer back") == 2 * size
