"""The API's authorisation matrix, with keys: every endpoint, as every persona's key (none for
anonymous; a deactivated person's key as well), with every method, gets the table's answer."""

import json

import pytest
from django.test import Client

from insightboard.metrics.models import Metric
from insightboard.people.tokens import api_token_create
from tests.access.expected import ByPersona, everyone, only
from tests.access.world import PERSONAS, World
from tests.people.factories import PersonFactory
from tests.url_walk import project_routes

pytestmark = pytest.mark.django_db

API = "/api/v1"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
GONE = "deactivated"  # someone who left: their key still exists but opens nothing
KEYS = [*PERSONAS, GONE]
# The API's own addresses (the description, its docs, the root) are in the site's table.
NOT_OPERATIONS = {"api:openapi-json", "api:openapi-view", "api:api-root"}
NEW_STORY = {"title": "Checkout times out", "sentiment": "frustration"}


def keys(status: int) -> ByPersona:
    """`status` for every live key; no key, or a deactivated person's, is a 401."""
    return everyone(status, anonymous=401) | {GONE: 401}


def admin_key(status: int, others: int) -> ByPersona:
    return only("ada", status, others=others) | {"anonymous": 401, GONE: 401}


# (method, path) -> who gets what. Paths name the walk's records: {story} is alice's company-wide
# story, {private} her private one, {metric} the walk's metric. Any other method is 405.
EXPECTED: dict[tuple[str, str], ByPersona] = {
    ("GET", "/stories"): keys(200),
    ("POST", "/stories"): keys(201),  # anyone with a key logs an insight
    ("GET", "/stories/{story}"): keys(200),
    ("GET", "/stories/{private}"): keys(404) | {"alice": 200, "ada": 200},
    ("GET", "/metrics"): keys(200),
    # Only admins record metric values: anyone else's key is refused before the body is read, so
    # the admin's empty body is the one checked (422).
    ("POST", "/metrics/{metric}/values"): admin_key(422, others=403),
}
ROUTES = {
    "api:story_list": "/stories",
    "api:story_create": "/stories",
    "api:story_detail": "/stories/{story}",
    "api:metric_list": "/metrics",
    "api:metric_value_record": "/metrics/{metric}/values",
}


def path_of(template: str, world: World) -> str:
    metric = Metric.objects.get()
    ids = {"story": world.story.pk, "private": world.private_story.pk, "metric": metric.pk}
    return API + template.format(**ids)


def raw_keys(world: World) -> dict[str, str | None]:
    gone = PersonFactory(username="gone@example.com")
    found: dict[str, str | None] = {"anonymous": None}
    for persona, person in [*world.people.items(), (GONE, gone)]:
        found[persona] = api_token_create(person=person, name="Matrix")[1]
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    return found


def test_it_has_a_row_for_every_api_operation():
    operations = {
        route.name
        for route in project_routes()
        if route.name and route.name.startswith("api:") and route.name not in NOT_OPERATIONS
    }

    assert operations == ROUTES.keys()
    assert {path for _, path in EXPECTED} >= set(ROUTES.values())
    assert all(set(by_key) == set(KEYS) for by_key in EXPECTED.values())


def test_it_gives_each_key_the_expected_answer_on_every_endpoint(world):
    problems = []
    paths = {path for _, path in EXPECTED}
    for persona, raw_key in raw_keys(world).items():
        client = Client(enforce_csrf_checks=True)  # keys need no CSRF token
        headers = {"Authorization": f"Bearer {raw_key}"} if raw_key else {}
        for template in sorted(paths):
            path = path_of(template, world)
            for method in METHODS:
                row = EXPECTED.get((method, template))
                expected = 405 if row is None else row[persona]
                body = json.dumps(NEW_STORY if template == "/stories" else {})
                response = client.generic(
                    method, path, body, content_type="application/json", headers=headers
                )
                if response.status_code != expected:
                    problems.append(
                        f"{method} {path} as {persona}: expected {expected}, "
                        f"got {response.status_code} {response.content[:80]!r}"
                    )
                if response.status_code >= 400:
                    assert response["Content-Type"].startswith("application/json"), path

    assert problems == []
