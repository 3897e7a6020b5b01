"""The demo company: the same on every fresh database, everyone signs in, `make run` stays quick."""

import datetime
import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.demo.data.meetings import SERIES
from insightboard.demo.data.metrics import METRICS
from insightboard.demo.data.people import DEMO_PASSWORD, PEOPLE
from insightboard.demo.stories import SEED, plan_stories, stories_seed
from insightboard.metrics.models import Metric, MetricValue
from insightboard.people.roles import Role
from meetings.models import Meeting, MeetingSeries
from stories.models import ExecutiveReport, Kind, Reaction, Story, Tag
from tests.planner_statistics import analysed_tables

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_company() -> list[tuple[object, ...]]:
    """Everything about each story that should not change between two runs."""
    return [
        (
            story.title,
            story.body,
            story.kind,
            story.sentiment,
            story.channel,
            story.visibility,
            story.author.get_username(),
            sorted(tag.name for tag in story.tags.all()),
            sorted(reaction.person.get_username() for reaction in story.reactions.all()),
            story.shout_out_to,
        )
        for story in Story.objects.order_by("pk")
        .select_related("author")
        .prefetch_related("tags", "reactions__person")
    ]


def test_it_is_the_same_company_on_every_fresh_database() -> None:
    seed("--stories", "40")
    first = demo_company()
    # As fresh as the first: meetings hold on to the stories they opened with.
    MeetingSeries.objects.all().delete()
    Metric.objects.all().delete()
    Story.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
    seed("--stories", "40")
    assert demo_company() == first
    assert len({row[0] for row in first}) > 30


def test_it_creates_people_in_every_role_who_sign_in_with_the_demo_password() -> None:
    seed("--stories", "3")
    people = get_user_model().objects.filter(username__in=[p.email for p in PEOPLE])
    assert people.count() == len(PEOPLE)
    for role in Role:
        assert Group.objects.get(name=role).user_set.exists(), role
    assert people.filter(groups=None).exists()  # plain staff
    assert all(person.check_password(DEMO_PASSWORD) for person in people)
    admin = people.get(groups__name=Role.ADMINS, username__startswith="ada@")
    assert admin.is_superuser


@pytest.mark.parametrize("email_start", ["ada@", "hugo@", "lena@", "alice@"])
def test_it_lets_each_persona_sign_in_through_the_login_page(email_start: str) -> None:
    seed("--stories", "1")
    email = next(p.email for p in PEOPLE if p.email.startswith(email_start))
    response = Client().post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_it_prints_who_is_who_and_how_to_sign_in(settings) -> None:
    # `make run PORT=8001` sets the site's address; the sign-in link follows it.
    settings.SITE_URL = "http://127.0.0.1:8001"
    out = seed("--stories", "2")
    assert f"Password: {DEMO_PASSWORD}" in out
    assert "Sign in at http://127.0.0.1:8001/accounts/login/" in out
    for person in PEOPLE:
        assert person.email in out
    assert "Admin" in out
    assert "Host" in out
    assert "Leader" in out
    assert "Staff" in out


def test_it_does_nothing_the_second_time_with_if_empty() -> None:
    seed("--if-empty", "--stories", "5")
    before = (Story.objects.count(), Reaction.objects.count(), get_user_model().objects.count())
    out = seed("--if-empty", "--stories", "5")
    after = (Story.objects.count(), Reaction.objects.count(), get_user_model().objects.count())
    assert after == before
    assert "no demo data was added" in out
    assert f"Password: {DEMO_PASSWORD}" in out


def test_it_leaves_a_database_with_real_people_alone_with_if_empty(alice: AbstractUser) -> None:
    out = seed("--if-empty")
    assert not Story.objects.exists()
    assert "no demo people" in out


def test_it_writes_as_many_stories_as_asked() -> None:
    seed("--stories", "7")
    assert Story.objects.count() == 7


