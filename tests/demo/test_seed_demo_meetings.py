"""Demo meetings: the demo company's series, a little history, what comes next; seeded once."""

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.demo.data.meetings import SERIES
from insightboard.demo.data.people import DEMO_DOMAIN
from insightboard.demo.meetings import meetings_seed
from insightboard.demo.people import demo_email, people_seed
from insightboard.demo.stories import stories_seed
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_company() -> None:
    """The demo people and stories, without the meetings `seed_demo` would add as well."""
    stories_seed(60)


def demo_meetings() -> list[tuple[object, ...]]:
    """Everything about the seeded meetings that should not change between two runs."""
    return [
        (
            meeting.title,
            meeting.starts_at,
            meeting.takeaway,
            meeting.empathy_sharer.get_username() if meeting.empathy_sharer else None,
            meeting.opener.story.title if hasattr(meeting, "opener") else None,
            sorted((a.text, a.owner.get_username(), a.done) for a in meeting.actions.all()),
        )
        for meeting in Meeting.objects.order_by("starts_at", "title")
        .select_related("empathy_sharer", "opener__story")
        .prefetch_related("actions__owner")
    ]


def test_it_seeds_series_hosted_and_attended_by_demo_people(demo_company: None) -> None:
    out = meetings_seed()

    huddle = MeetingSeries.objects.get(name="Monday customer huddle")
    assert [host.get_username() for host in huddle.hosts.all()] == [f"hugo@{DEMO_DOMAIN}"]
    assert huddle.attendees.count() >= 3
    assert sorted(huddle.focus_tags.values_list("name", flat=True)) == ["checkout", "onboarding"]
    assert MeetingSeries.objects.filter(name="Product weekly").exists()
    assert MeetingSeries.objects.count() == len(SERIES)
    every_member = User.objects.filter(hosted_series__isnull=False) | User.objects.filter(
        attended_series__isnull=False
    )
    assert all(person.username.endswith(DEMO_DOMAIN) for person in every_member)
    assert f"Added {len(SERIES)} demo meeting series" in out
    assert demo_email("Hugo") in out


def test_it_gives_past_meetings_an_opener_a_takeaway_and_actions(demo_company: None) -> None:
    meetings_seed()
    now = timezone.now()

    past = Meeting.objects.filter(ends_at__lte=now)
    assert past.count() >= 2
    assert not past.filter(opener=None).exists()
    assert not past.filter(takeaway="").exists()
    for opener in Opener.objects.filter(meeting__in=past).select_related("meeting", "story"):
        # An opener was logged before the meeting it opened, and is company-wide.
        assert opener.story.created_at < opener.meeting.starts_at
        assert opener.story.visibility == "company"
        assert opener.series_id == opener.meeting.series_id
    actions = ActionItem.objects.all()
    assert actions.filter(done=True).exists()
    assert actions.filter(done=False).exists()
    assert not actions.exclude(story_id__in=Opener.objects.values("story_id")).exists()
    # Seeded history is not news: nobody is emailed about it.
    assert not Opener.objects.filter(author_notified_at=None).exists()
    assert not actions.filter(author_notified_at=None).exists()


def test_it_creates_the_next_meetings_with_the_rotation(demo_company: None) -> None:
    meetings_seed()
    now = timezone.now()

    per_series = (
        Meeting.objects.filter(starts_at__gt=now)
        .values("series__name")
        .annotate(n=Count("pk"))
        .values_list("series__name", "n")
    )
    assert dict(per_series) == {series.name: 2 for series in SERIES}
    huddle = Meeting.objects.filter(series__name="Monday customer huddle", starts_at__gt=now)
    # Alice and Maria shared before; the host has never shared, so it is his turn.
    assert huddle.first().empathy_sharer.get_username() == demo_email("Hugo")
    weekly = Meeting.objects.filter(series__name="Product weekly", starts_at__gt=now).first()
    assert weekly.opener.story.visibility == "company"


def test_it_shows_the_demo_host_a_full_home_page(demo_company: None) -> None:
    meetings_seed()
    client = Client()
    client.force_login(User.objects.get(username=demo_email("Hugo")))

    response = client.get(reverse("home"))

    titles = {meeting.title for meeting in response.context["next_meetings"]}
    assert titles == {"Monday customer huddle", "Product weekly"}
    assert len(response.context["empathy_turns"]) == 1
    assert (
        "It's your turn to share a customer experience of your own at <bdi>Monday" in response.text
    )
    assert len(response.context["open_actions"]) == 3
    assert "No opener yet" in response.text
    assert "Opens with" in response.text


def test_it_is_the_same_on_every_fresh_database(demo_company: None) -> None:
    meetings_seed()
    first = demo_meetings()
    MeetingSeries.objects.all().delete()
    meetings_seed()
    assert demo_meetings() == first


def test_it_does_nothing_once_any_series_exists(demo_company: None) -> None:
    meetings_seed()
    before = (MeetingSeries.objects.count(), Meeting.objects.count(), ActionItem.objects.count())

    out = meetings_seed()

    after = (MeetingSeries.objects.count(), Meeting.objects.count(), ActionItem.objects.count())
    assert after == before
    assert "no demo meetings were added" in out


def test_it_leaves_a_database_without_demo_people_alone(alice: User) -> None:
    out = meetings_seed()

    assert not MeetingSeries.objects.exists()
    assert "no demo people" in out
    assert "seed_demo" in out


def test_it_seeds_series_without_history_when_there_are_no_stories() -> None:
    people_seed()

    meetings_seed()

    assert MeetingSeries.objects.count() == len(SERIES)
    assert not Story.objects.exists()
    assert not Meeting.objects.filter(ends_at__lte=timezone.now()).exists()
    assert Meeting.objects.filter(starts_at__gt=timezone.now()).count() == 2 * len(SERIES)
