"""The demo company plus the odd rows real data collects (saved before a rule existed, or left by
people who have gone): every page, as every persona, answers without a server error."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from insightboard.metrics.models import Metric, MetricValue
from insightboard.people.tokens import api_token_create
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from stories.models import Story, StoryImport, StoryMerge, Visibility
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import StoryFactory
from tests.url_walk import project_routes, url_for

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "alice", "hugo", "lena", "ada"]
FAR = datetime.date(9999, 12, 30)


def demo_person(first_name: str) -> User:
    return User.objects.get(username__startswith=f"{first_name}@")


def odd_rows() -> list[str]:
    """Rows no form lets through today, put in as old data would be; the pages they reach."""
    alice, hugo, bob = demo_person("alice"), demo_person("hugo"), demo_person("maria")
    far = SeriesFactory(name="Year 9999 sync", hosts=[hugo])
    far.attendees.set([alice])
    next_century = SeriesFactory(name="Next century sync", hosts=[hugo])
    MeetingSeries.objects.filter(pk=far.pk).update(first_day=FAR)
    MeetingSeries.objects.filter(pk=next_century.pk).update(first_day=datetime.date(2100, 1, 4))
    far_one_off = MeetingFactory(series=None, created_by=hugo, title="Far one-off")
    Meeting.objects.filter(pk=far_one_off.pk).update(
        starts_at=datetime.datetime(9999, 12, 31, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(9999, 12, 31, 10, tzinfo=datetime.UTC),
    )
    # Stories at the edges of the range, and beyond it.
    edges = [
        StoryFactory(author=alice, happened_on=datetime.date(2000, 1, 1)),
        StoryFactory(author=alice, happened_on=datetime.date.today()),
        StoryFactory(author=alice, happened_on=datetime.date(1, 1, 1)),
        StoryFactory(author=alice, happened_on=datetime.date(9999, 12, 31)),
    ]
    # An author who has left: deactivated (people with stories are never deleted).
    gone = StoryFactory(author=bob, title="Said by someone who left")
    User.objects.filter(pk=bob.pk).update(is_active=False)
    # A private story that opened a meeting, and one deleted after it opened another.
    private = StoryFactory(author=alice, visibility=Visibility.PRIVATE, title="Made private")
    deleted = StoryFactory(author=alice, title="Deleted by its author")
    series = SeriesFactory(name="Opened oddly", hosts=[hugo])
    series.attendees.set([alice])
    meetings = []
    for story in (private, deleted, gone):
        meeting = MeetingFactory(series=series)
        Opener.objects.create(meeting=meeting, series=series, story=story, kept_by=hugo)
        ActionItem.objects.create(meeting=meeting, story=story, text="Follow up", owner=hugo)
        meetings.append(meeting)
    ActionItem.objects.filter(meeting=meetings[0]).update(due_on=datetime.date(9999, 12, 31))
    deleted.delete()
    # Metric weeks from before the rule: long ago and not begun.
    metric = Metric.objects.create(name="Odd weeks")
    for week in (datetime.date(1900, 1, 1), datetime.date(9999, 12, 27)):
        MetricValue.objects.create(metric=metric, week=week, value=1)
    pages = [reverse("meetings:detail", args=[m.pk]) for m in [far_one_off, *meetings]]
    pages += [reverse("meetings:present", args=[m.pk]) for m in meetings]
    pages += [reverse("meetings:series_edit", args=[s.pk]) for s in (far, next_century)]
    for story in [*edges, gone, private]:
        pages += [
            reverse("stories:detail", args=[story.pk]),
            reverse("stories:edit", args=[story.pk]),
            reverse("stories:delete", args=[story.pk]),
            reverse("meetings:lineage", args=[story.pk]),
            reverse("admin:stories_story_change", args=[story.pk]),
        ]
    pages += [
        reverse("admin:meetings_meeting_change", args=[far_one_off.pk]),
        reverse("admin:meetings_meetingseries_change", args=[far.pk]),
        reverse("admin:meetings_opener_change", args=[Opener.objects.get(story=None).pk]),
        reverse("admin:metrics_metric_change", args=[metric.pk]),
        reverse("metrics:record", args=[metric.pk]),
    ]
    return pages


@pytest.fixture
def walk() -> list[str]:
    call_command("seed_demo", "--stories", "30", stdout=StringIO())
    alice = demo_person("alice")
    story = Story.objects.filter(author=alice).first()
    assert story is not None
    # Rows the walk's URLs need that the demo company does not make.
    StoryImport.objects.create(person=alice, filename="walk.csv", content="title,sentiment\n")
    api_token_create(person=alice, name="Walk")
    if not StoryMerge.objects.exists():
        source, target = Story.objects.exclude(pk=story.pk)[:2]
        StoryMerge.objects.create(source=source, target=target)
    pages = odd_rows()
    for route in project_routes():
        if route.name is not None:
            pages.append(url_for(route, story))
    return pages


def client_as(persona: str) -> Client:
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(demo_person(persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_fails_on_odd_data(walk, persona):
    client = client_as(persona)

    failed = [
        f"{path}: {status}" for path in walk if (status := client.get(path).status_code) >= 500
    ]

    assert failed == []