def test_it_adds_new_stories_when_run_again_without_if_empty() -> None:
    seed("--stories", "5")
    first = set(Story.objects.values_list("title", flat=True))
    out = seed("--stories", "4")
    assert Story.objects.count() == 9
    assert get_user_model().objects.count() == len(PEOPLE)
    assert "Added 4 demo stories to the 5 already there" in out
    assert set(Story.objects.order_by("-pk").values_list("title", flat=True)[:4]) != first


def test_it_spreads_stories_over_the_last_eight_weeks_with_fair_reactions() -> None:
    seed("--stories", "60")
    now = timezone.now()
    created = list(Story.objects.values_list("created_at", flat=True))
    assert min(created) >= now - datetime.timedelta(weeks=8, days=1)
    assert max(created) <= now
    assert max(created) - min(created) > datetime.timedelta(weeks=7)
    assert set(Story.objects.values_list("kind", flat=True)) >= {"insight", "empathy"}
    # Nobody hears their own story too, and nobody else sees a private one to react to.
    assert not Reaction.objects.filter(person=F("story__author")).exists()
    assert not Story.objects.filter(visibility="private", reactions__isnull=False).exists()


def test_it_writes_varied_titles() -> None:
    plans = list(plan_stories(random.Random(SEED), 2_000, timezone.now()))
    titles = [plan.story.title for plan in plans]
    assert len(set(titles)) > 1_600


def test_it_fills_in_the_report_of_every_demo_executive_story() -> None:
    call_command("seed_demo", "--stories", "120", stdout=StringIO())
    executive = Story.objects.filter(kind=Kind.EXECUTIVE)
    assert executive.exists()
    assert ExecutiveReport.objects.count() == executive.count()
    assert all(
        report.action_owner_id == report.story.author_id
        for report in ExecutiveReport.objects.select_related("story")
    )


def test_it_seeds_every_area_with_one_command() -> None:
    out = seed("--stories", "120")

    assert get_user_model().objects.count() == len(PEOPLE)
    assert Story.objects.count() == 120
    assert Story.objects.exclude(shout_out_to="").exists()
    assert MeetingSeries.objects.count() == len(SERIES)
    assert Meeting.objects.filter(opener__isnull=False).exists()
    assert Metric.objects.count() == len(METRICS)
    assert MetricValue.objects.count() == len(METRICS) * 8
    assert "Wrote 120 demo stories" in out
    assert "demo customer kudos" in out
    assert f"Added {len(SERIES)} demo meeting series" in out
    assert f"Added {len(METRICS)} demo metrics" in out
    assert f"Password: {DEMO_PASSWORD}" in out


def test_it_seeds_every_area_on_an_empty_database_with_if_empty() -> None:
    seed("--if-empty", "--stories", "60")

    assert Story.objects.count() == 60
    assert MeetingSeries.objects.count() == len(SERIES)
    assert Metric.objects.count() == len(METRICS)


def test_it_adds_meetings_and_metrics_only_once_when_run_again() -> None:
    seed("--stories", "30")
    before = (MeetingSeries.objects.count(), Meeting.objects.count(), MetricValue.objects.count())

    out = seed("--stories", "10")

    after = (MeetingSeries.objects.count(), Meeting.objects.count(), MetricValue.objects.count())
    assert after == before
    assert Story.objects.count() == 40
    assert "no demo meetings were added" in out
    assert "no demo metrics added" in out


def test_it_refuses_a_negative_number_of_stories() -> None:
    with pytest.raises(CommandError, match="0 or more"):
        seed("--stories", "-1")
    assert not get_user_model().objects.exists()


def test_it_analyses_the_tables_it_filled() -> None:
    filled = (Story, Story.tags.through, Reaction, ExecutiveReport)
    with analysed_tables(*filled) as analysed:
        stories_seed(150)
    assert {"stories_story", "stories_story_tags", "stories_reaction"} <= analysed


def test_it_leaves_the_tables_unanalysed_for_the_benchmark_when_asked() -> None:
    with analysed_tables(Story, Story.tags.through, Reaction) as analysed:
        stories_seed(150, analyse=False)
    assert not analysed & {"stories_story", "stories_story_tags", "stories_reaction"}
