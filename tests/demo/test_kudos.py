"""Demo kudos: a few company-wide successes thank a colleague, so Customer kudos is never empty
on a fresh `make run`, and `--stories N` still writes exactly N stories."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from insightboard.demo.data.kudos import KUDOS, SHOUT_OUTS
from insightboard.demo.people import demo_email
from insightboard.demo.stories import kudos_seed, shout_out_for, stories_seed, tags_in_order
from stories.models import Kind, Sentiment, Story, Visibility
from stories.selectors import kudos_stories

pytestmark = pytest.mark.django_db


def test_it_thanks_someone_in_a_few_company_wide_successes() -> None:
    stories_seed(120)

    out = kudos_seed()

    kudos = Story.objects.exclude(shout_out_to="")
    assert kudos.count() == KUDOS
    assert set(kudos.values_list("sentiment", "visibility", "kind")) == {
        (Sentiment.SUCCESS, Visibility.COMPANY, Kind.INSIGHT)
    }
    assert set(kudos.values_list("shout_out_to", flat=True)) <= set(SHOUT_OUTS.values())
    assert kudos_stories().count() == KUDOS
    assert f"Added {KUDOS} demo customer kudos" in out


def test_it_thanks_whoever_fits_what_the_customer_praised() -> None:
    stories_seed(120)
    kudos_seed()

    kudos = list(Story.objects.exclude(shout_out_to=""))
    tags = tags_in_order(kudos)
    for story in kudos:
        assert story.shout_out_to == shout_out_for(tags[story.pk])
    # The situation's own tags come first: an extra tag never decides who is thanked.
    assert shout_out_for(["delivery", "support"]) == SHOUT_OUTS["delivery"]
    assert shout_out_for(["no-such-tag"]) == ""


def test_it_adds_kudos_only_once_and_no_stories() -> None:
    stories_seed(120)
    kudos_seed()
    before = (Story.objects.count(), set(kudos_stories().values_list("pk", flat=True)))

    out = kudos_seed()

    assert (Story.objects.count(), set(kudos_stories().values_list("pk", flat=True))) == before
    assert "no demo kudos were added" in out


def test_it_adds_no_kudos_without_successes() -> None:
    stories_seed(0)

    out = kudos_seed()

    assert not kudos_stories().exists()
    assert "no demo kudos" in out


def test_it_fills_the_kudos_page() -> None:
    stories_seed(120)
    kudos_seed()
    client = Client()
    client.force_login(User.objects.get(username=demo_email("Alice")))

    response = client.get(reverse("stories:kudos"))

    assert response.status_code == 200
    thanked = Story.objects.exclude(shout_out_to="").first()
    assert thanked is not None
    assert thanked.shout_out_to in response.text
