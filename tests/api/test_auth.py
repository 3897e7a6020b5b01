"""API keys: a key is the sign-in, stops the moment it is revoked, and needs no CSRF token;
without one every answer is a JSON 401."""

import json

import pytest
from django.test import Client

from insightboard.people.tokens import api_token_create, api_token_revoke
from stories.models import Story
from tests.api.client import METRICS, STORIES, ApiClient
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


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
