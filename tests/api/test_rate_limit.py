"""The API's rate limit: a budget a minute per key (per address without a valid key), counted in
the shared cache, answered over the limit with our JSON 429, and never in the way when the cache
fails."""

import datetime
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from insightboard.api import rate_limit
from insightboard.people.tokens import api_token_create
from stories.models import Story
from tests.api.client import METRICS, STORIES, ApiClient, api_for
from tests.metrics.factories import MetricFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
# Ten seconds into a minute: the window ends 50 seconds later.
TEN_PAST = datetime.datetime(2026, 11, 30, 9, 0, 10, tzinfo=datetime.UTC)
NEXT_MINUTE = datetime.datetime(2026, 11, 30, 9, 1, 0, tzinfo=datetime.UTC)
BAD_KEY = {"Authorization": "Bearer ib_not-a-key"}


@pytest.fixture(autouse=True)
def small_limit(settings: Any) -> None:
    settings.INSIGHTBOARD_API_REQUESTS_PER_MINUTE = LIMIT


@pytest.fixture(autouse=True)
def cache_never_failed() -> Iterator[None]:
    """A failed cache makes this process stop counting for a while; no other test inherits it."""
    rate_limit.cache_rest.until = 0.0
    yield
    rate_limit.cache_rest.until = 0.0


def assert_refused(response: Any) -> dict[str, Any]:
    assert response.status_code == 429, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body: dict[str, Any] = response.json()
    assert list(body) == ["detail"]
    assert f"at most {LIMIT} a minute" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= rate_limit.WINDOW_SECONDS
    assert response["RateLimit-Remaining"] == "0"
    return body


def spend_all(api: ApiClient) -> None:
    for _ in range(LIMIT):
        assert api.get(STORIES).status_code == 200


def test_it_answers_normally_under_the_limit_and_says_what_is_left(alice_api):
    answers = [alice_api.get(STORIES) for _ in range(LIMIT)]

    assert [answer.status_code for answer in answers] == [200] * LIMIT
    assert [answer["RateLimit-Remaining"] for answer in answers] == ["2", "1", "0"]
    assert {answer["RateLimit-Limit"] for answer in answers} == {str(LIMIT)}
    assert all(1 <= int(answer["RateLimit-Reset"]) <= 60 for answer in answers)
    assert not any(answer.has_header("Retry-After") for answer in answers)


def test_it_answers_the_request_over_the_limit_with_our_json_429(alice_api):
    spend_all(alice_api)

    assert_refused(alice_api.get(STORIES))
    assert_refused(alice_api.get(f"{STORIES}/1"))
    # Refused before the body is read: nothing is written.
    assert_refused(alice_api.post(STORIES, {"title": "Slow checkout", "sentiment": "idea"}))
    assert not Story.objects.exists()


def test_it_says_to_retry_when_the_minute_ends(alice_api):
    with time_machine.travel(TEN_PAST, tick=False):
        spend_all(alice_api)
        refused = alice_api.get(STORIES)

    assert_refused(refused)
    assert refused["Retry-After"] == "50"
    assert refused["RateLimit-Reset"] == "50"


def test_it_starts_the_count_again_each_minute(alice_api):
    with time_machine.travel(TEN_PAST, tick=False) as traveller:
        spend_all(alice_api)
        traveller.move_to(NEXT_MINUTE - datetime.timedelta(seconds=1))
        assert_refused(alice_api.get(STORIES))

        traveller.move_to(NEXT_MINUTE)
        answer = alice_api.get(STORIES)

    assert answer.status_code == 200
    assert answer["RateLimit-Remaining"] == str(LIMIT - 1)


def test_it_gives_each_key_its_own_budget(alice, bob, alice_api):
    spend_all(alice_api)
    assert_refused(alice_api.get(STORIES))

    # Another key, even the same person's, starts with its own budget.
    for api in [api_for(alice), api_for(bob)]:
        answer = api.get(STORIES)
        assert answer.status_code == 200
        assert answer["RateLimit-Remaining"] == str(LIMIT - 1)


def test_it_counts_reads_in_the_browser_per_person(alice_client, bob_client):
    for _ in range(LIMIT):
        assert alice_client.get(STORIES).status_code == 200

    assert_refused(alice_client.get(STORIES))
    assert bob_client.get(STORIES).status_code == 200


