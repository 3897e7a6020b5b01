"""Every page keeps a constant number of SQL queries as data grows: 1 story or 50, same count."""

import datetime

import pytest
from django.urls import reverse

from tests.stories.factories import (
    EmpathyAnswersFactory,
    ExecutiveReportFactory,
    ReactionFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [1, 50]

# A signed-in page costs: session, person, two permission reads (is this an admin?), the stories,
# their tags, which of them the person hears too, and the person's profile for the header. The
# insights list adds how many match (counted up to a cap) and the people its author filter offers.


@pytest.fixture
def stories(request, alice, bob):
    """The given number of stories by bob, each with 2 tags and a reaction from alice."""
    made = [
        StoryFactory(author=bob, title=f"Refund took too long, case {n}", tags=["refunds", "speed"])
        for n in range(request.param)
    ]
    for story in made:
        ReactionFactory(story=story, person=alice)
    return made


def filtered_query(bob) -> dict[str, object]:
    today = datetime.date.today()
    return {
        "kind": "insight",
        "sentiment": "frustration",
        "channel": "call",
        "tag": "refunds",
        "author": bob.pk,
        "since": today - datetime.timedelta(days=7),
        "until": today,
    }


@pytest.mark.parametrize("stories", SIZES, indirect=True)
def test_it_lists_stories_in_constant_queries(alice_client, django_assert_num_queries, stories):
    with django_assert_num_queries(10):
        response = alice_client.get(reverse("stories:list"))

    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(len(stories), 25)


@pytest.mark.parametrize("stories", SIZES, indirect=True)
def test_it_searches_in_constant_queries(alice_client, django_assert_num_queries, stories):
    with django_assert_num_queries(10):
        response = alice_client.get(reverse("stories:list"), {"q": "refund"})

    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(len(stories), 25)


@pytest.mark.parametrize("stories", SIZES, indirect=True)
def test_it_filters_in_constant_queries(alice_client, bob, django_assert_num_queries, stories):
    with django_assert_num_queries(10):  # the author named comes from the filter's list
        response = alice_client.get(reverse("stories:list"), filtered_query(bob))

    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(len(stories), 25)


@pytest.mark.parametrize("stories", SIZES, indirect=True)
def test_it_serves_the_htmx_results_in_constant_queries(
    alice_client, django_assert_num_queries, stories
):
    # The results only, with their count; the filters (and their authors) stay on the page.
    with django_assert_num_queries(8):
        response = alice_client.get(
            reverse("stories:list"), {"q": "refund"}, headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert "<html" not in response.text


@pytest.mark.parametrize("stories", SIZES, indirect=True)
def test_it_shows_a_story_in_constant_queries(alice_client, django_assert_num_queries, stories):
    with django_assert_num_queries(8):
        response = alice_client.get(stories[-1].get_absolute_url())

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_story_with_many_tags_and_reactions_in_constant_queries(
    alice_client, alice, bob, django_assert_num_queries, size
):
    story = StoryFactory(author=bob, tags=[f"refunds-{n}" for n in range(size)])
    ReactionFactory(story=story, person=alice)
    ReactionFactory.create_batch(size - 1, story=story)

    with django_assert_num_queries(8):
        response = alice_client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert all(f"#<bdi>refunds-{n}</bdi><" in response.text for n in range(size))
    heard = "1 person hears" if size == 1 else f"{size} people hear"
    assert f"{heard} this too" in response.text
    assert "You hear this too" in response.text


@pytest.mark.parametrize("stories", SIZES, indirect=True)
def test_it_shows_home_in_constant_queries(alice_client, django_assert_num_queries, stories):
    # With four meetings reads (tests/test_home.py): her series (none), next ones, turns, actions.
    with django_assert_num_queries(14):
        response = alice_client.get(reverse("home"))

    assert response.status_code == 200
    assert len(response.context["recent"]) == min(len(stories), 10)


@pytest.mark.parametrize("kind", ["empathy", "executive"])
def test_it_shows_a_practice_story_in_the_same_queries_as_any_story(
    alice_client, lena, django_assert_num_queries, kind
):
    factory = EmpathyAnswersFactory if kind == "empathy" else ExecutiveReportFactory
    story = factory(story__author=lena, story__tags=["florists"]).story

    # As for any story: the answers or report join the story's own query.
    with django_assert_num_queries(8):
        response = alice_client.get(story.get_absolute_url())

    assert response.status_code == 200
