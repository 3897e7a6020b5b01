"""Sessions: a new session key at sign-in (so a key planted before it is worth nothing), the
old cookie dead after sign-out, and a person who is deactivated signed out everywhere on their
next request, in the browser and on the API, whatever they hold (a session or a key)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from insightboard.people.tokens import api_token_create
from tests.people.factories import PASSWORD

pytestmark = pytest.mark.django_db

STORIES_API = "/api/v1/stories"


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in_client(person: AbstractUser) -> Client:
    """A browser that signed in with the form, as a person does."""
    client = Client()
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def with_cookie(key: str) -> Client:
    """Another browser that presents the same session cookie (a copied or stolen one)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def deactivate(person: AbstractUser) -> None:
    # As the admin's "active" box does: the row changes, nothing else is told.
    type(person).objects.filter(pk=person.pk).update(is_active=False)


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("profile")).status_code == 200


def test_it_gives_a_new_session_key_at_sign_in(alice):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "planted-by-someone-else"
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    response = client.post(reverse("login"), {"username": alice.username, "password": PASSWORD})

    assert response.status_code == 302
    assert session_key(client) != before
    assert is_signed_in(client)
    assert not is_signed_in(with_cookie(before))


def test_it_ends_the_session_at_sign_out(alice):
    client = signed_in_client(alice)
    old_key = session_key(client)
    assert is_signed_in(with_cookie(old_key))

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not is_signed_in(client)
    # The cookie copied before signing out opens nothing either: the session is gone.
    copied = with_cookie(old_key)
    assert not is_signed_in(copied)
    assert copied.get(STORIES_API).status_code == 401


def test_it_signs_out_a_deactivated_person_on_their_next_request(alice):
    client = signed_in_client(alice)
    assert is_signed_in(client)

    deactivate(alice)

    response = client.get(reverse("stories:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(STORIES_API).status_code == 401


def test_it_signs_out_a_deactivated_person_whose_session_was_made_without_a_password(alice):
    # Invitations and sign-up links sign in with the model backend named; tests with the first.
    client = Client()
    client.force_login(alice)
    assert is_signed_in(client)

    deactivate(alice)

    assert not is_signed_in(client)


def test_it_keeps_a_deactivated_person_out_at_the_sign_in_form(alice):
    deactivate(alice)
    client = Client()

    response = client.post(reverse("login"), {"username": alice.username, "password": PASSWORD})

    assert response.status_code == 200  # the form again, with the reason
    assert not is_signed_in(client)


def test_it_refuses_the_api_key_of_a_deactivated_person(alice):
    _, raw_key = api_token_create(person=alice, name="Script")
    headers = {"Authorization": f"Bearer {raw_key}"}
    assert Client().get(STORIES_API, headers=headers).status_code == 200

    deactivate(alice)

    refused = Client().get(STORIES_API, headers=headers)
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/json")
    written = Client().post(
        STORIES_API,
        {"title": "Hi", "sentiment": "idea"},
        content_type="application/json",
        headers=headers,
    )
    assert written.status_code == 401
