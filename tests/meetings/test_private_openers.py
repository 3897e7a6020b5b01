"""Private means private after the fact: a story made private after it opened a meeting (or was
shared as the meeting's empathy story) is checked again wherever it is shown. Its author and
admins still see it; everyone else learns only that the opener is private."""

import pytest
from django.urls import reverse

from insightboard.weeks import week_start
from meetings.models import Weekday
from meetings.notifications import (
    action_notify_owner,
    meeting_send_prebrief,
    opener_notify_author,
)
from meetings.schedule import series_upcoming_meetings
from stories.models import Story, Visibility
from stories.services import spotlight_set
from tests.meetings.factories import (
    ActionItemFactory,
    MeetingFactory,
    OpenerFactory,
    SeriesFactory,
)
from tests.meetings.pages import NOW, THURSDAY_MORNING, page
from tests.stories.factories import EmpathyAnswersFactory, StoryFactory

pytestmark = pytest.mark.django_db

QUOTE = "The refund never arrived"
CUSTOMER = "Priya Shah"
PRIVATE_OPENER = "This meeting’s opener is private"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def series(hugo, alice, bob):
    """Hugo hosts; alice (who logged the opener) and bob attend."""
    series = SeriesFactory(
        name="Support weekly", hosts=[hugo], weekday=Weekday.THURSDAY, first_day=NOW.date()
    )
    series.attendees.set([alice, bob])
    return series


@pytest.fixture
def meeting(series):
    return MeetingFactory(series=series, starts_at=THURSDAY_MORNING)


@pytest.fixture
def story(alice, meeting, hugo):
    """Alice's story opened the meeting while company-wide; then she made it private."""
    story = StoryFactory(author=alice, title=QUOTE, customer_name=CUSTOMER)
    OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)
    return story


def present(meeting):
    return reverse("meetings:present", args=[meeting.pk])


# --- The meeting page ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "hugo"])
def test_it_tells_others_the_opener_is_private_on_the_meeting_page(
    request, persona, meeting, story
):
    client = request.getfixturevalue(f"{persona}_client")

    response = client.get(page(meeting))

    assert response.status_code == 200
    assert PRIVATE_OPENER in response.text
    assert QUOTE not in response.text
    assert CUSTOMER not in response.text
    assert story.get_absolute_url() not in response.text
    # Nothing to present: the button is not offered.
    assert present(meeting) not in response.text


def test_it_tells_others_in_the_htmx_opener_partial_too(bob_client, meeting, story):
    response = bob_client.get(page(meeting), headers={"HX-Request": "true", "HX-Target": "opener"})

    assert PRIVATE_OPENER in response.text
    assert QUOTE not in response.text


@pytest.mark.parametrize("persona", ["alice", "ada"])
def test_it_still_shows_the_opener_to_its_author_and_admins(request, persona, meeting, story):
    client = request.getfixturevalue(f"{persona}_client")

    response = client.get(page(meeting))

    assert QUOTE in response.text
    assert PRIVATE_OPENER not in response.text
    assert present(meeting) in response.text


def test_it_tells_the_author_that_others_no_longer_see_it(alice_client, meeting, story):
    response = alice_client.get(page(meeting))

    assert "Private: only you and admins see it" in response.text


# --- Present mode --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "hugo"])
def test_it_presents_no_private_opener_to_others(request, persona, meeting, story):
    client = request.getfixturevalue(f"{persona}_client")

    response = client.get(present(meeting))

    assert response.status_code == 200
    assert PRIVATE_OPENER in response.text
    assert QUOTE not in response.text
    assert CUSTOMER not in response.text
    assert "Use this" not in response.text
    assert reverse("meetings:detail", args=[meeting.pk]) in response.text  # a way back


def test_it_presents_a_private_opener_to_its_author(alice_client, meeting, story):
    response = alice_client.get(present(meeting))

    assert QUOTE in response.text
    assert CUSTOMER in response.text


# --- Home -----------------------------------------------------------------------------------------


