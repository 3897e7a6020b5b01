"""Stories through the API: they go in checked as the site checks them and come out as the
person may see them, and every error is JSON with a 4xx."""

import datetime

import pytest

from stories.models import Story, Visibility
from tests.api.client import STORIES, api_for, problems
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db


# --- Creating stories --------------------------------------------------------------------------


def test_it_creates_a_story_as_the_keys_person(alice_api, alice):
    response = alice_api.post(
        STORIES,
        {
            "title": "  Checkout took me three tries  ",
            "sentiment": "frustration",
            "body": "She gave up **twice**.",
            "tags": ["Check Out", "mobile", "check-out"],
            "customer_name": "Dana",
            "customer_organisation": "Acme",
            "customer_segment": "SMB",
            "channel": "support_ticket",
            "happened_on": "2025-03-03",
            "visibility": "private",
        },
    )

    assert response.status_code == 201
    story = Story.objects.get()
    assert response.json() == {
        "id": story.pk,
        "url": f"http://testserver/stories/{story.pk}/",
        "kind": "insight",
        "title": "Checkout took me three tries",
        "sentiment": "frustration",
        "body": "She gave up **twice**.",
        "tags": ["check-out", "mobile"],
        "customer_name": "Dana",
        "customer_organisation": "Acme",
        "customer_segment": "SMB",
        "channel": "support_ticket",
        "happened_on": "2025-03-03",
        "visibility": "private",
        "author": "Alice Staff",
        "hear_too": 0,
        "created_at": response.json()["created_at"],
        "merged_into": None,
    }
    assert story.author == alice
    assert story.visibility == Visibility.PRIVATE


def test_it_fills_in_what_the_site_fills_in(alice_api):
    response = alice_api.post(STORIES, {"title": "Love the new export", "sentiment": "success"})

    assert response.status_code == 201
    body = response.json()
    assert body["happened_on"] == datetime.date.today().isoformat()
    assert body["channel"] == "other"
    assert body["visibility"] == "company"
    assert body["tags"] == []


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"sentiment": "idea"}, "title", "Field required"),
        ({"title": "   ", "sentiment": "idea"}, "title", "Write down what the customer said"),
        ({"title": "x" * 501, "sentiment": "idea"}, "title", "at most 500 characters"),
        ({"title": "Hi"}, "sentiment", "Field required"),
        ({"title": "Hi", "sentiment": "meh"}, "sentiment", "'success', 'frustration' or 'idea'"),
        ({"title": "Hi", "sentiment": "idea", "channel": "pigeon"}, "channel", "Input should be"),
        ({"title": "Hi", "sentiment": "idea", "tags": "a,b"}, "tags", "valid list"),
        ({"title": "Hi", "sentiment": "idea", "tags": [1]}, "tags", "valid string"),
        (
            {"title": "Hi", "sentiment": "idea", "tags": [f"t{n}" for n in range(11)]},
            "tags",
            "at most 10 tags",
        ),
        ({"title": "Hi", "sentiment": "idea", "tags": ["x" * 51]}, "tags", "at most 50"),
        ({"title": "Hi", "sentiment": "idea", "happened_on": "2025-02-30"}, "happened_on", "date"),
        ({"title": "Hi", "sentiment": "idea", "happened_on": 10**20}, "happened_on", "date"),
        ({"title": 12, "sentiment": "idea"}, "title", "valid string"),
        ({"title": "Nul\x00here", "sentiment": "idea"}, "title", "invisible control characters"),
        ({"title": "Hi", "sentiment": "idea", "body": "x" * 100_000}, "body", "at most 20000"),
        ({"title": "Hi", "sentiment": "idea", "customer_name": "x" * 201}, "customer_name", "200"),
    ],
)
def test_it_refuses_bad_input_with_field_messages(alice_api, payload, field, message):
    response = alice_api.post(STORIES, payload)

    found = problems(response)
    assert field in found
    assert any(message in text for text in found[field]), found
    assert not Story.objects.exists()


def test_it_names_every_problem_at_once(alice_api):
    found = problems(
        alice_api.post(
            STORIES, {"title": "\x00", "sentiment": "idea", "body": "x" * 20_001, "tags": ["a"] * 1}
        )
    )

    assert set(found) == {"title", "body"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"\xff\xfe\x00", 400),
        (b'{"title": "Hi", "sentiment": ', 400),
        (b"[" * 100_000, 400),
        (b"[]", 422),
        (b'"a string"', 422),
        (b"null", 422),
        (b"x" * 3_000_000, 413),
    ],
)
def test_it_answers_unreadable_bodies_with_a_4xx_in_json(alice_api, body, status):
    response = alice_api.post(STORIES, body)

    assert response.status_code == status
    assert "detail" in response.json()
    assert not Story.objects.exists()


# --- Listing and reading stories ---------------------------------------------------------------


