"""The Celery app, and the typed way to declare a task that Django code queues after commit."""

import os
from collections.abc import Callable
from typing import Any, cast

from celery import Celery, shared_task
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insightboard.settings")

app = Celery("insightboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py, and the tasks of capabilities that live in a package of their own.
app.autodiscover_tasks()
app.autodiscover_tasks(["stories.reports"])


def background_task[**P, R](**options: Any) -> Callable[[Callable[P, R]], "DjangoTask[P, R]"]:
    """A task whose arguments mypy checks where it is queued (`task.delay_on_commit(...)`).

    Arguments cross to a worker as JSON: ids and ISO dates, never model instances.
    """

    def declare(function: Callable[P, R]) -> DjangoTask[P, R]:
        task = shared_task(base=DjangoTask, **options)(function)  # type: ignore[no-untyped-call]
        return cast("DjangoTask[P, R]", task)

    return declare
