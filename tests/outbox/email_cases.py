"""Every email task, each with work that is due: what it is asked (as a worker receives it) and who
should hear. The tasks are found by introspection, so a new email task has no case until one is
written here, and tests/outbox/test_email_retries.py fails until then."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from celery import Task
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from insightboard.celery import app as celery_app
from insightboard.emails import EMAIL_RETRIES
from insightboard.outbox.models import Handover
from insightboard.outbox.services import TASK_ID_PREFIX
from insightboard.people.services import person_invite, signup_request
from stories.reports.selectors import leaders_to_remind
from tests.conftest import client_for
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import keep
from tests.outbox.brokers import failing_broker
from tests.stories.factories import StoryFactory
from tests.stories.reports.leaders import NOW as LEADERS_BEHIND
from tests.stories.reports.test_views import report_answers

# Our tasks that send no email of their own: sweeps that queue the email tasks, and the digest's
# batches, which send through their own relay with the delivery ledger's retries
# (tests/digest/test_smtp.py). A new task is one or the other, on purpose.
NOT_EMAIL_TASKS = {
    "insightboard.outbox.tasks.hand_over_waiting",
    "meetings.tasks.send_prebriefs",
    "stories.reports.tasks.remind_leaders",
    "insightboard.digest.tasks.digest_tick",
    "insightboard.digest.tasks.send_digest_batch",
    "stories.imports.tasks.import_story_file",
    "stories.imports.tasks.resume_stalled_imports",
}
OUR_MODULES = ("insightboard.", "stories.", "meetings.")


def our_tasks() -> dict[str, Task]:
    celery_app.loader.import_default_modules()
    return {name: task for name, task in celery_app.tasks.items() if name.startswith(OUR_MODULES)}


def is_email_task(task: Task) -> bool:
    """Built with insightboard.emails.email_task (or email_task_once): the email retry policy."""
    return all(getattr(task, option, None) == value for option, value in EMAIL_RETRIES.items())


@dataclass(frozen=True)
class Due:
    """An email task's work as a worker receives it, and the address that should hear."""

    task: str
    args: list[Any]
    recipient: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    task_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def run(self, **options: Any) -> Any:
        """Run it as a worker runs the message: the same id each time, as a retry has."""
        task = celery_app.tasks[self.task]
        return task.apply(args=self.args, kwargs=self.kwargs, task_id=self.task_id, **options)


def handed_over(task: str, recipient: str) -> Due:
    """The work a write recorded for this task, run under its hand-over's id, as the sweep
    would publish it."""
    handover = Handover.objects.get(task=task)
    return Due(task, handover.args, recipient, handover.kwargs, f"{TASK_ID_PREFIX}{handover.pk}")


