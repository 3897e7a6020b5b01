"""Compiling a week once: frozen, failed closed with the reason, skipped when nothing is new,
and feeding next week's meetings with the top frustration."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from insightboard.digest import builder
from insightboard.digest.models import Delivery, Digest, DigestStatus, FeaturedStory
from insightboard.digest.runs import digest_send_now
from insightboard.digest.services import digest_compile
from meetings.openers import opener_pull
from stories.models import Sentiment, Spotlight
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 16)
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
MONDAY_AFTER = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.UTC)


@pytest.fixture
def busy_week(alice, bob):
    with time_machine.travel(MIDWEEK, tick=False):
        frustration = StoryFactory(title="The bill doubled", author=alice)
        StoryFactory(title="Delivery was early", sentiment=Sentiment.SUCCESS, author=bob)
        ReactionFactory(story=frustration, person=bob)
    return frustration


def test_it_compiles_a_week_once_and_freezes_what_it_shows(busy_week):
    with time_machine.travel(MONDAY_AFTER, tick=False):
        first = digest_compile(week=WEEK)
        StoryFactory(title="Logged after the week ended")
        again = digest_compile(week=WEEK)

    assert first.pk == again.pk
    assert again.status == DigestStatus.COMPILED
    assert [item["title"] for item in again.contents["frustrations"]] == ["The bill doubled"]
    assert Digest.objects.count() == 1
    assert set(FeaturedStory.objects.values_list("story__title", flat=True)) == {
        "The bill doubled",
        "Delivery was early",
    }


def test_it_fails_closed_with_the_reason_and_sends_nothing(busy_week, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the reactions table is locked")

    monkeypatch.setattr(builder.story_reads, "week_counts", broken)
    with time_machine.travel(MONDAY_AFTER, tick=False):
        digest = digest_send_now(week=WEEK)

    assert digest.status == DigestStatus.FAILED
    assert "RuntimeError: the reactions table is locked" in digest.reason
    assert digest.contents is None
    assert not Delivery.objects.exists()

    monkeypatch.undo()
    with time_machine.travel(MONDAY_AFTER, tick=False):
        retried = digest_send_now(week=WEEK)

    assert retried.pk == digest.pk
    assert retried.status == DigestStatus.SENDING
    assert Delivery.objects.filter(digest=retried).count() == 2


def test_it_sends_nothing_for_a_week_with_nothing_new_and_says_why(alice_client, alice):
    with time_machine.travel(datetime.datetime(2026, 11, 4, tzinfo=datetime.UTC), tick=False):
        StoryFactory(author=alice)
    with time_machine.travel(MONDAY_AFTER, tick=False):
        digest = digest_send_now(week=WEEK)

    assert digest.status == DigestStatus.SKIPPED
    assert digest.reason.startswith("Nothing new in the week of 16–22 Nov 2026")
    assert not Delivery.objects.exists()
    page = alice_client.get(reverse("digest:archive")).text
    assert "Nothing new in the week of 16–22 Nov 2026" in page


def test_it_offers_the_top_frustration_as_next_weeks_insight_of_the_week(busy_week, hugo):
    with time_machine.travel(MONDAY_AFTER, tick=False):
        digest_compile(week=WEEK)
        for _ in range(30):
            StoryFactory()  # newer, fresher stories a pull would otherwise prefer
        meeting = MeetingFactory(
            series=SeriesFactory(hosts=[hugo]),
            starts_at=datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC),
        )

        candidate = opener_pull(meeting=meeting)
        another = opener_pull(meeting=meeting, skip=[busy_week.pk])

    spotlight = Spotlight.objects.get()
    assert spotlight.week == datetime.date(2026, 11, 23)
    assert candidate is not None
    assert candidate.story == busy_week
    assert candidate.reason.startswith("Insight of the week: the top frustration in the digest")
    assert another is not None
    assert another.story != busy_week
