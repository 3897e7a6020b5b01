"""The digest builder: what a week's digest says, read in a fixed number of queries, with only
what the whole company may see, and each story featured again only with new activity."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insightboard.digest.builder import build_digest, is_empty
from insightboard.digest.services import featured_until
from insightboard.metrics.models import Metric, MetricValue
from meetings.models import Opener
from stories.models import Sentiment, Visibility
from tests.isolates import without_isolates
from tests.meetings.factories import ActionItemFactory, MeetingFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import (
    EmpathyAnswersFactory,
    ExecutiveReportFactory,
    ReactionFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 16)
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
WEEK_BEFORE = datetime.datetime(2026, 11, 11, 12, tzinfo=datetime.UTC)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def heard(story, people: int, *, team: str = "Support", when=MIDWEEK) -> None:
    with at(when):
        for _ in range(people):
            ReactionFactory(story=story, person=PersonFactory(profile__team=team))


def titles(items) -> list[str]:
    return [item["title"] for item in items]


def compile_week(week=WEEK):
    return build_digest(week, featured=featured_until(week))


def test_it_leads_with_what_most_people_hear_too():
    with at(MIDWEEK):
        quiet = StoryFactory(title="Quiet frustration")
        loud = StoryFactory(title="Loud frustration")
        win = StoryFactory(title="A win", sentiment=Sentiment.SUCCESS)
    heard(loud, 4)
    heard(win, 1)

    contents = compile_week()

    assert titles(contents["frustrations"]) == ["Loud frustration", "Quiet frustration"]
    assert titles(contents["successes"]) == ["A win"]
    assert contents["frustrations"][0]["why"] == "heard by 4 people in 1 team"
    assert all(item["why"] for item in contents["frustrations"] + contents["successes"])
    assert quiet.pk == contents["frustrations"][1]["story_id"]


def test_it_shows_only_what_the_whole_company_may_see():
    with at(MIDWEEK):
        secret = StoryFactory(title="Private but loud", visibility=Visibility.PRIVATE)
        StoryFactory(title="Company-wide")
    heard(secret, 9)

    contents = compile_week()

    assert titles(contents["frustrations"]) == ["Company-wide"]
    assert "Private but loud" not in str(contents)


def test_it_brings_a_featured_story_back_only_with_new_activity(alice):
    from insightboard.digest.services import digest_compile

    with at(MIDWEEK):
        story = StoryFactory(title="Checkout froze", author=alice)
    heard(story, 3)
    next_week = WEEK + datetime.timedelta(days=7)
    # Heard again early on Monday, before the digest went out: that was not news after it.
    heard(story, 1, when=datetime.datetime(2026, 11, 23, 6, tzinfo=datetime.UTC))
    with at(datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.UTC)):
        first = digest_compile(week=WEEK)
    assert titles(first.contents["frustrations"]) == ["Checkout froze"]
    with at(datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)):
        StoryFactory(title="Something else")

    assert titles(compile_week(next_week)["frustrations"]) == ["Something else"]

    heard(story, 1, when=datetime.datetime(2026, 11, 26, tzinfo=datetime.UTC))

    assert "Checkout froze" in titles(compile_week(next_week)["frustrations"])


def test_it_counts_meetings_opened_and_how_much_they_resonated(hugo):
    with at(MIDWEEK):
        opened = StoryFactory(title="Opened a meeting")
        StoryFactory(title="Did not")
        meeting = MeetingFactory(starts_at=MIDWEEK, resonated_with=7)
        Opener.objects.create(
            meeting=meeting, series=meeting.series, story=opened, reason="", kept_by=hugo
        )

    contents = compile_week()

    assert titles(contents["frustrations"]) == ["Opened a meeting", "Did not"]
    assert "opened 1 meeting; resonated with 7 people" in contents["frustrations"][0]["why"]


def test_it_names_the_polarising_theme_and_the_change_on_last_week():
    with at(WEEK_BEFORE):
        StoryFactory(tags=["checkout"])
    with at(MIDWEEK):
        for _ in range(3):
            StoryFactory(tags=["checkout"])
        StoryFactory(tags=["billing"])
        for _ in range(2):
            StoryFactory(tags=["checkout"], sentiment=Sentiment.SUCCESS)

    contents = compile_week()

    frustrations = contents["themes"]["frustration"]
    assert [(theme["tag"], theme["count"]) for theme in frustrations] == [
        ("checkout", 3),
        ("billing", 1),
    ]
    assert frustrations[0]["change"] == "+2, up from 1"
    assert frustrations[0]["polarising"] is True
    assert contents["themes"]["success"][0]["polarising"] is True
    assert (
        without_isolates(contents["verdict"])
        == "More frustrations than successes this week; checkout leads"
    )


def test_it_says_no_comparison_yet_for_a_metric_with_no_week_before():
    new = Metric.objects.create(name="Returns")
    MetricValue.objects.create(metric=new, week=WEEK, value=12)
    old = Metric.objects.create(name="NPS", unit="points")
    MetricValue.objects.create(metric=old, week=WEEK, value=40)
    MetricValue.objects.create(metric=old, week=WEEK - datetime.timedelta(days=7), value=50)
    with at(MIDWEEK):
        StoryFactory()

    metrics = {entry["name"]: entry for entry in compile_week()["metrics"]}

    assert metrics["Returns"]["change"] is None
    assert metrics["NPS"]["change"]["sign"] == "\u2212"
    assert metrics["NPS"]["change"]["verdict"] == "worse"
    assert "Down 10 points" in metrics["NPS"]["change"]["words"]
    assert "100%" not in str(metrics)


def test_it_carries_the_report_empathy_kudos_loop_and_ritual_of_the_week(hugo, lena):
    with at(MIDWEEK):
        report = ExecutiveReportFactory(story__author=lena, story__title="Florists order early")
        empathy = EmpathyAnswersFactory(story__title="My bank fixed it fast")
        StoryFactory(
            title="Thanks to Sam", sentiment=Sentiment.SUCCESS, shout_out_to="Sam in Support"
        )
        meeting = MeetingFactory(starts_at=MIDWEEK)
        story = StoryFactory(title="Checkout was slow")
        Opener.objects.create(
            meeting=meeting, series=meeting.series, story=story, reason="", kept_by=hugo
        )
        action = ActionItemFactory(meeting=meeting, story=story, text="Ship the fix", owner=hugo)
        action.done, action.done_at = True, MIDWEEK
        action.save()

    contents = compile_week()

    assert contents["report"]["story_id"] == report.story_id
    assert contents["report"]["action"] == report.suggested_action
    assert contents["empathy"]["story_id"] == empathy.story_id
    assert [kudo["shout_out_to"] for kudo in contents["kudos"]] == ["Sam in Support"]
    assert [(done["story"], done["action"]) for done in contents["loop"]] == [
        ("Checkout was slow", "Ship the fix")
    ]
    ritual = {row["label"]: row["value"] for row in contents["ritual"]}
    assert ritual["Meetings held"] == 1
    assert ritual["Opened with a customer insight"] == 1
    assert ritual["Actions closed"] == 1
    assert contents["people"][str(story.author_id)] == {"hear_too": 0, "meetings": 1, "actions": 1}


def test_it_reports_a_week_with_nothing_new_as_empty():
    with at(WEEK_BEFORE):
        StoryFactory()

    assert is_empty(compile_week())


def build_queries(stories: int) -> int:
    with at(MIDWEEK):
        ExecutiveReportFactory()
        for number in range(stories):
            story = StoryFactory(
                sentiment=Sentiment.SUCCESS if number % 2 else Sentiment.FRUSTRATION,
                tags=[f"tag-{number % 3}"],
            )
            ReactionFactory(story=story)
    with CaptureQueriesContext(connection) as queries:
        compile_week()
    return len(queries)


def test_it_compiles_in_the_same_number_of_queries_whatever_the_number_of_stories():
    Metric.objects.create(name="NPS")
    few = build_queries(1)

    assert build_queries(40) == few == 26