@contextmanager
def opener_kept(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    hugo, alice = request.getfixturevalue("hugo"), request.getfixturevalue("alice")
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    with failing_broker("refusing"):
        keep(client_for(hugo), meeting, StoryFactory(author=alice).pk)
    yield [handed_over("meetings.tasks.notify_author_of_opener", alice.email)]


@contextmanager
def action_added(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    hugo, alice, bob = (request.getfixturevalue(name) for name in ("hugo", "alice", "bob"))
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    OpenerFactory(meeting=meeting, story=StoryFactory(author=alice), kept_by=hugo)
    url = reverse("meetings:action_add", args=[meeting.pk])
    with failing_broker("refusing"):
        client_for(hugo).post(url, {"text": "Refund the same day", "owner": bob.pk})
    yield [
        handed_over("meetings.tasks.notify_author_of_action", alice.email),
        handed_over("meetings.tasks.notify_owner_of_action", bob.email),
    ]


def leading(person: Any) -> Any:
    # A transactional test starts with no groups: the migration that made them was flushed.
    leaders, _ = Group.objects.get_or_create(name="Leaders")
    leaders.permissions.add(Permission.objects.get(codename="file_executive_reports"))
    person.groups.add(leaders)
    return person


@contextmanager
def report_filed(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    lena, bob = leading(request.getfixturevalue("lena")), request.getfixturevalue("bob")
    with failing_broker("refusing"):
        client_for(lena).post(reverse("stories:report_create"), report_answers(bob))
    yield [handed_over("stories.reports.tasks.notify_action_owner", bob.email)]


@contextmanager
def person_invited(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    with failing_broker("refusing"):
        person_invite(
            invited_by=request.getfixturevalue("ada"),
            email="nadia@example.com",
            display_name="Nadia",
            team="",
            roles=[],
        )
    yield [handed_over("insightboard.people.tasks.send_invitation", "nadia@example.com")]


@contextmanager
def signed_up(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    alice = request.getfixturevalue("alice")
    with failing_broker("refusing"):
        signup_request(email="omar@example.com", display_name="Omar", team="", password="x" * 12)
        signup_request(email=alice.email, display_name="Alice", team="", password="x" * 12)
    yield [
        handed_over("insightboard.people.tasks.send_signup_confirmation", "omar@example.com"),
        handed_over("insightboard.people.tasks.send_signup_taken", alice.email),
    ]


@contextmanager
def meeting_ahead_without_opener(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    """The pre-brief, which beat's sweep queues (meetings.tasks.send_prebriefs)."""
    hugo = request.getfixturevalue("hugo")
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    StoryFactory()
    yield [Due("meetings.tasks.send_prebrief", [meeting.pk], hugo.email)]


@contextmanager
def leader_behind(request: pytest.FixtureRequest) -> Iterator[list[Due]]:
    """The reminder, which beat's sweep queues (stories.reports.tasks.remind_leaders)."""
    lena = leading(request.getfixturevalue("lena"))
    with time_machine.travel(LEADERS_BEHIND, tick=True):
        [(leader_id, due_since)] = leaders_to_remind(today=timezone.localdate())
        assert leader_id == lena.pk
        yield [
            Due(
                "stories.reports.tasks.send_report_reminder",
                [lena.pk, due_since.isoformat()],
                lena.email,
            )
        ]


# What makes each email task's work due; several tasks may share one (adding an action tells
# its story's author and its owner).
CASES: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "an opener kept": opener_kept,
    "an action added": action_added,
    "a report filed": report_filed,
    "someone invited": person_invited,
    "someone signing up": signed_up,
    "a meeting ahead without an opener": meeting_ahead_without_opener,
    "a leader behind": leader_behind,
}
# Each email task's case, by name: kept in step with CASES by test_every_email_task_has_a_case.
TASK_CASES = {
    "meetings.tasks.notify_author_of_opener": "an opener kept",
    "meetings.tasks.notify_author_of_action": "an action added",
    "meetings.tasks.notify_owner_of_action": "an action added",
    "stories.reports.tasks.notify_action_owner": "a report filed",
    "insightboard.people.tasks.send_invitation": "someone invited",
    "insightboard.people.tasks.send_signup_confirmation": "someone signing up",
    "insightboard.people.tasks.send_signup_taken": "someone signing up",
    "meetings.tasks.send_prebrief": "a meeting ahead without an opener",
    "stories.reports.tasks.send_report_reminder": "a leader behind",
}


@contextmanager
def due(request: pytest.FixtureRequest, task: str) -> Iterator[Due]:
    """The task's work, due."""
    with CASES[TASK_CASES[task]](request) as work:
        [mine] = [item for item in work if item.task == task]
        yield mine


def the_first_retries() -> list[float]:
    """The waits EMAIL_RETRIES promises before each retry: about 30 s, then twice as long each
    time, never more than the most it allows."""
    return [
        min(EMAIL_RETRIES["retry_backoff"] * 2**number, EMAIL_RETRIES["retry_backoff_max"])
        for number in range(EMAIL_RETRIES["max_retries"])
    ]
