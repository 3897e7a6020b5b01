"""The JSON API: a key is the sign-in, stories go in checked as the site checks them and come out
as the person may see them, admins record metric values, and every error is JSON with a 4xx."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from insightboard.people.tokens import api_token_create, api_token_revoke
from insightboard.metrics.models import Metric, MetricValue
from stories.models import Story, Visibility
from tests.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories"
METRICS = "/api/v1/metrics"


class ApiClient:
    """A client that sends one person's key with every request, and no session cookie."""

    def __init__(self, raw_key: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_key}"} if raw_key else {}

    def get(self, path: str, params: dict[str, object] | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, payload: object):
        body = payload if isinstance(payload, bytes) else json.dumps(payload)
        return self.client.post(path, body, content_type="application/json", headers=self.headers)


def api_for(person) -> ApiClient:
    _, raw_key = api_token_create(person=person, name="Tests")
    return ApiClient(raw_key)


@pytest.fixture
def alice_api(alice) -> ApiClient:
    return api_for(alice)


@pytest.fixture
def ada_api(ada) -> ApiClient:
    return api_for(ada)


def problems(response) -> dict[str, list[str]]:
    """The field messages of a 422, by field name."""
    assert response.status_code == 422, response.content
    found: dict[str, list[str]] = {}
    for problem in response.json()["detail"]:
        # ["body", "payload", "tags", 0] or ["query", "limit"]: the field comes after the payload.
        location = problem["loc"]
        field = location[2] if location[0] == "body" else location[1]
        found.setdefault(field, []).append(problem["msg"])
    return found


# --- Keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ib_not-a-key", "Token abc", "Basic YWxpY2U6cHc=", "Bearer \x7f"],
)
def test_it_answers_401_in_json_without_a_valid_key(alice, authorization):
    api_token_create(person=alice, name="Script")
    headers = {} if authorization is None else {"Authorization": authorization}
    client = Client()

    for response in [
        client.get(STORIES, headers=headers),
        client.get(f"{STORIES}/1", headers=headers),
        client.get(METRICS, headers=headers),
        client.post(STORIES, "{}", content_type="application/json", headers=headers),
        client.post(f"{METRICS}/1/values", "{}", content_type="application/json", headers=headers),
    ]:
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert "Authorization: Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Story.objects.exists()


def test_it_stops_a_key_the_moment_it_is_revoked(alice):
    token, raw_key = api_token_create(person=alice, name="Script")
    api = ApiClient(raw_key)
    assert api.get(STORIES).status_code == 200

    api_token_revoke(token=token)

    assert api.get(STORIES).status_code == 401
    assert api.post(STORIES, {"title": "Hi", "sentiment": "idea"}).status_code == 401
    assert not Story.objects.exists()


def test_it_needs_no_csrf_token_with_a_key(alice):
    _, raw_key = api_token_create(person=alice, name="Script")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        STORIES,
        json.dumps({"title": "Checkout is slow", "sentiment": "frustration"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw_key}"},
    )

    assert response.status_code == 201


