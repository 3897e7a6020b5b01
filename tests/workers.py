"""A real Celery worker for tests: tasks go through a broker to a worker thread, never inline."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import celery.contrib.testing.tasks  # noqa: F401 - the ping the test worker answers
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from insightboard.celery import app as production_app


@contextmanager
def worker_on_a_queue_of_its_own() -> Iterator[Celery]:
    """A worker thread on a queue nobody else's worker reads: against REDIS_URL when it is set,
    otherwise against Celery's in-memory broker, so that tasks never run inline here.

    A second app configured like production makes that queue its default, so the tasks the
    sweep queues land there too; it is current for the test and the production app after.
    """
    app = Celery("insightboard-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    queue = f"insightboard-test-{uuid.uuid4().hex}"
    app.conf.update(
        broker_url=settings.REDIS_URL or "memory://",
        # The ping that proves the worker is up needs somewhere to put its answer.
        result_backend=settings.REDIS_URL or "cache+memory://",
        task_always_eager=False,
        task_default_queue=queue,
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=True):
            yield app
    finally:
        with app.connection() as connection:
            # Declared on this channel first, so that deleting it also drops its bindings.
            bound = app.amqp.queues[queue].bind(connection.default_channel)
            bound.declare()
            bound.delete()
        production_app.set_current()
        production_app.set_default()
