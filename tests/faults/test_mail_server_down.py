"""The mail server down while a real Celery worker runs an email task: the worker's retry goes
back through the broker to wait out the backoff, the same work arrives a second time meanwhile
(a message the broker delivered twice), and once the server is back the person gets exactly one
message. Slow: the first retry waits the 30 s EMAIL_RETRIES promises, on the clock."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery.signals import task_postrun, task_retry
from django.db import connections

from insightboard.outbox.services import handovers_send_waiting
from insightboard.people.tasks import send_invitation
from tests.digest.smtp_server import SmtpServer, wait_until
from tests.outbox.email_cases import due
from tests.workers import worker_on_a_queue_of_its_own

pytestmark = pytest.mark.django_db(transaction=True)


class Runs:
    """What the worker did with one task: how many times it ran, and how many retries it asked
    for (each republished to the broker with the backoff's countdown)."""

    def __init__(self, task: str) -> None:
        self.task = task
        self.finished = 0
        self.retries = 0
        self.lock = threading.Lock()

    def on_postrun(self, task, **kwargs) -> None:
        if task.name == self.task:
            connections.close_all()  # the worker's thread has a database connection of its own
            with self.lock:
                self.finished += 1

    def on_retry(self, request, **kwargs) -> None:
        if request.task == self.task:
            with self.lock:
                self.retries += 1


@contextmanager
def watching(task: str) -> Iterator[Runs]:
    runs = Runs(task)
    task_postrun.connect(runs.on_postrun, weak=False)
    task_retry.connect(runs.on_retry, weak=False)
    try:
        yield runs
    finally:
        task_postrun.disconnect(runs.on_postrun)
        task_retry.disconnect(runs.on_retry)


def test_a_worker_retries_an_email_until_the_mail_server_is_back_and_sends_it_once(
    request, settings
):
    smtp = SmtpServer()  # down: connections are refused until it starts
    settings.MAILERS = smtp.mailers(timeout=5)

    with (
        due(request, send_invitation.name) as work,
        worker_on_a_queue_of_its_own() as app,
        watching(work.task) as runs,
    ):
        assert handovers_send_waiting() == 1
        wait_until(lambda: runs.retries == 1, what="the worker to retry the refused email")
        # The broker delivers the same message again while the retry waits out its backoff.
        app.send_task(work.task, args=work.args, kwargs=work.kwargs, task_id=work.task_id)
        wait_until(lambda: runs.retries == 2, what="the second delivery to be retried too")
        assert smtp.received == []

        smtp.start()
        try:
            wait_until(lambda: runs.finished == 4, what="both retries to run")
        finally:
            smtp.stop()

    assert smtp.copies() == {work.recipient: 1}