def test_it_counts_requests_without_a_valid_key_per_address(alice):
    _, raw_key = api_token_create(person=alice, name="Script")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(LIMIT):
        assert client.get(STORIES, headers=BAD_KEY).status_code == 401

    assert_refused(client.get(STORIES, headers=BAD_KEY))
    assert_refused(client.post(STORIES, "{}", content_type="application/json"))
    # A header the client writes gives it no fresh budget.
    spoofed = {**BAD_KEY, "X-Forwarded-For": "198.51.100.1"}
    assert_refused(client.get(STORIES, headers=spoofed))
    # Another address, and a valid key from the same address, have budgets of their own.
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.get(STORIES, headers=BAD_KEY).status_code == 401
    keyed = client.get(STORIES, headers={"Authorization": f"Bearer {raw_key}"})
    assert keyed.status_code == 200


def test_it_counts_a_key_refused_for_its_role(alice_api):
    # Alice is not an admin: her key is refused on the admin's endpoint, and that spends it too.
    values = f"{METRICS}/{MetricFactory().pk}/values"
    payload = {"week": "2026-11-16", "value": "1"}
    for _ in range(LIMIT):
        assert alice_api.post(values, payload).status_code == 403

    assert_refused(alice_api.post(values, payload))
    assert_refused(alice_api.get(STORIES))


def test_it_shares_the_count_with_every_process(settings, alice):
    # On Redis (REDIS_URL set) the count must live there, where every web process reads it.
    assert isinstance(caches["default"], RedisCache) == bool(settings.REDIS_URL)
    token, raw_key = api_token_create(person=alice, name="Script")
    api = ApiClient(raw_key)
    # What another web process holds: a cache of its own (its own connections, on Redis).
    another_process = caches.create_connection("default")
    assert another_process is not caches["default"]

    with time_machine.travel(TEN_PAST, tick=False):
        name = rate_limit.count_name(f"key:{token.pk}", TEN_PAST.timestamp())
        another_process.set(name, LIMIT - 1, timeout=60)  # it answered all but one request
        last = api.get(STORIES)
        over = api.get(STORIES)
        seen_there = another_process.get(name)

    assert last.status_code == 200
    assert last["RateLimit-Remaining"] == "0"
    assert_refused(over)
    assert seen_there == LIMIT + 1


class FailingCache(LocMemCache):
    """A cache whose every call fails, as a client library does when Redis is away."""

    calls = 0

    def add(self, *args: Any, **kwargs: Any) -> bool:
        type(self).calls += 1
        raise ConnectionError("the cache is away")

    def incr(self, *args: Any, **kwargs: Any) -> int:
        type(self).calls += 1
        raise ConnectionError("the cache is away")


def test_it_lets_requests_through_when_the_cache_fails(settings, caplog, alice_api):
    FailingCache.calls = 0
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.FailingCache"}}

    with caplog.at_level(logging.WARNING, logger="insightboard.api.rate_limit"):
        answers = [alice_api.get(STORIES) for _ in range(LIMIT + 2)]

    assert [answer.status_code for answer in answers] == [200] * (LIMIT + 2)
    assert not any(answer.has_header("RateLimit-Limit") for answer in answers)
    # It tried once, then left the broken cache alone, and said so once.
    assert FailingCache.calls == 1
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "the cache failed (ConnectionError)" in caplog.records[0].getMessage()


def redis_at(port: int) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def test_it_lets_requests_through_when_redis_refuses_connections(settings, caplog, alice_api):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once it is closed
    settings.CACHES = {"default": redis_at(port)}

    with caplog.at_level(logging.WARNING, logger="insightboard.api.rate_limit"):
        answers = [alice_api.get(STORIES) for _ in range(LIMIT + 1)]

    assert [answer.status_code for answer in answers] == [200] * (LIMIT + 1)
    assert "the cache failed (ConnectionError)" in caplog.text


def test_it_lets_requests_through_when_redis_never_answers(settings, caplog, alice_api):
    # A listener that accepts connections (the kernel does, from its backlog) and never replies.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        settings.CACHES = {"default": redis_at(hung.getsockname()[1])}

        with caplog.at_level(logging.WARNING, logger="insightboard.api.rate_limit"):
            answers = [alice_api.get(STORIES) for _ in range(LIMIT + 1)]

    assert [answer.status_code for answer in answers] == [200] * (LIMIT + 1)
    # One request waited for the socket timeout; the rest did not ask the hung cache again.
    assert len(caplog.records) == 1
    assert "the cache failed (TimeoutError)" in caplog.text
