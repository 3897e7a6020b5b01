"""Home: my next meetings and their openers, my turn to share, my open actions, this week."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import ActionItem, Meeting, Opener
from meetings.schedule import series_upcoming_meetings
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

# A Wednesday; SeriesFactory's Monday 09:30 series first meet on Monday 23 November.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
NEXT_MONDAY = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=datetime.UTC)
SIZES = [1, 50]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def opener_for(meeting, story, person):
    return Opener.objects.create(
        meeting=meeting, series=meeting.series, story=story, reason="test", kept_by=person
    )


def action_for(meeting, story, owner, **fields):
    return ActionItem.objects.create(meeting=meeting, story=story, owner=owner, **fields)


def test_it_shows_my_next_meeting_with_its_opener(alice_client, alice, hugo, bob):
    series = SeriesFactory(name="Monday huddle", hosts=[hugo])
    series.attendees.add(alice)
    meeting = series_upcoming_meetings(series=series, count=1)[0]
    opener_for(meeting, StoryFactory(author=bob, title="Checkout <b>ate</b> my basket"), hugo)

    response = alice_client.get(reverse("home"))

    assert response.context["next_meetings"] == [meeting]
    assert "Monday huddle" in response.text
    assert "Monday 23 November, 09:30" in response.text
    assert "“<bdi>Checkout &lt;b&gt;ate&lt;/b&gt; my basket</bdi>”" in response.text
    assert "No opener yet" not in response.text


def test_it_links_a_meeting_without_an_opener_to_its_page(alice_client, hugo_client, alice, hugo):
    series = SeriesFactory(name="Monday huddle", hosts=[hugo])
    series.attendees.add(alice)
    meeting = series_upcoming_meetings(series=series, count=1)[0]
    page = reverse("meetings:detail", args=[meeting.pk])

    as_attendee = alice_client.get(reverse("home")).text
    as_host = hugo_client.get(reverse("home")).text

    assert "No opener yet: the hosts pick it." in as_attendee
    assert f'href="{page}">See the meeting' in as_attendee
    assert f'href="{page}">Pull one now' in as_host
    assert "You host" in as_host
    assert "You host" not in as_attendee


def test_it_creates_the_next_occurrence_on_first_view_then_only_reads(alice_client, alice, hugo):
    series = SeriesFactory(name="Monday huddle", hosts=[hugo])
    series.attendees.add(alice)

    alice_client.get(reverse("home"))
    assert list(Meeting.objects.values_list("series", "starts_at")) == [(series.pk, NEXT_MONDAY)]

    with CaptureQueriesContext(connection) as second:
        response = alice_client.get(reverse("home"))

    assert Meeting.objects.count() == 1
    writes = [
        q["sql"] for q in second.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    # The session is saved on every request; meetings are not written again.
    assert not [sql for sql in writes if "meetings_" in sql]
    assert [m.starts_at for m in response.context["next_meetings"]] == [NEXT_MONDAY]


def test_it_shows_only_the_next_meeting_of_each_series(alice_client, alice, hugo):
    series = SeriesFactory(name="Monday huddle", hosts=[hugo])
    series.attendees.add(alice)
    first, _later = series_upcoming_meetings(series=series, count=2)

    response = alice_client.get(reverse("home"))

    assert response.context["next_meetings"] == [first]


def test_it_keeps_a_meeting_in_progress_on_the_list(alice_client, alice):
    started = MeetingFactory(
        series=None,
        created_by=alice,
        title="Going on now",
        starts_at=NOW - datetime.timedelta(minutes=10),
        ends_at=NOW + datetime.timedelta(minutes=20),
    )
    MeetingFactory(
        series=None,
        created_by=alice,
        title="Over already",
        starts_at=NOW - datetime.timedelta(hours=2),
        ends_at=NOW - datetime.timedelta(hours=1),
    )

    response = alice_client.get(reverse("home"))

    assert response.context["next_meetings"] == [started]


def test_it_leaves_out_meetings_that_are_not_mine(ada_client, ada, alice, hugo):
    series = SeriesFactory(name="Someone else's sync", hosts=[hugo])
    series.attendees.add(alice)
    MeetingFactory(series=None, created_by=hugo, title="Hugo's one-off")
    mine = MeetingFactory(series=None, created_by=ada, title="Ada's one-off")

    response = ada_client.get(reverse("home"))

    # Admins may open every meeting, but their home page is about their own.
    assert response.context["next_meetings"] == [mine]
    assert "Someone else" not in response.text
    assert "Hugo&#x27;s one-off" not in response.text


def test_it_tells_me_when_it_is_my_turn_to_share(alice_client, alice, hugo):
    series = SeriesFactory(name="Monday huddle", hosts=[hugo])
    series.attendees.add(alice)
    meeting = series_upcoming_meetings(series=series, count=1)[0]
    Meeting.objects.filter(pk=meeting.pk).update(empathy_sharer=alice)

    response = alice_client.get(reverse("home"))

    assert (
        "It's your turn to share a customer experience of your own at <bdi>Monday huddle</bdi> on "
        in response.text
    )
    assert "Monday 23 November</time>" in response.text
    assert reverse("meetings:empathy", args=[meeting.pk]) in response.text


def test_it_stops_asking_once_i_have_shared(alice_client, alice, hugo):
    series = SeriesFactory(name="Monday huddle", hosts=[hugo])
    series.attendees.add(alice)
    meeting = series_upcoming_meetings(series=series, count=1)[0]
    Meeting.objects.filter(pk=meeting.pk).update(
        empathy_sharer=alice, empathy_story=StoryFactory(author=alice, kind="empathy")
    )

    response = alice_client.get(reverse("home"))

    assert response.context["empathy_turns"] == []
    assert "your turn" not in response.text


def test_it_lists_my_open_actions_due_soonest_first(alice_client, alice, bob, hugo):
    hidden = MeetingFactory(series=None, created_by=hugo, title="Hugo's one-off")
    huddle = SeriesFactory(name="Monday huddle", hosts=[hugo])
    huddle.attendees.add(alice)
    mine = series_upcoming_meetings(series=huddle, count=1)[0]
    story = StoryFactory(author=bob)
    today = NOW.date()
    later = action_for(mine, story, alice, text="Ring the customer", due_on=today)
    overdue = action_for(
        mine, story, alice, text="Fix <script>", due_on=today - datetime.timedelta(days=2)
    )
    action_for(mine, story, alice, text="Already done", done=True)
    action_for(mine, story, bob, text="Bob's to do")
    # Mine even though the meeting is not one I attend.
    elsewhere = action_for(hidden, story, alice, text="From a meeting I do not attend")

    response = alice_client.get(reverse("home"))

    assert response.context["open_actions"] == [overdue, later, elsewhere]
    assert "Fix &lt;script&gt;" in response.text
    assert 'Overdue</strong>, was due <time datetime="2026-11-16">16 Nov</time>' in response.text
    assert "Already done" not in response.text


def test_it_ticks_off_an_action_and_comes_back_home(alice_client, alice, bob, hugo):
    huddle = SeriesFactory(name="Monday huddle", hosts=[hugo])
    huddle.attendees.add(alice)
    meeting = series_upcoming_meetings(series=huddle, count=1)[0]
    action = action_for(meeting, StoryFactory(author=bob), alice, text="Ring the customer")
    home = alice_client.get(reverse("home")).text
    toggle = reverse("meetings:action_toggle", args=[action.pk])
    assert f'action="{toggle}"' in home
    assert 'name="next" value="/"' in home

    response = alice_client.post(toggle, {"next": reverse("home")}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    action.refresh_from_db()
    assert action.done
    assert "Marked done." in response.text
    assert "Ring the customer" not in response.text
    assert "Nothing open for you" in response.text


def test_it_says_what_to_do_next_when_there_is_nothing(alice_client, hugo_client):
    staff = alice_client.get(reverse("home")).text
    host = hugo_client.get(reverse("home")).text

    assert "No meetings coming up that you host or attend." in staff
    assert "Ask a host to add you to a meeting series" in staff
    assert "Set up your weekly meeting" in host
    assert reverse("meetings:series_create") in host
    assert "Nothing open for you" in staff
    assert "No insights yet this week: log the first one." in staff


@pytest.fixture
def my_week(request, alice, bob, hugo):
    """As many series (each opened with a story, alice's turn and action), one-offs and stories.

    The occurrences exist already, as they do from the second view of the week on.
    """
    for n in range(request.param):
        series = SeriesFactory(name=f"Series {n}", hosts=[hugo])
        series.attendees.add(alice, bob)
        meeting = series_upcoming_meetings(series=series, count=1)[0]
        story = StoryFactory(author=bob, title=f"Refund took too long, case {n}", tags=["refunds"])
        opener_for(meeting, story, hugo)
        Meeting.objects.filter(pk=meeting.pk).update(empathy_sharer=alice)
        action_for(meeting, story, alice, text=f"Call back customer {n}")
        MeetingFactory(series=None, created_by=alice, title=f"One-off {n}")
    return request.param


@pytest.mark.parametrize("my_week", SIZES, indirect=True)
def test_it_shows_home_in_constant_queries(alice_client, django_assert_num_queries, my_week):
    # Session, person, two permission reads, the person's series, which of their next
    # occurrences exist, the next meetings with openers, the turns, the actions, the stories,
    # their tags, which of them alice hears too, the two week counts, and the header's profile.
    with django_assert_num_queries(15):
        response = alice_client.get(reverse("home"))

    assert response.status_code == 200
    assert len(response.context["next_meetings"]) == min(2 * my_week, 6)
    assert len(response.context["empathy_turns"]) == min(my_week, 3)
    assert len(response.context["open_actions"]) == min(my_week, 10)
    assert len(response.context["recent"]) == min(my_week, 10)
