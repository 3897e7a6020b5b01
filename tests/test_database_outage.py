"""When the database cannot be reached, every request gets a clear 503 (a page of ours on the site,
JSON under /api/) with Retry-After, never a traceback; once it is back, the next request works
without anyone restarting anything.

The outage is real: the connection is closed and pointed where no database answers (a closed port
on PostgreSQL, a file that cannot be opened on SQLite), so the driver itself fails to connect and
the error travels through the middleware and handlers as it would in production."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.api.client import STORIES, api_for
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def closed_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port: int = listener.getsockname()[1]
    return port


@contextmanager
def database_unreachable(tmp_path: Path) -> Iterator[None]:
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def signed_in(person: object) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(person)  # type: ignore[arg-type]
    return client


def test_it_answers_a_page_with_our_503_while_the_database_is_down(alice, tmp_path):
    client = signed_in(alice)

    with database_unreachable(tmp_path):
        response = client.get(reverse("stories:list"))

    page = unescape(response.content.decode())
    assert response.status_code == 503, page
    assert response["Retry-After"] == "60"
    assert 'class="narrow error-page"' in page
    assert "InsightBoard can't reach its database right now" in page
    assert "try again in a minute" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page


def test_it_answers_a_form_with_our_503_and_saves_it_once_the_database_is_back(alice, tmp_path):
    client = signed_in(alice)
    form = {"title": "Refunds are slow", "sentiment": "frustration", "kind": "customer"}

    with database_unreachable(tmp_path):
        refused = client.post(reverse("stories:create"), form)

    assert refused.status_code == 503
    saved = client.post(reverse("stories:create"), form)
    assert saved.status_code == 302, saved.content
    assert client.get(reverse("stories:list")).status_code == 200


def test_it_answers_the_api_with_a_json_503_while_the_database_is_down(alice, tmp_path):
    StoryFactory(author=alice, title="Still here")
    api = api_for(alice)
    api.client = Client(raise_request_exception=False)

    with database_unreachable(tmp_path):
        response = api.get(STORIES)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "InsightBoard can't reach its database right now; try again in a minute."
    }
    assert [item["title"] for item in api.get(STORIES).json()["items"]] == ["Still here"]


def test_it_answers_the_sign_in_page_while_the_database_is_down(tmp_path):
    client = Client(raise_request_exception=False)

    with database_unreachable(tmp_path):
        response = client.post(
            reverse("login"), {"username": "alice@example.com", "password": "secret"}
        )

    assert response.status_code == 503
    assert "can't reach its database" in unescape(response.content.decode())
