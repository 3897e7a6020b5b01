"""The insights list's filters: one grid, an author choice, a result count that stays cheap."""

import datetime

import pytest
from django.urls import reverse

from stories import views
from stories.models import Visibility
from tests.stories.factories import ExecutiveReportFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_it_offers_the_people_who_logged_stories_as_authors(alice, alice_client, bob, lena):
    StoryFactory(author=bob)
    StoryFactory(author=alice)
    StoryFactory(author=lena, visibility=Visibility.PRIVATE)  # nothing of hers alice can see

    response = alice_client.get(reverse("stories:list"))

    choices = list(response.context["form"].fields["author"].widget.choices)
    assert choices == [("", "Anyone"), (alice.pk, "You"), (bob.pk, "Bob Staff")]
    assert '<select name="author" id="id_author">' in response.text


def test_it_filters_by_the_author_chosen(alice_client, bob):
    StoryFactory(author=bob, title="Bob heard this")
    StoryFactory(title="Someone else heard that")

    response = alice_client.get(reverse("stories:list"), {"author": bob.pk})

    assert [story.title for story in response.context["page"].rows] == ["Bob heard this"]
    assert f'<option value="{bob.pk}" selected>Bob Staff</option>' in response.text


def test_it_says_how_many_insights_match(alice_client):
    StoryFactory.create_batch(3, sentiment="success")
    StoryFactory(sentiment="frustration")

    everything = alice_client.get(reverse("stories:list"))
    successes = alice_client.get(reverse("stories:list"), {"sentiment": "success"})
    one = alice_client.get(reverse("stories:list"), {"sentiment": "frustration"})

    assert "<strong>4 insights</strong>" in everything.text
    assert "<strong>3 insights</strong> match" in successes.text
    assert "<strong>1 insight</strong> matches" in one.text


def test_it_counts_no_further_than_its_cap(alice_client, monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    StoryFactory.create_batch(7)

    response = alice_client.get(reverse("stories:list"))

    assert "<strong>5+ insights</strong>" in response.text
    assert str(response.context["found"]) == "5+"


def test_it_counts_with_a_query_that_stops_at_the_cap(
    alice_client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    StoryFactory.create_batch(7)

    with django_assert_num_queries(10) as queries:
        alice_client.get(reverse("stories:list"))

    counts = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT COUNT(")
    ]
    assert len(counts) == 1
    assert "LIMIT 6" in counts[0]


def test_it_groups_from_and_to_as_one_date_range(alice_client):
    response = alice_client.get(reverse("stories:list"))

    text = response.text
    dates = text[text.index('<fieldset class="filter-dates">') :]
    dates = dates[: dates.index("</fieldset>")]
    assert "<legend>When the customer said it</legend>" in dates
    assert 'id="id_since"' in dates
    assert 'id="id_until"' in dates


@pytest.mark.parametrize(
    ("query", "folded"),
    [
        ({}, True),
        ({"q": "refund"}, True),
        ({"tag": "refunds"}, False),
        ({"until": "2026-01-01"}, False),
    ],
)
def test_it_folds_the_filters_away_unless_one_is_in_use(alice_client, query, folded):
    response = alice_client.get(reverse("stories:list"), query)

    assert ('<details class="filter-more">' in response.text) == folded
    assert ('<details class="filter-more" open>' in response.text) == (not folded)


def test_it_keeps_executive_reports_in_the_count_like_any_story(alice_client):
    ExecutiveReportFactory(story__happened_on=datetime.date.today())

    response = alice_client.get(reverse("stories:list"))

    assert "<strong>1 insight</strong>" in response.text
