"""Customer kudos: a success can give a shout-out, and the kudos page lists the company's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Sentiment, Story, Visibility
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


# --- Customer kudos --------------------------------------------------------------------------


def test_it_lets_a_success_give_a_shout_out(alice_client):
    response = alice_client.post(
        reverse("stories:create"),
        {
            "title": "Priya sorted my refund in one call",
            "sentiment": "success",
            "shout_out_to": "Priya in Support",
            "channel": "call",
            "happened_on": "2026-11-16",
            "visibility": "company",
        },
    )

    assert response.status_code == 302
    assert Story.objects.get().shout_out_to == "Priya in Support"


@pytest.mark.parametrize("sentiment", ["frustration", "idea"])
def test_it_keeps_shout_outs_for_successes(alice_client, sentiment):
    response = alice_client.post(
        reverse("stories:create"),
        {
            "title": "Priya took ages",
            "sentiment": sentiment,
            "shout_out_to": "Priya in Support",
            "channel": "call",
            "happened_on": "2026-11-16",
            "visibility": "company",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["shout_out_to"]
    assert "Shout-outs are for successes: choose Success above, or leave this empty." in (
        response.text
    )
    assert "Priya took ages" in response.text
    assert not Story.objects.exists()


def test_it_lists_company_shout_outs_newest_first(alice_client, bob):
    now = timezone.now()
    older = StoryFactory(
        author=bob,
        sentiment=Sentiment.SUCCESS,
        shout_out_to="The <em>night</em> team",
        created_at=now - datetime.timedelta(days=2),
    )
    newer = StoryFactory(author=bob, sentiment=Sentiment.SUCCESS, shout_out_to="Priya")
    StoryFactory(author=bob, sentiment=Sentiment.SUCCESS, title="No shout-out")
    StoryFactory(author=bob, sentiment=Sentiment.FRUSTRATION, shout_out_to="Blamed")
    StoryFactory(
        author=bob,
        sentiment=Sentiment.SUCCESS,
        shout_out_to="Secret",
        visibility=Visibility.PRIVATE,
    )

    response = alice_client.get(reverse("stories:kudos"))

    assert response.status_code == 200
    assert response.context["page"].rows == [newer, older]
    assert (
        "Shout-out to <strong><bdi>The &lt;em&gt;night&lt;/em&gt; team</bdi></strong>"
        in response.text
    )
    assert "Secret" not in response.text


def test_it_says_how_to_give_the_first_shout_out(alice_client):
    response = alice_client.get(reverse("stories:kudos"))

    assert "No shout-outs yet" in response.text
    assert reverse("stories:create") in response.text


def test_it_shows_a_shout_out_on_the_story_page(alice_client, bob):
    story = StoryFactory(author=bob, sentiment=Sentiment.SUCCESS, shout_out_to="Priya")

    response = alice_client.get(story.get_absolute_url())

    assert "Shout-out to" in response.text
    assert reverse("stories:kudos") in response.text


@pytest.fixture
def shout_outs(request, alice, bob):
    made = [
        StoryFactory(
            author=bob, sentiment=Sentiment.SUCCESS, shout_out_to=f"Team {n}", tags=["thanks"]
        )
        for n in range(request.param)
    ]
    for story in made:
        ReactionFactory(story=story, person=alice)
    return made


@pytest.mark.parametrize("shout_outs", SIZES, indirect=True)
def test_it_shows_kudos_in_constant_queries(alice_client, django_assert_num_queries, shout_outs):
    # Session, person, two permission reads, the stories, their tags, which of them the person
    # hears too, and the person's profile for the header.
    with django_assert_num_queries(8):
        response = alice_client.get(reverse("stories:kudos"))

    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(len(shout_outs), 20)
