"""Every error is a page of ours: with debug off, each status answers in InsightBoard's layout and
words on the site, and as `{"detail": "..."}` under /api/, never with a traceback or a setting."""

import json
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from insightboard.error_pages import REQUEST_MAX_BYTES, ErrorPagesMiddleware, server_error
from stories.imports.services import MAX_UPLOAD_BYTES
from tests.api.client import METRICS, STORIES, ApiClient, api_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# What only a debug page, or a page that is not ours, would show.
LEAKS = ("Traceback", "DEBUG", "SECRET_KEY", "DATABASES", "Django", "Request Method")
OUR_LAYOUT = 'class="narrow error-page"'


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def alice_api(alice) -> ApiClient:
    return api_for(alice)


def assert_our_page(response: HttpResponse, status: int, words: str) -> str:
    page = unescape(response.content.decode())
    assert response.status_code == status, page
    assert response["Content-Type"].startswith("text/html")
    assert OUR_LAYOUT in page
    assert words in page
    assert "· InsightBoard</title>" in page
    assert [leak for leak in LEAKS if leak in page] == []
    # Sent with the policy every page has (its frame-ancestors forbids framing).
    assert "Content-Security-Policy" in response
    return page


def assert_our_json(response: HttpResponse, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    detail = json.loads(response.content)["detail"]
    assert [leak for leak in LEAKS if leak in response.content.decode()] == []
    return str(detail)


# --- The site ----------------------------------------------------------------------------------


def test_it_answers_a_request_for_a_host_it_does_not_serve_with_our_400(alice):
    response = client_for(alice).get(reverse("home"), headers={"host": "evil.example"})

    assert_our_page(response, 400, "could not make sense of that request")


def test_it_answers_a_refusal_with_our_403_and_its_reason(alice):
    response = client_for(alice).get(reverse("metrics:create"))

    assert_our_page(response, 403, "Only admins can do this")


def test_it_answers_a_form_without_its_token_with_our_403_saying_to_reload(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("stories:create"), {"title": "Hi", "sentiment": "idea"})

    page = assert_our_page(response, 403, "reload the page")
    assert "CSRF verification" not in page


def test_it_answers_a_missing_page_with_our_404(alice, django_assert_max_num_queries):
    client = client_for(alice)

    with django_assert_max_num_queries(5):  # the menu: session, person, roles, name
        response = client.get("/no-such-page/")

    assert_our_page(response, 404, "This page does not exist")


def test_it_answers_sign_out_by_link_with_our_405(alice):
    response = client_for(alice).get(reverse("logout"))

    assert_our_page(response, 405, "Sign out")
    assert response["Allow"] == "POST, OPTIONS"


def test_it_answers_a_form_too_large_to_read_with_our_413_naming_the_limit(alice):
    response = client_for(alice).post(
        reverse("stories:create"), {"title": "Long", "sentiment": "idea", "body": "x" * 3_000_000}
    )

    assert_our_page(response, 413, "at most 2.5 MB")


def test_it_answers_a_form_with_too_many_fields_with_our_413(alice):
    fields = {f"field{number}": "x" for number in range(1_001)}

    response = client_for(alice).post(reverse("stories:create"), fields)

    assert_our_page(response, 413, "at most 1,000 fields")


def test_it_refuses_a_request_larger_than_any_upload_before_reading_it(alice):
    response = client_for(alice).post(
        reverse("stories:import"),
        {"file": "x"},
        CONTENT_LENGTH=str(REQUEST_MAX_BYTES + 1),
    )

    assert_our_page(response, 413, "at most 32 MB")


def test_it_leaves_room_for_the_largest_upload_to_reach_its_form():
    # A CSV over its own limit is refused by the upload form, which names that limit.
    assert MAX_UPLOAD_BYTES + 1024 * 1024 < REQUEST_MAX_BYTES


def test_it_answers_a_locked_sign_in_with_our_429(settings, alice):
    settings.AXES_FAILURE_LIMIT = 1
    credentials = {"username": "alice@example.com", "password": "wrong"}

    response = Client().post(reverse("login"), credentials)

    assert_our_page(response, 429, "Too many sign-in attempts")


def test_it_gives_a_blank_refusal_of_too_many_requests_our_429_page():
    # A rate limit that answers with no body of its own gets our page, and keeps its Retry-After.
    def limited(request: object) -> HttpResponse:
        response = HttpResponse(status=429)
        response["Retry-After"] = "30"
        return response

    response = ErrorPagesMiddleware(limited)(RequestFactory().get(reverse("home")))

    assert b"Wait a minute and try again" in response.content
    assert response["Retry-After"] == "30"


def test_it_answers_a_failure_with_our_500_without_the_error(alice, monkeypatch):
    def broken(person: object) -> None:
        raise RuntimeError("the secret inner workings")

    monkeypatch.setattr("insightboard.views.home_meetings", broken)
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    page = assert_our_page(client.get(reverse("home")), 500, "Something went wrong on our side")
    assert "secret inner workings" not in page


def test_it_draws_the_500_page_without_the_database(alice, django_assert_num_queries):
    request = RequestFactory().get(reverse("home"))
    request.user = SimpleLazyObject(lambda: User.objects.get(pk=alice.pk))

    with django_assert_num_queries(0):
        response = server_error(request)

    assert b"Something went wrong on our side" in response.content


# --- The API -----------------------------------------------------------------------------------


def test_it_answers_the_api_for_a_host_it_does_not_serve_in_json(alice_api: ApiClient):
    response = alice_api.client.get(STORIES, headers={**alice_api.headers, "host": "evil.example"})

    assert_our_json(response, 400)


def test_it_answers_a_refused_key_in_json(alice_api: ApiClient):
    response = alice_api.post(f"{METRICS}/1/values", {"week": "2025-03-03", "value": 1})

    assert assert_our_json(response, 403) == "Only admins can do this."


def test_it_answers_the_api_root_in_json():
    assert "/api/v1/docs" in assert_our_json(Client().get("/api/v1/"), 404)


def test_it_answers_a_missing_api_address_in_json(alice_api: ApiClient):
    assert_our_json(alice_api.get("/api/v1/no-such-thing"), 404)


def test_it_answers_a_wrong_method_on_the_api_in_json(alice_api: ApiClient):
    response = alice_api.client.delete(STORIES, headers=alice_api.headers)

    assert_our_json(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_it_answers_an_api_body_too_large_to_read_in_json_naming_the_limit(alice_api: ApiClient):
    response = alice_api.post(STORIES, b"x" * 3_000_000)

    assert "at most 2.5 MB" in assert_our_json(response, 413)


def test_it_answers_an_api_request_larger_than_any_upload_in_json(alice_api: ApiClient):
    response = alice_api.client.post(
        STORIES,
        b"{}",
        content_type="application/json",
        headers=alice_api.headers,
        CONTENT_LENGTH=str(REQUEST_MAX_BYTES + 1),
    )

    assert "at most 32 MB" in assert_our_json(response, 413)


def test_it_answers_too_many_api_requests_in_json():
    # Any 429 under /api/ answers in JSON, whatever raised it (tests/api/test_rate_limit.py has
    # the API's own limit).
    answer = ErrorPagesMiddleware(lambda request: HttpResponse("Slow down", status=429))

    assert_our_json(answer(RequestFactory().get(STORIES)), 429)


def test_it_answers_a_failure_in_the_api_in_json(alice, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the secret inner workings")

    monkeypatch.setattr("insightboard.api.stories.filtered_stories", broken)
    api = api_for(alice)
    api.client = Client(raise_request_exception=False)

    assert "try again" in assert_our_json(api.get(STORIES), 500)
