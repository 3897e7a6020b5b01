"""Brokers that fail as real ones do: an address that refuses connections, and a listener that
accepts them and never answers (a hung Redis, a black-holed load balancer)."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from insightboard.celery import app as celery_app

# A page must answer within this, however the broker fails; the client's deadline, not a timing.
PAGE_DEADLINE = 6.0


def refusing_broker_url() -> str:
    """A port on this machine that was free a moment ago: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@contextmanager
def silent_broker_url() -> Iterator[str]:
    """A listener that accepts every connection, reads nothing and answers nothing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


@contextmanager
def failing_broker(kind: str) -> Iterator[None]:
    """The production app, not running tasks in-process, with a broker that fails in this way."""
    conf = celery_app.conf
    eager, url = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    try:
        if kind == "refusing":
            conf.broker_url = refusing_broker_url()
            yield
        else:
            with silent_broker_url() as silent:
                conf.broker_url = silent
                yield
    finally:
        conf.task_always_eager, conf.broker_url = eager, url
