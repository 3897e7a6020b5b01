"""The Celery app, and the typed way to declare a task that Django code queues after commit."""

import logging
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any, cast

from celery import Celery, Task, shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Ignore
from celery.signals import setup_logging, task_postrun, task_prerun
from django.db import transaction

from insightboard.logs import TASK_HEADER, request_id, task_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insightboard.settings")

app = Celery("insightboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py, and the tasks of capabilities that live in a package of their own.
app.autodiscover_tasks()
app.autodiscover_tasks(["stories.reports", "stories.imports"])


class OutboxTask[**P, R](DjangoTask[P, R]):
    """`delay_on_commit` records the work in the write's transaction (insightboard/outbox) and
    hands it to the broker after commit, giving up after about a second: a broker that is down
    or silent never fails or stalls a page whose write was saved, and the beat sweep hands the
    work over later. Tasks that run in-process (no broker) run after commit as before."""

    # Set by tasks with no claim of their own (an invitation sent twice is two emails): their
    # hand-over is their claim, taken in the transaction that does the work, so a message the
    # broker delivers twice runs once, and a run that fails (or is retried) gives it back.
    once_per_handover = False

    def delay_on_commit(self, *args: P.args, **kwargs: P.kwargs) -> None:  # type: ignore[override]
        if self.app.conf.task_always_eager:
            # The request's id is read now: the commit may come after the request is done.
            queued_by = request_id.get()
            headers = {TASK_HEADER: queued_by} if queued_by else {}
            transaction.on_commit(partial(self.apply_async, args, kwargs, headers=headers))
            return
        # Imported here: Celery's app is made before Django's models are ready.
        from insightboard.outbox.services import handover_record, handover_send

        handover = handover_record(
            task=self.name, args=args, kwargs=kwargs, request_id=request_id.get() or ""
        )
        transaction.on_commit(partial(handover_send, handover_id=handover.pk), robust=True)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        from insightboard.outbox.services import handover_of, handover_receive

        handover_id = handover_of(self.request.id)
        if not self.once_per_handover or handover_id is None:
            return super().__call__(*args, **kwargs)
        with transaction.atomic():
            if not handover_receive(handover_id=handover_id):
                raise Ignore()  # done already: no result, no retry
            return super().__call__(*args, **kwargs)


task_logger = logging.getLogger("insightboard.tasks")
# What each running task's prerun changed, for its postrun to put back: the context var's token
# and when it started.
running: dict[str, tuple[Any, float]] = {}


@setup_logging.connect
def keep_django_logging(**_: Any) -> None:
    """Workers log through settings.LOGGING (its format, level and request ids), not Celery's
    own set-up: a receiver of this signal tells Celery to leave logging alone."""


@task_prerun.connect
def task_starts(*, task_id: str, task: Task[Any, Any], **_: Any) -> None:
    """The task's log lines carry the id of the request that queued it."""
    token = request_id.set(task_request_id(task.request) or request_id.get())
    running[task_id] = (token, time.perf_counter())


@task_postrun.connect
def task_ends(*, task_id: str, task: Task[Any, Any], state: str | None = None, **_: Any) -> None:
    """One line per task run, like the access log's line per request."""
    token, started = running.pop(task_id, (None, time.perf_counter()))
    task_logger.info(
        "task %s %s",
        task.name,
        state,
        extra={
            "task": task.name,
            "state": state,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    if token is not None:
        request_id.reset(token)


def background_task[**P, R](**options: Any) -> Callable[[Callable[P, R]], "OutboxTask[P, R]"]:
    """A task whose arguments mypy checks where it is queued (`task.delay_on_commit(...)`).

    Arguments cross to a worker as JSON: ids and ISO dates, never model instances.
    """

    def declare(function: Callable[P, R]) -> OutboxTask[P, R]:
        task = shared_task(base=OutboxTask, **options)(function)  # type: ignore[no-untyped-call]
        return cast("OutboxTask[P, R]", task)

    return declare
