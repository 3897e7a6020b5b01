"""A mail server that is down while an email task runs: the task is retried with the backoff
EMAIL_RETRIES promises, and once the server is back each person gets exactly one message, even
when the retry and the same work handed over again (a sweep, a message the broker delivered
twice) run at the same moment. Every email task, found by introspection."""

import pytest

from insightboard.celery import app as celery_app
from tests.digest.smtp_server import SmtpServer
from tests.outbox.email_cases import (
    NOT_EMAIL_TASKS,
    TASK_CASES,
    due,
    is_email_task,
    our_tasks,
    the_first_retries,
)
from tests.races import at_once

EMAIL_TASKS = sorted(TASK_CASES)


# Importing every app's tasks runs Celery's Django checks, which read the database.
@pytest.mark.django_db
def test_every_task_is_an_email_task_with_a_case_or_sends_no_email():
    tasks = our_tasks()
    email_tasks = {name for name, task in tasks.items() if is_email_task(task)}

    assert email_tasks == set(TASK_CASES)
    assert set(tasks) - email_tasks == NOT_EMAIL_TASKS


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, down (connections refused) until the test starts it."""
    server = SmtpServer()
    settings.MAILERS = server.mailers(timeout=5)
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("task", EMAIL_TASKS)
def test_it_retries_with_backoff_while_the_mail_server_is_down_then_sends_once(
    request, task, smtp, monkeypatch
):
    with due(request, task) as work:
        running = celery_app.tasks[work.task]
        countdowns: list[float] = []
        retry = running.retry

        def recorded_retry(*args, **options):
            if running.request.retries < running.max_retries:  # the last gives up instead
                countdowns.append(options["countdown"])
            return retry(*args, **options)

        monkeypatch.setattr(running, "retry", recorded_retry)

        # Run as a worker runs it: each retry comes back (at once, in-process) until they are
        # used up, the server refusing every connection.
        assert work.run(throw=False).failed()
        assert countdowns == the_first_retries()
        assert smtp.received == []

        smtp.start()
        # The last retry, and the same work handed over again, at once.
        outcomes = at_once(lambda: work.run(throw=False), lambda: work.run(throw=False))

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    assert smtp.copies() == {work.recipient: 1}