def test_it_lets_a_signed_in_browser_read_but_not_write(alice_client, alice):
    StoryFactory(author=alice, title="Read me in the browser")

    assert alice_client.get(STORIES).json()["items"][0]["title"] == "Read me in the browser"
    response = alice_client.post(
        STORIES, {"title": "Forged", "sentiment": "idea"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert not Story.objects.filter(title="Forged").exists()


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
        ({"title": "Nul\x00here", "sentiment": "idea"}, "title", "Null characters"),
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


# --- Metrics -----------------------------------------------------------------------------------


@pytest.fixture
def nps(db) -> Metric:
    return Metric.objects.create(name="NPS", unit="points", description="Net promoter score")


def test_it_records_a_weeks_value_for_an_admin(ada_api, ada, nps):
    first = ada_api.post(f"{METRICS}/{nps.pk}/values", {"week": "2025-03-03", "value": "41.5"})
    again = ada_api.post(f"{METRICS}/{nps.pk}/values", {"week": "2025-03-03", "value": 42})

    assert first.status_code == 201
    assert first.json() == {"metric": nps.pk, "week": "2025-03-03", "value": "41.5"}
    assert again.status_code == 200
    value = MetricValue.objects.get()
    assert value.value == Decimal(42)
    assert value.recorded_by == ada


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"week": "2025-03-04", "value": 1}, "week", "not a Monday"),
        ({"week": "monday", "value": 1}, "week", "valid date"),
        ({"value": 1}, "week", "Field required"),
        ({"week": "2025-03-03"}, "value", "Field required"),
        ({"week": "2025-03-03", "value": "NaN"}, "value", "finite number"),
        ({"week": "2025-03-03", "value": "Infinity"}, "value", "finite number"),
        ({"week": "2025-03-03", "value": 1e300}, "value", "15 digits"),
        ({"week": "2025-03-03", "value": 10**40}, "value", "15 digits"),
        # Fits the column, but SQLite would hand it back rounded past it.
        ({"week": "2025-03-03", "value": "999999999999.9999"}, "value", "15 digits"),
        ({"week": "2025-03-03", "value": "1.23456"}, "value", "4 decimal places"),
        ({"week": "2025-03-03", "value": "lots"}, "value", "valid decimal"),
        ({"week": "2025-03-03", "value": [1]}, "value", "Decimal input"),
    ],
)
def test_it_refuses_bad_metric_values(ada_api, nps, payload, field, message):
    found = problems(ada_api.post(f"{METRICS}/{nps.pk}/values", payload))

    assert any(message in text for text in found[field]), found
    assert not MetricValue.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "hugo", "lena"])
def test_it_lets_only_admins_record_metric_values(request, persona, nps):
    api = api_for(request.getfixturevalue(persona))

    response = api.post(f"{METRICS}/{nps.pk}/values", {"week": "2025-03-03", "value": 1})
    # Refused before the body is read: a bad body gets the same answer.
    bad_body = api.post(f"{METRICS}/{nps.pk}/values", b"not json")

    assert response.status_code == bad_body.status_code == 403
    assert response.json() == {"detail": "Only admins can do this."}
    assert not MetricValue.objects.exists()


def test_it_answers_404_for_a_metric_that_does_not_exist(ada_api):
    response = ada_api.post(f"{METRICS}/999/values", {"week": "2025-03-03", "value": 1})

    assert response.status_code == 404
    assert response.json() == {"detail": "No metric with this id."}


def test_it_lists_metrics_with_their_latest_week(alice_api, ada, nps):
    waiting = Metric.objects.create(name="Churn", unit="%", good_direction="down")
    MetricValue.objects.create(metric=nps, week=datetime.date(2025, 3, 3), value=Decimal("40"))
    MetricValue.objects.create(metric=nps, week=datetime.date(2025, 3, 10), value=Decimal("42.25"))

    response = alice_api.get(METRICS)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": waiting.pk,
            "name": "Churn",
            "unit": "%",
            "good_direction": "down",
            "description": "",
            "latest": None,
        },
        {
            "id": nps.pk,
            "name": "NPS",
            "unit": "points",
            "good_direction": "up",
            "description": "Net promoter score",
            "latest": {"week": "2025-03-10", "value": "42.25"},
        },
    ]


@pytest.mark.parametrize("count", [1, 50])
def test_it_lists_metrics_in_constant_queries(alice, django_assert_num_queries, count):
    for n in range(count):
        metric = Metric.objects.create(name=f"Metric {n}")
        MetricValue.objects.create(metric=metric, week=datetime.date(2025, 3, 3), value=n)
    api = api_for(alice)
    api.get(METRICS)

    with django_assert_num_queries(2):  # the key and its person, the metrics
        response = api.get(METRICS)

    assert len(response.json()) == count


# --- The description ---------------------------------------------------------------------------


def test_it_publishes_its_openapi_description(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "InsightBoard API"
    assert set(schema["paths"]) == {
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/metrics",
        "/api/v1/metrics/{metric_id}/values",
    }
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
    }
    create = schema["paths"]["/api/v1/stories"]["post"]
    assert create["operationId"] == "story_create"
    assert {"201", "401", "422"} <= set(create["responses"])


def test_it_serves_the_docs_from_this_site_to_people_signed_in(alice_client, client):
    response = alice_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.text
    assert "cdn" not in response.text.lower()
    assert client.get("/api/v1/docs").status_code == 302
