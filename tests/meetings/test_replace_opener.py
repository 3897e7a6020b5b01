"""A meeting ahead whose opener was made private (or deleted) since it was kept is not stuck with
it: its hosts, other than the story's author, choose another with the usual pull and keep. Once
the meeting has been held, its opener is its record and stays."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Opener, Weekday
from stories.models import Story, Visibility
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import NOW, THURSDAY_MORNING, keep, page
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

CHOOSE = "Choose another opener"
PRIVATE_OPENER = "This meeting’s opener is private"
FRESH = "Checkout froze at the last step"


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
def private_opener(alice, meeting, hugo):
    """Alice's story opened the meeting while company-wide; then she made it private."""
    story = StoryFactory(author=alice, title="The refund never arrived")
    opener = OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)
    return opener


@pytest.fixture
def deleted_opener(alice, meeting, hugo):
    opener = OpenerFactory(meeting=meeting, story=StoryFactory(author=alice), kept_by=hugo)
    opener.story.delete()
    return opener


@pytest.fixture
def fresh(bob):
    return StoryFactory(author=bob, title=FRESH)


@pytest.mark.parametrize("gone", ["private_opener", "deleted_opener"])
def test_it_offers_the_host_another_opener(
    request, gone, hugo_client, meeting, django_assert_max_num_queries
):
    request.getfixturevalue(gone)

    with django_assert_max_num_queries(20):
        response = hugo_client.get(page(meeting))

    assert response.status_code == 200
    assert CHOOSE in response.text
    assert 'href="?pull=1"' in response.text
    assert "Or find a specific story" in response.text


@pytest.mark.parametrize("gone", ["private_opener", "deleted_opener"])
@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_it_offers_no_other_opener_to_those_who_do_not_host(request, gone, persona, meeting):
    request.getfixturevalue(gone)
    client = request.getfixturevalue(f"{persona}_client")

    response = client.get(page(meeting))

    assert response.status_code == 200
    assert CHOOSE not in response.text
    assert "Or find a specific story" not in response.text


@pytest.mark.parametrize("gone", ["private_opener", "deleted_opener"])
def test_it_lets_the_host_pull_and_keep_another_opener(
    request, gone, hugo_client, hugo, meeting, fresh
):
    old = request.getfixturevalue(gone)

    pulled = hugo_client.get(page(meeting, pull=1))
    kept = keep(hugo_client, meeting, fresh.pk, reason="picked by a host")

    assert FRESH in pulled.text
    assert "Use this" in pulled.text
    assert "This meeting opens with that story" in kept.text
    opener = Opener.objects.get(meeting=meeting)
    assert (opener.story, opener.kept_by) == (fresh, hugo)
    assert not Opener.objects.filter(pk=old.pk).exists()
    after = hugo_client.get(page(meeting))
    assert FRESH in after.text
    assert PRIVATE_OPENER not in after.text
    assert CHOOSE not in after.text


def test_it_presents_what_the_host_pulls_instead(hugo_client, meeting, private_opener, fresh):
    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]))

    assert response.status_code == 200
    assert FRESH in response.text
    assert "Use this" in response.text


def test_it_lets_the_host_find_a_specific_story_instead(
    hugo_client, meeting, private_opener, fresh
):
    response = hugo_client.get(page(meeting, find="checkout"))

    assert FRESH in response.text


def test_it_refuses_someone_who_does_not_host(bob_client, meeting, private_opener, fresh):
    response = bob_client.post(
        reverse("meetings:keep", args=[meeting.pk]),
        {"story_id": fresh.pk, "reason": "picked by a host"},
    )

    assert response.status_code == 403
    assert Opener.objects.get(meeting=meeting).story_id == private_opener.story_id


def test_it_keeps_an_opener_everyone_can_see(hugo_client, meeting, hugo, fresh):
    shared = OpenerFactory(meeting=meeting, story=StoryFactory(), kept_by=hugo)

    page_text = hugo_client.get(page(meeting)).text
    response = keep(hugo_client, meeting, fresh.pk)

    assert CHOOSE not in page_text
    assert "This meeting already has its opener." in response.text
    assert Opener.objects.get(meeting=meeting).story_id == shared.story_id


def test_it_keeps_the_opener_of_a_meeting_already_held(
    time_machine, hugo_client, meeting, private_opener, fresh
):
    time_machine.move_to(THURSDAY_MORNING + datetime.timedelta(hours=2), tick=False)

    page_text = hugo_client.get(page(meeting)).text
    response = keep(hugo_client, meeting, fresh.pk)

    assert CHOOSE not in page_text
    assert PRIVATE_OPENER in page_text
    assert "This meeting already has its opener." in response.text
    assert Opener.objects.get(meeting=meeting).story_id == private_opener.story_id


def test_it_leaves_the_choice_to_the_author_when_they_host(
    alice, alice_client, series, meeting, private_opener, fresh
):
    series.hosts.add(alice)

    page_text = alice_client.get(page(meeting)).text
    response = keep(alice_client, meeting, fresh.pk)

    assert CHOOSE not in page_text
    assert "This meeting already has its opener." in response.text