def test_it_lists_what_the_person_may_see_newest_first(alice_api, alice, bob):
    old = StoryFactory(
        author=bob, title="Old", created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )
    new = StoryFactory(author=bob, title="New", tags=["pricing"])
    mine = StoryFactory(author=alice, title="My private one", visibility=Visibility.PRIVATE)
    StoryFactory(author=bob, title="Bob's private one", visibility=Visibility.PRIVATE)
    ReactionFactory(story=new, person=alice)

    items = alice_api.get(STORIES).json()["items"]

    assert [item["title"] for item in items] == ["My private one", "New", "Old"]
    assert [item["id"] for item in items] == [mine.pk, new.pk, old.pk]
    assert items[1]["tags"] == ["pricing"]
    assert items[1]["hear_too"] == 1
    assert items[1]["author"] == "Bob Staff"


def test_it_lets_an_admin_see_private_stories(ada_api, bob):
    StoryFactory(author=bob, title="Bob's private one", visibility=Visibility.PRIVATE)

    assert [item["title"] for item in ada_api.get(STORIES).json()["items"]] == ["Bob's private one"]


def test_it_filters_the_list(alice_api, bob):
    today = datetime.date.today()
    StoryFactory(author=bob, title="Refund slow", sentiment="frustration", tags=["refunds"])
    StoryFactory(author=bob, title="Refund fast", sentiment="success", tags=["refunds"])
    StoryFactory(author=bob, title="Old refund", happened_on=today - datetime.timedelta(days=40))
    StoryFactory(author=bob, title="Pricing idea", sentiment="idea", kind="empathy")

    def titles(**params: object) -> set[str]:
        response = alice_api.get(STORIES, params)
        assert response.status_code == 200, response.content
        return {item["title"] for item in response.json()["items"]}

    assert titles(sentiment="success") == {"Refund fast"}
    assert titles(tag="Refunds") == {"Refund slow", "Refund fast"}
    assert titles(kind="empathy") == {"Pricing idea"}
    assert titles(since=today - datetime.timedelta(days=7)) == {
        "Refund slow",
        "Refund fast",
        "Pricing idea",
    }
    assert titles(until=today - datetime.timedelta(days=7)) == {"Old refund"}
    assert titles(q="refund") == {"Refund slow", "Refund fast", "Old refund"}
    assert titles(q="refund", sentiment="frustration", tag="refunds") == {"Refund slow"}


def test_it_leaves_out_stories_merged_into_another_but_still_reads_them(alice_api, bob):
    kept = StoryFactory(author=bob, title="Kept")
    merged = StoryFactory(author=bob, title="Merged away", merged_into=kept)

    assert [item["title"] for item in alice_api.get(STORIES).json()["items"]] == ["Kept"]
    assert alice_api.get(f"{STORIES}/{merged.pk}").json()["merged_into"] == kept.pk


def test_it_pages_with_a_cursor_through_every_story_once(alice_api, bob):
    same_moment = datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC)
    made = [StoryFactory(author=bob, created_at=same_moment) for _ in range(4)]
    made += [StoryFactory(author=bob) for _ in range(3)]

    seen: list[int] = []
    params: dict[str, object] = {"limit": 2}
    for _ in range(10):
        page = alice_api.get(STORIES, params).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]

    assert seen == [story.pk for story in Story.objects.order_by("-created_at", "-id")]
    assert sorted(seen) == sorted(story.pk for story in made)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"sentiment": "meh"}, "sentiment"),
        ({"kind": "poem"}, "kind"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2025-13-01"}, "until"),
        ({"q": "x\x00y"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"tag": "\x00"}, "tag"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "MjAyNS0wMy0wM1QwOTowMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, "cursor"),
        ({"cursor": "MjAyNS0wMy0wM3wx"}, "cursor"),  # a date without a time zone
    ],
)
def test_it_refuses_bad_filters_with_field_messages(alice_api, params, field):
    assert field in problems(alice_api.get(STORIES, params))


def test_it_reads_one_story(alice_api, bob):
    story = StoryFactory(author=bob, title="Loves the export", tags=["export"])

    response = alice_api.get(f"{STORIES}/{story.pk}")

    assert response.status_code == 200
    assert response.json()["title"] == "Loves the export"
    assert response.json()["tags"] == ["export"]


@pytest.mark.parametrize("story_id", ["private", "missing", "huge", "text", "zero"])
def test_it_keeps_private_and_missing_stories_unknown(alice_api, bob, story_id):
    private = StoryFactory(author=bob, visibility=Visibility.PRIVATE)
    path = {
        "private": private.pk,
        "missing": private.pk + 1000,
        "huge": 10**30,
        "text": "abc",
        "zero": 0,
    }[story_id]

    response = alice_api.get(f"{STORIES}/{path}")

    assert response.status_code == (404 if story_id in {"private", "missing"} else 422)
    assert "detail" in response.json()
    assert private.title not in response.text


@pytest.mark.parametrize("count", [1, 50])
def test_it_lists_stories_in_constant_queries(alice, bob, django_assert_num_queries, count):
    for _ in range(count):
        story = StoryFactory(author=bob, tags=["refunds", "speed"])
        ReactionFactory(story=story, person=alice)
    api = api_for(alice)
    api.get(STORIES)  # the key's first use is written once, then not for a minute

    # The key and its person, two permission reads (is this an admin?), the stories, their tags.
    with django_assert_num_queries(5):
        response = api.get(STORIES, {"limit": 100, "q": "customer", "tag": "refunds"})

    assert len(response.json()["items"]) == count
