"""Meetings through the browser's eyes: set up, pull, keep, present, take away and act.

Time is frozen on a Wednesday; the series meets on Thursdays, so "this week's meeting" is tomorrow.
Few stories keep the pull deterministic enough to say what it must and must never offer.
"""

import datetime

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener, Weekday
from stories.models import Visibility
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import (
    NEXT_THURSDAY_MORNING,
    NOW,
    THURSDAY_MORNING,
    keep,
    one_off_fields,
    page,
    series_fields,
)
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def series(hugo, alice):
    """Hugo hosts, alice attends; bob is an outsider."""
    series = SeriesFactory(
        name="Support weekly", hosts=[hugo], weekday=Weekday.THURSDAY, first_day=NOW.date()
    )
    series.attendees.set([alice])
    return series


@pytest.fixture
def meeting(series):
    return MeetingFactory(series=series, starts_at=THURSDAY_MORNING)


# --- The whole flow ------------------------------------------------------------------------------


def test_it_runs_a_meeting_from_setup_to_lineage(hugo, hugo_client, alice, alice_client):
    stories = StoryFactory.create_batch(2)

    response = hugo_client.post(
        reverse("meetings:series_create"),
        series_fields(hosts=[hugo.pk], attendees=[alice.pk]),
    )

    series = MeetingSeries.objects.get()
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == page(meeting)
    assert meeting.series == series
    assert meeting.starts_at == THURSDAY_MORNING
    assert list(series.hosts.all()) == [hugo]
    assert [tag.name for tag in series.focus_tags.all()] == ["refunds"]

    response = hugo_client.get(page(meeting))
    assert response.status_code == 200
    assert "Saved “Support weekly”." in response.text
    assert "Pull an opener" in response.text

    response = hugo_client.get(page(meeting, pull=1))
    pulled = response.context["candidate"]
    assert pulled.story in stories
    assert "Why this one: " in response.text
    assert "never opened a meeting yet" in response.text
    assert pulled.story.title in response.text

    response = hugo_client.get(page(meeting, pull=1, seen=pulled.story.pk))
    another = response.context["candidate"]
    assert {pulled.story, another.story} == set(stories)
    assert another.story.title in response.text
    assert not Opener.objects.exists()

    response = keep(hugo_client, meeting, another.story.pk, another.reason)
    assert "This meeting opens with that story. Present it when you start." in response.text
    opener = Opener.objects.get()
    assert (opener.meeting, opener.series, opener.story) == (meeting, series, another.story)
    assert opener.kept_by == hugo
    assert opener.reason == another.reason

    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]))
    assert response.status_code == 200
    assert another.story.title in response.text
    assert response.context["kept"] is True

    response = hugo_client.post(
        reverse("meetings:takeaway", args=[meeting.pk]),
        {"takeaway": "Refunds need one named owner", "resonated_with": "4"},
        follow=True,
    )
    assert "Saved what it means for us." in response.text
    meeting.refresh_from_db()
    assert (meeting.takeaway, meeting.resonated_with) == ("Refunds need one named owner", 4)

    response = hugo_client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"text": "Name an owner for refunds", "owner": alice.pk, "due_on": "2026-11-25"},
        follow=True,
    )
    assert "Added the action." in response.text
    action = ActionItem.objects.get()
    assert (action.meeting, action.story, action.owner) == (meeting, another.story, alice)
    assert action.due_on == datetime.date(2026, 11, 25)
    assert not action.done

    response = alice_client.post(reverse("meetings:action_toggle", args=[action.pk]))
    assert response.status_code == 302
    assert response.url == page(meeting)
    action.refresh_from_db()
    assert action.done

    response = alice_client.get(reverse("meetings:lineage", args=[another.story.pk]))
    assert response.status_code == 200
    assert "Support weekly" in response.text
    assert "Refunds need one named owner" in response.text
    assert "Name an owner for refunds" in response.text
    assert "Done:" in response.text


def test_it_never_offers_the_next_occurrence_a_story_the_series_already_kept(
    hugo_client, meeting, time_machine
):
    kept, fresh = StoryFactory.create_batch(2)
    keep(hugo_client, meeting, kept.pk)
    time_machine.move_to(THURSDAY_MORNING + datetime.timedelta(hours=2), tick=False)

    response = hugo_client.get(reverse("meetings:list"))

    [next_meeting] = response.context["upcoming"]
    assert next_meeting.starts_at == NEXT_THURSDAY_MORNING
    for _ in range(5):
        response = hugo_client.get(page(next_meeting, pull=1))
        assert response.context["candidate"].story == fresh
    response = hugo_client.get(page(next_meeting, offer=kept.pk))
    assert response.context["candidate"] is None
    response = hugo_client.get(page(next_meeting, pull=1, seen=fresh.pk))
    assert response.context["candidate"] is None
    assert "There is nothing fresh left to open with" in response.text
    response = keep(hugo_client, next_meeting, kept.pk)
    assert "already opened a meeting in this series" in response.text
    assert Opener.objects.filter(meeting=next_meeting).count() == 0