def test_it_tells_others_on_their_home_page(bob_client, alice_client, alice, series, hugo):
    meeting = series_upcoming_meetings(series=series, count=1)[0]
    story = StoryFactory(author=alice, title=QUOTE)
    OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)

    others = bob_client.get(reverse("home")).text
    author = alice_client.get(reverse("home")).text

    assert PRIVATE_OPENER in others
    assert QUOTE not in others
    assert QUOTE in author
    assert PRIVATE_OPENER not in author


# --- A story's meetings -------------------------------------------------------------------------


def test_it_shows_a_private_storys_meetings_to_its_author_alone(
    alice_client, bob_client, meeting, story
):
    url = reverse("meetings:lineage", args=[story.pk])

    assert bob_client.get(url).status_code == 404
    response = alice_client.get(url)
    assert response.status_code == 200
    assert "Support weekly" in response.text


# --- The empathy story ----------------------------------------------------------------------------


def test_it_hides_an_empathy_story_made_private_since_it_was_shared(
    alice, alice_client, bob_client, meeting
):
    shared = EmpathyAnswersFactory(story__author=alice, story__title="My bank kept me on hold")
    meeting.empathy_sharer = alice
    meeting.empathy_story = shared.story
    meeting.save()
    Story.objects.filter(pk=shared.story.pk).update(visibility=Visibility.PRIVATE)

    others = bob_client.get(page(meeting)).text
    author = alice_client.get(page(meeting)).text

    assert "My bank kept me on hold" not in others
    assert "’s experience is private: only they and admins can see it." in others
    assert "My bank kept me on hold" in author


# --- Constant queries -----------------------------------------------------------------------------


def test_it_checks_visibility_without_reading_more(
    bob_client, hugo_client, meeting, story, django_assert_max_num_queries
):
    # As many as a meeting page with a visible opener (tests/meetings/test_queries.py).
    with django_assert_max_num_queries(11):
        bob_client.get(page(meeting))
    with django_assert_max_num_queries(11):
        hugo_client.get(page(meeting))


# --- Offers made from a stored reference ----------------------------------------------------------


def test_it_never_offers_the_insight_of_the_week_once_it_is_private(hugo_client, meeting):
    spotlit = StoryFactory(title="Checkout froze at the last step")
    other = StoryFactory(title="The courier left it in the rain")
    spotlight_set(story_id=spotlit.pk, week=week_start(NOW.date()), reason="Insight of the week")
    Story.objects.filter(pk=spotlit.pk).update(visibility=Visibility.PRIVATE)

    response = hugo_client.get(page(meeting, pull=1))

    assert response.context["candidate"].story == other
    assert "Checkout froze" not in response.text


def test_it_never_offers_a_story_made_private_after_the_pre_brief(
    hugo, hugo_client, meeting, mailoutbox
):
    story = StoryFactory(title="Checkout froze at the last step")
    assert meeting_send_prebrief(meeting_id=meeting.pk)
    assert "Checkout froze" in mailoutbox[0].body
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)

    response = hugo_client.get(page(meeting, offer=story.pk))

    assert response.context["candidate"] is None
    assert "Checkout froze" not in response.text


def test_it_pre_briefs_no_story_made_private(hugo, meeting, mailoutbox):
    story = StoryFactory(title="Checkout froze at the last step")
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)

    assert meeting_send_prebrief(meeting_id=meeting.pk)

    assert "Checkout froze" not in mailoutbox[0].body
    assert "nothing fresh to pull" in mailoutbox[0].body


def test_it_still_tells_the_author_their_private_story_opened_a_meeting(
    alice, meeting, story, mailoutbox
):
    assert opener_notify_author(opener_id=meeting.opener.pk)

    assert [message.to for message in mailoutbox] == [[alice.email]]
    assert QUOTE in mailoutbox[0].body


def test_it_leaves_a_private_story_out_of_the_action_owners_email(
    bob, hugo, meeting, story, mailoutbox
):
    action = ActionItemFactory(meeting=meeting, story=story, owner=bob, text="Call Priya back")

    assert action_notify_owner(action_id=action.pk, owner_id=bob.pk, assigned_by_id=hugo.pk)

    [email] = [message for message in mailoutbox if message.to == [bob.email]]
    assert "Call Priya back" in email.body
    assert QUOTE not in email.body
    assert story.get_absolute_url() not in email.body
