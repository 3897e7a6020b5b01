"""Structured logs: each request's lines, and the lines of the tasks it queued, share its id."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse

from insightboard.logs import JsonFormatter, RequestIdFilter
from insightboard.logs import request_id as current_request_id
from meetings.tasks import notify_author_of_opener
from tests.conftest import client_for
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.meetings.pages import keep
from tests.outbox.brokers import failing_broker
from tests.outbox.test_faults import hand_over_with_the_broker_back
from tests.people.factories import PASSWORD
from tests.stories.factories import StoryFactory


class Lines(logging.Handler):
    """Every record formatted as production's json format would write it, one per line."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def parsed(self, logger: str | None = None) -> list[dict[str, object]]:
        entries = [json.loads(line) for line in self.lines]
        return [entry for entry in entries if logger is None or entry["logger"] == logger]


@contextmanager
def lines_of(logger: logging.Logger) -> Iterator[Lines]:
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # as in production
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """Every logger's lines."""
    with lines_of(logging.getLogger()) as lines:
        yield lines


@pytest.fixture
def task_lines() -> Iterator[Lines]:
    """The tasks' lines, on their own logger: a worker starting up sets up logging afresh,
    which drops handlers added to the root logger."""
    with lines_of(logging.getLogger("insightboard.tasks")) as lines:
        yield lines


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_the_id_its_response_carries(alice, log_lines):
    response = client_for(alice).get(reverse("home"), {"q": "alice@example.com"})

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [access] = log_lines.parsed("insightboard.requests")
    assert access["request_id"] == request_id
    assert access["method"] == "GET"
    assert access["path"] == reverse("home")  # never the query string
    assert access["status"] == response.status_code
    assert access["person_id"] == alice.pk
    assert isinstance(access["duration_ms"], float)
    assert {"time", "level", "message"} <= access.keys()
    assert all(entry["request_id"] == request_id for entry in log_lines.parsed())
    assert current_request_id.get() is None  # forgotten once the request is finished


@pytest.mark.django_db
def test_it_reuses_a_sane_incoming_request_id(log_lines):
    response = Client().get(reverse("login"), headers={"X-Request-ID": "proxy-7f3a.9_b"})

    assert response["X-Request-ID"] == "proxy-7f3a.9_b"
    [access] = log_lines.parsed("insightboard.requests")
    assert access["request_id"] == "proxy-7f3a.9_b"
    assert access["person_id"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    ["forged\nINFO everything is fine", "x" * 500, "", "a b", '{"level": "ERROR"}'],
)
def test_it_replaces_a_hostile_incoming_request_id(hostile, log_lines):
    response = Client().get(reverse("login"), headers={"X-Request-ID": hostile})

    request_id = response["X-Request-ID"]
    assert request_id != hostile
    assert len(request_id) == 32
    assert all(hostile not in line for line in log_lines.lines if hostile)
    assert log_lines.parsed("insightboard.requests")[0]["request_id"] == request_id


@pytest.mark.django_db
def test_a_sign_in_never_logs_an_email_address(alice, log_lines):
    client = Client()
    client.post(reverse("login"), {"username": alice.username, "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody@example.com", "password": "wrong"})
    client.post(reverse("login"), {"username": alice.username, "password": PASSWORD})

    assert len(log_lines.parsed("insightboard.requests")) == 3
    assert log_lines.parsed("insightboard.requests")[-1]["person_id"] == alice.pk
    assert not [line for line in log_lines.lines if "@" in line]


@pytest.mark.django_db
def test_a_page_not_found_never_logs_its_query_string(alice, log_lines):
    client_for(alice).get("/nowhere/", {"email": "alice@example.com"})

    assert [entry["status"] for entry in log_lines.parsed("insightboard.requests")] == [404]
    [warning] = log_lines.parsed("django.request")  # Django's own line, without the request
    assert warning["request_id"] == log_lines.parsed("insightboard.requests")[0]["request_id"]
    assert not [line for line in log_lines.lines if "example.com" in line]  # "@" is encoded


@pytest.mark.django_db
def test_a_task_run_in_process_logs_with_the_id_of_the_request_that_queued_it(
    hugo, alice, task_lines, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    host = client_for(hugo)
    host.defaults["HTTP_X_REQUEST_ID"] = "keep-opener-1"

    # The commit's callbacks run after the request is over, as they may in production.
    with django_capture_on_commit_callbacks(execute=True):
        keep(host, meeting, StoryFactory(author=alice).pk)

    [task] = task_lines.parsed("insightboard.tasks")
    assert task["task"] == notify_author_of_opener.name
    assert task["request_id"] == "keep-opener-1"


@pytest.mark.django_db(transaction=True)
def test_a_task_handed_over_to_a_worker_logs_with_the_id_of_the_request_that_queued_it(
    hugo, alice, task_lines
):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    host = client_for(hugo)
    host.defaults["HTTP_X_REQUEST_ID"] = "keep-opener-2"

    # The broker is away: the work waits, and the sweep (no request of its own) hands it over.
    with failing_broker("refusing"):
        keep(host, meeting, StoryFactory(author=alice).pk)
    hand_over_with_the_broker_back(notify_author_of_opener.name)

    [task] = [
        entry
        for entry in task_lines.parsed("insightboard.tasks")
        if entry["task"] == notify_author_of_opener.name  # not the worker's ping
    ]
    assert task["state"] == "SUCCESS"
    assert task["request_id"] == "keep-opener-2"
