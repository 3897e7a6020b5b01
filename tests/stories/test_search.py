"""Finding stories: search (SQLite's FTS5 or PostgreSQL's full text), filters and pagination."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.models import Kind, Story
from stories.search import ranked
from stories.services import story_update
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [story.title for story in response.context["page"].rows]


def search(client, **params: object) -> list[str]:
    return titles(client.get(reverse("stories:list"), params))


# --- Search ------------------------------------------------------------------------------------


def test_it_ranks_a_title_match_above_a_body_match(alice_client):
    StoryFactory(title="Support was friendly", body="But the refund took three weeks.")
    StoryFactory(title="Nobody mentioned the invoice", body="Ordinary call.")
    StoryFactory(title="The refund never arrived", body="She called twice.")
    StoryFactory(title="Loved the new dashboard", body="Quick and clear.")

    # The body match is the newest, yet the title match comes first.
    StoryFactory(title="Pricing page is clear", body="A refund was easy too.")

    assert search(alice_client, q="refund") == [
        "The refund never arrived",
        "Pricing page is clear",
        "Support was friendly",
    ]


def test_it_finds_words_in_the_body(alice_client):
    StoryFactory(title="Call with the finance team", body="They want quarterly invoices.")
    StoryFactory(title="Something else entirely")

    assert search(alice_client, q="quarterly") == ["Call with the finance team"]


def test_it_says_so_when_nothing_matches(alice_client):
    StoryFactory(title="Checkout works")

    response = alice_client.get(reverse("stories:list"), {"q": "zeppelin"})

    assert titles(response) == []
    assert "Nothing matches these filters." in response.text


def test_it_finds_a_story_by_its_new_words_after_an_edit(alice_client, alice):
    story = StoryFactory(author=alice, title="The export button is hidden", body="")

    story_update(story=story, tags=[], title="The import wizard crashed", body="Twice.")

    assert search(alice_client, q="wizard") == ["The import wizard crashed"]
    assert search(alice_client, q="export") == []


def test_it_keeps_the_word_index_up_to_date_even_on_a_bulk_update():
    """PostgreSQL fills search_vector by trigger (title weighted A, body B); SQLite keeps an FTS5
    table by triggers and leaves search_vector empty."""
    story = StoryFactory(title="Roaming charges", body="Surprised by the bill")
    Story.objects.filter(pk=story.pk).update(body="Surprised by the invoice")
    story.refresh_from_db()

    if connection.vendor == "postgresql":
        vector = str(story.search_vector)
        assert "'roam':1A" in vector
        assert "'invoic':" in vector
        assert "'bill'" not in vector
    else:
        assert story.search_vector is None
    assert list(ranked(Story.objects.all(), "invoices")) == [story]
    assert list(ranked(Story.objects.all(), "bill")) == []


def test_it_searches_only_what_the_person_may_see(bob_client, alice):
    StoryFactory(author=alice, title="Private refund story", visibility="private")
    StoryFactory(author=alice, title="Company refund story")

    assert search(bob_client, q="refund") == ["Company refund story"]


# --- Filters -----------------------------------------------------------------------------------


def test_it_filters_by_kind(alice_client):
    StoryFactory(title="an insight", kind=Kind.INSIGHT)
    StoryFactory(title="an empathy exercise", kind=Kind.EMPATHY)

    assert search(alice_client, kind="empathy") == ["an empathy exercise"]


def test_it_filters_by_sentiment(alice_client):
    StoryFactory(title="a success", sentiment="success")
    StoryFactory(title="a frustration", sentiment="frustration")
    StoryFactory(title="an idea", sentiment="idea")

    assert search(alice_client, sentiment="success") == ["a success"]
    assert search(alice_client, sentiment="idea") == ["an idea"]


def test_it_filters_by_tag(alice_client):
    StoryFactory(title="about billing", tags=["billing", "speed"])
    StoryFactory(title="about speed", tags=["speed"])

    assert search(alice_client, tag="billing") == ["about billing"]
    assert search(alice_client, tag="speed") == ["about speed", "about billing"]


def test_it_filters_by_channel(alice_client):
    StoryFactory(title="by chat", channel="chat")
    StoryFactory(title="by call", channel="call")

    assert search(alice_client, channel="chat") == ["by chat"]


def test_it_filters_by_author_and_names_them(alice_client, alice, bob):
    StoryFactory(title="alice heard", author=alice)
    StoryFactory(title="bob heard", author=bob)

    response = alice_client.get(reverse("stories:list"), {"author": bob.pk})

    assert titles(response) == ["bob heard"]
    assert "Logged by <bdi>Bob Staff</bdi>" in response.text


def test_it_filters_by_date_range(alice_client):
    for day in (1, 10, 20, 30):
        StoryFactory(title=f"day {day}", happened_on=datetime.date(2025, 4, day))

    assert search(alice_client, since="2025-04-10") == ["day 30", "day 20", "day 10"]
    assert search(alice_client, until="2025-04-10") == ["day 10", "day 1"]
    assert search(alice_client, since="2025-04-05", until="2025-04-25") == ["day 20", "day 10"]


def test_it_combines_filters_and_search(alice_client):
    StoryFactory(title="refund by chat", channel="chat", sentiment="frustration")
    StoryFactory(title="refund by call", channel="call", sentiment="frustration")
    StoryFactory(title="praise by chat", channel="chat", sentiment="success")

    assert search(alice_client, q="refund", channel="chat") == ["refund by chat"]


STILL_HERE = ["Still here"]
# What each filter finds when the only story is "Still here": a filter that cannot be read is
# dropped (the story is still found), a page past the end or before the start shows the first.
INVALID_FILTERS = {
    "sentiment=bogus&since=yesterday": STILL_HERE,
    "kind=nope": STILL_HERE,
    "channel=carrier-pigeon": STILL_HERE,
    "author=abc": STILL_HERE,
    "author=-1": STILL_HERE,
    "author=0": STILL_HERE,
    "author=99999999999999999999": STILL_HERE,
    "until=2024-13-45": STILL_HERE,
    "since=9999-12-31&until=0001-01-01": [],  # read, and nothing happened in no time at all
    "page=abc": STILL_HERE,
    "page=0": STILL_HERE,
    "page=-3": STILL_HERE,
    "page=1.5": STILL_HERE,
    "page=922337203685477": STILL_HERE,
    "page=99999999999999999999": STILL_HERE,
    "tag=" + "x" * 500: STILL_HERE,
    "q=" + "x" * 1000: STILL_HERE,
    "q=%00": STILL_HERE,
    "tag=%00": STILL_HERE,
    "q=%27%22%26%7C%21%28": [],  # searched for, and not in the story
    "q=the": [],
    "q=a%3A*": [],
}


@pytest.mark.parametrize("query", INVALID_FILTERS)
def test_it_shows_the_page_whatever_the_filters_say(alice_client, query):
    StoryFactory(title="Still here")

    response = alice_client.get(f"{reverse('stories:list')}?{query}")

    assert titles(response) == INVALID_FILTERS[query]
    assert response.context["page"].number == 1


def test_it_drops_invalid_filters_and_keeps_the_valid_ones(alice_client):
    StoryFactory(title="a success by chat", sentiment="success", channel="chat")
    StoryFactory(title="a success by call", sentiment="success", channel="call")

    response = alice_client.get(
        reverse("stories:list"), {"sentiment": "bogus", "since": "yesterday", "channel": "chat"}
    )

    assert titles(response) == ["a success by chat"]
    assert "Choose one of the options in the list." in response.text
    assert "Enter a date such as 2026-12-01." in response.text


# --- Pagination --------------------------------------------------------------------------------


def test_it_pages_after_25_stories_without_counting_them(alice_client):
    for n in range(26):
        StoryFactory(title=f"story {n:02}")

    with CaptureQueriesContext(connection) as first_queries:
        first = alice_client.get(reverse("stories:list"))
    second = alice_client.get(reverse("stories:list"), {"page": 2})

    assert len(titles(first)) == 25
    assert titles(first)[0] == "story 25"
    assert 'rel="next"' in first.text
    assert titles(second) == ["story 00"]
    assert 'rel="next"' not in second.text
    assert 'rel="prev"' in second.text
    assert [query["sql"] for query in first_queries if "COUNT(" in query["sql"].upper()] == []


def test_it_shows_no_next_page_for_exactly_25_stories(alice_client):
    for n in range(25):
        StoryFactory(title=f"story {n:02}")

    response = alice_client.get(reverse("stories:list"))

    assert len(titles(response)) == 25
    assert 'rel="next"' not in response.text


def test_it_keeps_the_filters_in_the_page_links(alice_client):
    for n in range(30):
        StoryFactory(title=f"chat {n:02}", channel="chat")
    StoryFactory(title="a call", channel="call")

    response = alice_client.get(reverse("stories:list"), {"channel": "chat"})

    assert "?channel=chat&amp;page=2" in response.text
    assert titles(alice_client.get(reverse("stories:list"), {"channel": "chat", "page": 2})) == [
        f"chat {n:02}" for n in range(4, -1, -1)
    ]
