"""Headings never skip a level: going down the page each one is at most one deeper than the last
(h1, h2, h3; going back up is fine), on every main page, for every persona, as the Nu HTML checker
asks. Pieces htmx swaps in are checked where they land."""

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.metrics.models import Metric, MetricValue
from insightboard.people.tokens import api_token_create
from insightboard.weeks import week_start
from meetings.models import ActionItem, Meeting, Opener
from stories.merging.services import story_merge
from stories.models import Sentiment, Story
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import (
    EmpathyAnswersFactory,
    ExecutiveReportFactory,
    ReactionFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "hugo", "lena", "ada"]


class Headings(HTMLParser):
    """The h1 to h6 of a page, in document order, as (level, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self.level = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.level, self.text = int(tag[1]), []

    def handle_endtag(self, tag: str) -> None:
        if self.level and tag == f"h{self.level}":
            self.found.append((self.level, " ".join("".join(self.text).split())))
            self.level = 0

    def handle_data(self, data: str) -> None:
        if self.level:
            self.text.append(data)


def headings(html: str) -> list[tuple[int, str]]:
    parser = Headings()
    parser.feed(html)
    parser.close()
    return parser.found


def skipped_levels(html: str) -> list[str]:
    """Each heading deeper than one below the heading before it (the page starts at level 0)."""
    skips = []
    before = 0
    for level, text in headings(html):
        if level > before + 1:
            after = f"h{before}" if before else "the start of the page"
            skips.append(f"h{level} '{text}' straight after {after}")
        before = level
    return skips


def swapped_in(page: str, marker: str, fragment: str) -> str:
    """The page as it is once htmx put `fragment` inside the element whose tag holds `marker`."""
    start = page.index(marker)
    end = page.index(">", start) + 1
    return page[:end] + fragment + page[end:]


def client_as(request: pytest.FixtureRequest, persona: str) -> Client:
    return request.getfixturevalue(f"{persona}_client")


def pages_skipping_levels(client: Client, urls: dict[str, str]) -> dict[str, object]:
    """Every page of `urls` that does not answer 200 or skips a heading level, with why."""
    wrong: dict[str, object] = {}
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            wrong[name] = response.status_code
        elif not headings(response.text):
            wrong[name] = "no headings at all"
        elif skips := skipped_levels(response.text):
            wrong[name] = skips
    return wrong


@dataclass
class World:
    story: Story
    success: Story
    empathy: Story
    report: Story
    meeting: Meeting
    unopened: Meeting
    metric: Metric


@pytest.fixture
def world(alice, bob, hugo, lena, ada) -> World:
    """Some of everything: stories of each kind, a series everyone attends with an opened and an
    unopened meeting, a metric with values, a merge, and an API key each."""
    story = StoryFactory(
        author=alice,
        title="Checkout forgot my basket",
        body="**Twice** in a week",
        tags=["checkout"],
        customer_name="Amira",
    )
    ReactionFactory(story=story, person=bob)
    StoryFactory(author=bob, title="Checkout forgot my basket again", tags=["checkout"])
    success = StoryFactory(
        author=bob,
        title="Priya sorted my refund in minutes",
        sentiment=Sentiment.SUCCESS,
        shout_out_to="Priya in Support",
    )
    empathy = EmpathyAnswersFactory(story__author=alice).story
    report = ExecutiveReportFactory(story__author=lena, action_owner=hugo).story
    merged_away = StoryFactory(author=bob, title="Basket emptied itself")
    story_merge(source=merged_away, target=story, merged_by=ada)

    series = SeriesFactory(name="Support weekly", hosts=[hugo])
    series.attendees.set([alice, lena, ada])
    meeting = MeetingFactory(
        series=series,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        takeaway="Baskets must survive a sign-in",
        empathy_sharer=alice,
        empathy_story=empathy,
    )
    Opener.objects.create(meeting=meeting, series=series, story=story, reason="fresh", kept_by=hugo)
    for owner in (alice, hugo, lena, ada):
        ActionItem.objects.create(meeting=meeting, story=story, text="Call Amira back", owner=owner)
    unopened = MeetingFactory(series=series, empathy_sharer=lena)

    metric = Metric.objects.create(name="Net Promoter Score", good_direction="up", unit="points")
    this_week = week_start(timezone.localdate())
    for weeks_ago, value in enumerate([44, 42, 40]):
        MetricValue.objects.create(
            metric=metric,
            week=this_week - datetime.timedelta(weeks=weeks_ago),
            value=value,
            recorded_by=ada,
        )
    for person in (alice, hugo, lena, ada):
        api_token_create(person=person, name="Spreadsheet sync")
    return World(story, success, empathy, report, meeting, unopened, metric)


def main_pages(world: World) -> dict[str, str]:
    """The pages every signed-in persona sees, by what they show."""
    insights = reverse("stories:list")
    meeting = reverse("meetings:detail", args=[world.meeting.pk])
    unopened = reverse("meetings:detail", args=[world.unopened.pk])
    return {
        "home": reverse("home"),
        "insights": insights,
        "insights, filtered": f"{insights}?sentiment=success",
        "insights, searched": f"{insights}?q=basket",
        "insights, nothing matches": f"{insights}?q=zeppelin",
        "insights, by one author": f"{insights}?author={world.story.author_id}",
        "story": world.story.get_absolute_url(),
        "empathy story": world.empathy.get_absolute_url(),
        "executive report": world.report.get_absolute_url(),
        "story form": reverse("stories:create"),
        "empathy form": reverse("stories:empathy_create"),
        "kudos": reverse("stories:kudos"),
        "leaders' corner": reverse("stories:leaders"),
        "import": reverse("stories:import"),
        "metrics": reverse("metrics:list"),
        "meetings": reverse("meetings:list"),
        "meeting with an opener": meeting,
        "meeting without an opener": unopened,
        "meeting, pulling a candidate": f"{unopened}?pull=1",
        "meeting, finding a story": f"{unopened}?find=basket",
        "lineage": reverse("meetings:lineage", args=[world.story.pk]),
        "profile": reverse("profile"),
        "password change": reverse("password_change"),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_never_skips_a_heading_level_on_the_main_pages(request, persona, world):
    client = client_as(request, persona)

    assert pages_skipping_levels(client, main_pages(world)) == {}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_never_skips_a_heading_level_on_the_main_pages_before_there_is_data(request, persona):
    client = client_as(request, persona)
    pages = {
        "home": reverse("home"),
        "insights": reverse("stories:list"),
        "kudos": reverse("stories:kudos"),
        "leaders' corner": reverse("stories:leaders"),
        "metrics": reverse("metrics:list"),
        "meetings": reverse("meetings:list"),
        "profile": reverse("profile"),
    }

    assert pages_skipping_levels(client, pages) == {}


def test_it_never_skips_a_heading_level_in_what_htmx_swaps_in(alice_client, world):
    new = alice_client.get(reverse("stories:create")).text
    similar = alice_client.get(reverse("stories:similar"), {"title": "checkout basket"}).text
    quick = alice_client.get(reverse("stories:similar"), {"quick-title": "checkout basket"}).text
    story = alice_client.get(world.story.get_absolute_url()).text
    lineage_url = reverse("meetings:lineage", args=[world.story.pk])
    lineage = alice_client.get(lineage_url, headers={"HX-Request": "true"}).text
    assert "Already logged?" in similar
    assert "In meetings" in lineage

    pages = {
        "story form, similar stories": swapped_in(new, 'id="similar-stories"', similar),
        "quick capture, similar stories": swapped_in(new, 'id="quick-similar"', quick),
        "story, its meetings": swapped_in(story, f'hx-get="{lineage_url}"', lineage),
    }

    assert {name: skips for name, html in pages.items() if (skips := skipped_levels(html))} == {}


def test_it_never_skips_a_heading_level_on_a_form_sent_back_with_errors(alice_client, world):
    response = alice_client.post(reverse("stories:create"), {"title": ""})

    assert response.status_code == 200
    assert "problem" in response.text
    assert skipped_levels(response.text) == []


def test_it_never_skips_a_heading_level_on_an_import_preview(alice_client, world):
    content = (
        "title,sentiment,tags,colour\n"
        "I waited 40 minutes to cancel,frustration,billing,red\n"
        ",success,,blue\n"
    )
    upload = SimpleUploadedFile("insights.csv", content.encode(), "text/csv")
    uploaded = alice_client.post(reverse("stories:import"), {"file": upload})
    assert uploaded.status_code == 302

    preview = alice_client.get(uploaded["Location"])

    assert preview.status_code == 200
    assert {"Problems to fix (1)", "Worth knowing (1)", "The first rows to import"} <= {
        text for level, text in headings(preview.text)
    }
    assert skipped_levels(preview.text) == []


def test_it_never_skips_a_heading_level_on_the_admin_pages(ada_client, world):
    merge = reverse("stories:merge")
    source, target = world.story.pk, world.success.pk
    pages = {
        "merge": merge,
        "merge, one story chosen": f"{merge}?source={source}",
        "merge, both chosen": f"{merge}?source={source}&target={target}",
        "merge, searching": f"{merge}?q=basket",
        "metric form": reverse("metrics:create"),
        "metric edit form": reverse("metrics:edit", args=[world.metric.pk]),
        "record a value": reverse("metrics:record", args=[world.metric.pk]),
        "metric upload": reverse("metrics:upload"),
        "series form": reverse("meetings:series_create"),
        "one-off meeting form": reverse("meetings:one_off_create"),
        "invite": reverse("invite"),
        "executive report form": reverse("stories:report_create"),
    }

    assert pages_skipping_levels(ada_client, pages) == {}


@pytest.mark.parametrize("opened", [True, False], ids=["opener kept", "candidate pulled"])
def test_it_never_skips_a_heading_level_in_present_mode(hugo_client, world, opened):
    meeting = world.meeting if opened else world.unopened

    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]))

    # It shows the customer's words alone, full screen, without headings today.
    assert response.status_code == 200
    assert skipped_levels(response.text) == []


@pytest.mark.parametrize(
    ("content", "first_heading"),
    [
        ("metric,week,value\nNet Promoter Score,2026-W01,45\n", "can be recorded"),
        ("metric,week,value\nNo such metric,2026-W01,45\n", "Nothing was recorded"),
    ],
)
def test_it_never_skips_a_heading_level_on_a_metric_upload_report(
    ada_client, world, content, first_heading
):
    upload = SimpleUploadedFile("values.csv", content.encode(), "text/csv")

    response = ada_client.post(reverse("metrics:upload"), {"file": upload})

    assert response.status_code == 200
    assert any(first_heading in text for level, text in headings(response.text))
    assert skipped_levels(response.text) == []


def test_it_never_skips_a_heading_level_when_signing_in_or_refused(alice_client, client, world):
    pages = {
        "sign in": client.get(reverse("login")),
        "not found": alice_client.get(reverse("stories:detail", args=[world.story.pk + 1000])),
        "not allowed": alice_client.get(reverse("stories:merge")),
    }

    assert {name: response.status_code for name, response in pages.items()} == {
        "sign in": 200,
        "not found": 404,
        "not allowed": 403,
    }
    assert {name: skips for name, r in pages.items() if (skips := skipped_levels(r.text))} == {}


def test_it_finds_a_skipped_level_and_lets_headings_go_back_up():
    assert skipped_levels("<h1>Insights</h1><h2>List</h2><h3>A</h3><h2>More</h2>") == []
    assert skipped_levels("<h1>Insights</h1><h3>A <a>story</a></h3>") == [
        "h3 'A story' straight after h1"
    ]
    assert skipped_levels("<h2>Log an insight</h2><h1>Insights</h1>") == [
        "h2 'Log an insight' straight after the start of the page"
    ]


def test_it_never_skips_a_heading_level_on_the_digest_pages(alice_client, ada_client, world):
    from insightboard.digest.messages import unsubscribe_token
    from insightboard.digest.services import digest_compile
    from insightboard.weeks import week_label

    empty_archive = alice_client.get(reverse("digest:archive")).text
    digest = digest_compile(week=week_start(timezone.localdate()))
    assert digest.contents
    week = reverse("digest:week", args=[week_label(digest.week)])
    manage = reverse("digest:manage")
    pages = {
        "archive": reverse("digest:archive"),
        "a week's digest": week,
        "unsubscribe": reverse("digest:unsubscribe", args=[unsubscribe_token("a@example.com")]),
    }
    admin_pages = {
        "digest page": manage,
        "digest page, this week so far": f"{manage}?week={week_label(digest.week)}",
    }

    assert skipped_levels(empty_archive) == []
    assert pages_skipping_levels(alice_client, pages) == {}
    assert pages_skipping_levels(ada_client, admin_pages) == {}