def test_another_one_offers_a_different_story_without_writing_the_ledger(hugo_client, meeting):
    first, second = StoryFactory.create_batch(2)

    response = hugo_client.get(page(meeting, pull=1, seen=first.pk))

    assert response.context["candidate"].story == second
    assert response.context["seen"] == f"{first.pk},{second.pk}"
    assert f"seen={first.pk},{second.pk}" in response.text
    response = hugo_client.get(page(meeting, pull=1, seen=second.pk))
    assert response.context["candidate"].story == first
    assert not Opener.objects.exists()


def test_it_shows_the_story_offered_in_the_pre_brief(hugo_client, meeting):
    StoryFactory.create_batch(3)
    offered = StoryFactory(title="The new invoice layout saved me an hour")

    response = hugo_client.get(page(meeting, offer=offered.pk))

    assert response.context["candidate"].story == offered
    assert "The new invoice layout saved me an hour" in response.text
    assert "Why this one: offered in your pre-brief" in response.text
    assert f'name="story_id" value="{offered.pk}"' in response.text
    assert not Opener.objects.exists()


def test_it_does_not_offer_a_private_story_from_a_forged_pre_brief_link(hugo_client, meeting):
    private = StoryFactory(visibility=Visibility.PRIVATE, title="Only mine to read")

    response = hugo_client.get(page(meeting, offer=private.pk))

    assert response.context["candidate"] is None
    assert "Only mine to read" not in response.text


def test_it_finds_only_fresh_company_wide_stories(hugo_client, meeting, series):
    fresh = StoryFactory(title="Refund took three weeks to arrive")
    StoryFactory(title="Refund form lost my details", visibility=Visibility.PRIVATE)
    used = StoryFactory(title="Refund button is hidden")
    OpenerFactory(meeting=MeetingFactory(series=series), story=used)
    StoryFactory(title="Loved the onboarding call")

    response = hugo_client.get(page(meeting, find="refund"))

    assert response.context["found"] == [fresh]
    assert "Refund took three weeks to arrive" in response.text
    assert "Refund form lost my details" not in response.text
    assert "Refund button is hidden" not in response.text
    assert "Loved the onboarding call" not in response.text
    response = hugo_client.get(page(meeting, find="invoices"))
    assert response.context["found"] == []
    assert "No fresh story matches “<bdi>invoices</bdi>”." in response.text


def test_it_swaps_in_just_the_opener_for_htmx(hugo_client, meeting):
    story = StoryFactory(title="Checkout kept timing out")

    response = hugo_client.get(
        page(meeting, pull=1), headers={"HX-Request": "true", "HX-Target": "opener"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<h1>" not in response.text
    assert "Checkout kept timing out" in response.text
    assert "Why this one:" in response.text
    assert f'name="story_id" value="{story.pk}"' in response.text
    assert "HX-Request" in response["Vary"]


def test_it_says_when_nothing_is_left_and_offers_logging_an_insight(hugo_client, meeting):
    StoryFactory(visibility=Visibility.PRIVATE)

    response = hugo_client.get(page(meeting, pull=1))

    assert response.context["candidate"] is None
    assert "There is nothing fresh left to open with" in response.text
    assert f'href="{reverse("stories:create")}"' in response.text
    assert "Log what a customer told you" in response.text


def test_it_presents_a_pulled_story_before_it_is_kept(hugo_client, meeting):
    story = StoryFactory(title="Support fixed it in five minutes")

    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]), {"story": story.pk})

    assert response.status_code == 200
    assert "Support fixed it in five minutes" in response.text
    assert response.context["kept"] is False
    assert "Use this" in response.text
    assert not Opener.objects.exists()


def test_it_sends_a_host_back_to_pull_when_there_is_nothing_to_present(hugo_client, meeting):
    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]), follow=True)

    assert response.redirect_chain == [(page(meeting), 302)]
    assert "There is no opener to present yet: pull one first." in response.text


def test_it_sets_up_a_one_off_meeting_hosted_by_its_creator(hugo, hugo_client):
    response = hugo_client.post(reverse("meetings:one_off_create"), one_off_fields())

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == page(meeting)
    assert (meeting.series, meeting.created_by, meeting.title) == (None, hugo, "Refunds deep dive")
    assert meeting.starts_at == datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)
    StoryFactory()
    response = hugo_client.get(page(meeting, pull=1))
    assert response.context["is_host"] is True
    assert response.context["candidate"] is not None
