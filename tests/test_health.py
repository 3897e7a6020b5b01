"""GET /healthz tells a load balancer whether this process can serve: database and broker."""

import socketserver
import threading
from collections.abc import Iterator
from typing import BinaryIO

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Background work waiting for the broker (insightboard/outbox): none, in these tests.
NOTHING_WAITING = {"count": 0, "oldest_seconds": None}


def read_command(stream: BinaryIO) -> list[bytes]:
    """One command in Redis' protocol (RESP): an array of bulk strings, or an inline line."""
    line = stream.readline()
    if not line.startswith(b"*"):
        return line.split()
    command = []
    for _ in range(int(line[1:])):
        length = int(stream.readline()[1:])
        command.append(stream.read(length + 2)[:length])
    return command


class RedisPing(socketserver.StreamRequestHandler):
    """Answers what redis-py asks on connecting (HELLO 3, CLIENT SETINFO) and PING, as Redis
    would; nothing else."""

    HELLO = b"%3\r\n+server\r\n+redis\r\n+version\r\n+8.0.0\r\n+proto\r\n:3\r\n"
    REPLIES = {b"HELLO": HELLO, b"CLIENT": b"+OK\r\n", b"SELECT": b"+OK\r\n", b"PING": b"+PONG\r\n"}

    def handle(self) -> None:
        while command := read_command(self.rfile):
            self.wfile.write(self.REPLIES.get(command[0].upper(), b"-ERR unknown command\r\n"))


class PingServer(socketserver.ThreadingTCPServer):
    # The client keeps its connection in a pool: never wait for it to hang up.
    daemon_threads = True
    block_on_close = False


@pytest.fixture
def reachable_broker_url() -> Iterator[str]:
    """The real Redis when REDIS_URL is set (CI, docker compose); otherwise a listener on this
    machine that answers PING as Redis does, so that `make test` needs no Redis."""
    if django_settings.REDIS_URL:
        yield django_settings.REDIS_URL
        return
    with PingServer(("127.0.0.1", 0), RedisPing) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        host, port = server.server_address[:2]
        yield f"redis://{host}:{port}/0"
        server.shutdown()
        thread.join(timeout=10)


def test_it_is_healthy_with_tasks_in_process_when_there_is_no_broker(settings):
    settings.REDIS_URL = ""

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "waiting": NOTHING_WAITING,
    }


def test_it_is_unhealthy_when_the_broker_cannot_be_reached(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "broker": "down",
        "waiting": NOTHING_WAITING,
    }


def test_it_is_healthy_with_a_reachable_broker(settings, reachable_broker_url):
    settings.REDIS_URL = reachable_broker_url

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "waiting": NOTHING_WAITING,
    }


def test_it_needs_no_sign_in_and_is_never_cached(settings):
    settings.REDIS_URL = ""

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_it_answers_only_get(settings):
    settings.REDIS_URL = ""

    assert Client().post(reverse("healthz")).status_code == 405


def test_it_is_unhealthy_when_the_database_fails(settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "down",
        "broker": "in-process",
        "waiting": None,
    }
