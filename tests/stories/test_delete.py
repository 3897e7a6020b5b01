"""Deleting your own insight after it opened a meeting: the confirm page says what will happen,
and then it happens: the story goes, the meeting keeps its record and says why it is missing."""

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Meeting, Opener
from stories.models import Story
from tests.meetings.factories import ActionItemFactory, MeetingFactory, OpenerFactory, SeriesFactory
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(alice, hugo):
    """Alice's insight, which opened hugo's meeting (alice attends) and led to an action."""
    story = StoryFactory(author=alice, title="Refunds take three weeks")
    series = SeriesFactory(hosts=[hugo])
    series.attendees.set([alice])
    meeting = MeetingFactory(series=series, takeaway="Refunds need an owner")
    OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    ActionItemFactory(meeting=meeting, story=story, owner=hugo, text="Name a refunds owner")
    return story


def test_the_confirm_page_says_the_meeting_keeps_its_record(alice_client, opened):
    response = alice_client.get(reverse("stories:delete", args=[opened.pk]))

    assert response.status_code == 200
    assert "It opened a meeting." in response.text
    assert "That meeting keeps its record (takeaway and actions)" in response.text
    assert "make it private" in response.text


def test_a_story_that_opened_nothing_says_nothing_of_meetings(alice, alice_client):
    story = StoryFactory(author=alice)

    response = alice_client.get(reverse("stories:delete", args=[story.pk]))

    assert "meeting" not in response.text.split("<main")[-1].split("</main>")[0]


def test_deleting_it_keeps_the_meeting_and_its_actions(alice_client, opened):
    response = alice_client.post(reverse("stories:delete", args=[opened.pk]), follow=True)

    assert response.status_code == 200
    assert "The meeting it opened keeps its record." in response.text
    assert not Story.objects.filter(pk=opened.pk).exists()
    opener = Opener.objects.get()
    assert opener.story is None
    assert opener.story_deleted_at is not None
    assert opener.meeting.takeaway == "Refunds need an owner"
    assert ActionItem.objects.get().text == "Name a refunds owner"


@pytest.mark.parametrize("persona", ["hugo", "alice", "ada"])
def test_the_meeting_says_its_opener_was_deleted(request, opened, persona):
    from tests.conftest import client_for

    meeting = Meeting.objects.get()
    client_for(request.getfixturevalue("alice")).post(reverse("stories:delete", args=[opened.pk]))
    client = client_for(request.getfixturevalue(persona))

    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    home = client.get(reverse("home"))
    present = client.get(reverse("meetings:present", args=[meeting.pk]), follow=True)

    assert page.status_code == 200
    assert "The insight this meeting opened with was deleted on" in page.text
    assert "Name a refunds owner" in page.text
    assert home.status_code == 200
    assert present.status_code == 200
    assert "its opening insight was deleted" in present.text


def test_an_admin_deletes_it_the_same_way(ada_client, opened):
    ReactionFactory(story=opened)

    confirm = ada_client.get(reverse("stories:delete", args=[opened.pk]))
    response = ada_client.post(reverse("stories:delete", args=[opened.pk]))

    assert "(1)" in confirm.text  # its "we hear this too" count
    assert response.status_code == 302
    assert Opener.objects.get().story is None


def test_the_admin_refuses_to_delete_a_person_with_stories_in_words(ada_client, alice, opened):
    response = ada_client.post(reverse("admin:auth_user_delete", args=[alice.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.text
    assert Story.objects.filter(pk=opened.pk).exists()
