"""Calling the API as a script would: one person's key with every request, no session cookie."""

import json

from django.test import Client

from insightboard.people.tokens import api_token_create

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
