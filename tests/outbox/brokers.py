"""Brokers that fail as real ones do: an address that refuses connections, and a listener that
accepts them and never answers (a hung Redis, a black-holed load balancer)."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings

from insightboard.celery import app as celery_app
from insightboard.outbox.services import broker_absence

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
def redis_at(url: str) -> Iterator[None]:
    """Celery's broker and Django's cache both at this Redis, as production has them."""
    conf = celery_app.conf
    eager, broker_url = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    conf.broker_url = url
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "insightboard",
        "OPTIONS": {
            "socket_connect_timeout": settings.CACHE_SECONDS,
            "socket_timeout": settings.CACHE_SECONDS,
        },
    }
    # What this process noticed of another broker (an earlier test's) says nothing of this one.
    broker_absence.forget()
    try:
        with override_settings(CACHES={"default": cache}):
            yield
    finally:
        conf.task_always_eager, conf.broker_url = eager, broker_url
        broker_absence.forget()


@contextmanager
def failing_broker(kind: str) -> Iterator[None]:
    """The production app, not running tasks in-process, with its Redis (the broker and the
    cache) failing in this way: stopped (refusing), or hung (silent)."""
    if kind == "refusing":
        with redis_at(refusing_broker_url()):
            yield
    else:
        with silent_broker_url() as silent, redis_at(silent):
            yield
