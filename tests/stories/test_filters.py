"""One story filter: the insights page, its export, the API and a meeting's "find a specific story"
narrow stories the same way, tags spelled however the person types them."""

import datetime
import json

import pytest
from django.urls import reverse

from insightboard.people.tokens import api_token_create
from meetings.models import Opener
from stories.models import Channel, Sentiment, Visibility
from stories.selectors import StoryFilters, filtered_stories
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def titles(stories) -> list[str]:
    return [story.title for story in stories]


@pytest.fixture
def tagged(bob):
    checkout = StoryFactory(author=bob, title="Checkout froze twice", tags=["checkout"])
    StoryFactory(author=bob, title="Delivery was late", tags=["delivery"])
    return checkout


@pytest.mark.parametrize("typed", ["checkout", "Checkout", "#checkout", " CHECKOUT "])
def test_it_finds_a_tag_however_it_is_typed_on_the_insights_page(alice_client, tagged, typed):
    response = alice_client.get(reverse("stories:list"), {"tag": typed})

    assert titles(response.context["page"].rows) == ["Checkout froze twice"]


@pytest.mark.parametrize("typed", ["Checkout", "#checkout"])
def test_it_finds_a_tag_however_it_is_typed_in_the_export(alice_client, tagged, typed):
    response = alice_client.get(reverse("stories:export_json"), {"tag": typed})

    exported = json.loads(b"".join(response.streaming_content))
    assert titles_of(exported) == ["Checkout froze twice"]


def titles_of(exported: dict[str, list[dict[str, str]]]) -> list[str]:
    return [story["title"] for story in exported["stories"]]


@pytest.mark.parametrize("typed", ["Checkout", "#checkout"])
def test_it_finds_a_tag_however_it_is_typed_in_the_api(alice, client, tagged, typed):
    _, key = api_token_create(person=alice, name="Tests")

    response = client.get(
        "/api/v1/stories", {"tag": typed}, headers={"Authorization": f"Bearer {key}"}
    )

    assert [story["title"] for story in response.json()["items"]] == ["Checkout froze twice"]


def test_it_gives_the_api_the_filters_the_site_has(alice, bob, client):
    _, key = api_token_create(person=alice, name="Tests")
    StoryFactory(author=bob, title="On a call, by bob", channel=Channel.CALL)
    StoryFactory(author=bob, title="In a chat, by bob", channel=Channel.CHAT)
    StoryFactory(author=alice, title="In a chat, by alice", channel=Channel.CHAT)

    response = client.get(
        "/api/v1/stories",
        {"channel": "chat", "author": bob.pk},
        headers={"Authorization": f"Bearer {key}"},
    )

    assert [story["title"] for story in response.json()["items"]] == ["In a chat, by bob"]


def test_it_narrows_by_every_filter_at_once(alice, bob):
    day = datetime.date(2026, 11, 10)
    wanted = StoryFactory(
        author=bob,
        title="Refund took a month",
        sentiment=Sentiment.FRUSTRATION,
        channel=Channel.EMAIL,
        happened_on=day,
        tags=["refunds"],
    )
    StoryFactory(
        author=bob, title="Refund was quick", sentiment=Sentiment.SUCCESS, tags=["refunds"]
    )
    StoryFactory(author=bob, title="Refund took weeks", happened_on=day - datetime.timedelta(30))
    filters = StoryFilters(
        sentiment="frustration",
        channel="email",
        tag="Refunds",
        author=bob.pk,
        since=day,
        until=day,
        words="refund",
    )

    assert list(filtered_stories(alice, filters)) == [wanted]
    assert list(filtered_stories(alice, filters, best_match_first=True)) == [wanted]


def test_it_keeps_private_stories_to_their_author_whatever_the_filters(alice, bob):
    StoryFactory(author=bob, title="Bob's private refund", visibility=Visibility.PRIVATE)

    assert list(filtered_stories(alice, StoryFilters(words="refund"))) == []
    assert titles(filtered_stories(bob, StoryFilters(words="refund"))) == ["Bob's private refund"]


def test_it_filters_nothing_without_filters(alice, bob):
    StoryFactory(author=bob, title="older")
    StoryFactory(author=bob, title="newer")

    assert not StoryFilters()
    assert titles(filtered_stories(alice, StoryFilters())) == ["newer", "older"]


def test_it_finds_a_specific_opener_only_among_the_series_fresh_stories(hugo_client, hugo, bob):
    series = SeriesFactory(hosts=[hugo])
    used = StoryFactory(author=bob, title="Roaming bill was a shock")
    fresh = StoryFactory(author=bob, title="Roaming bill explained well")
    StoryFactory(author=bob, title="Roaming bill, private", visibility=Visibility.PRIVATE)
    earlier = MeetingFactory(series=series)
    Opener.objects.create(meeting=earlier, series=series, story=used, reason="", kept_by=hugo)
    meeting = MeetingFactory(series=series)

    response = hugo_client.get(reverse("meetings:detail", args=[meeting.pk]), {"find": "roaming"})

    assert response.context["found"] == [fresh]
