"""A broker that refuses connections, or accepts them and never answers, never fails or stalls a
page whose write was saved: the work waits in the outbox, and once the broker is back the sweep
hands it over and the email goes out once."""

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import time_machine
from celery.signals import task_postrun
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.http import HttpResponse
from django.urls import reverse

from insightboard.digest import runs
from insightboard.digest.models import Digest, DigestStatus
from insightboard.digest.tasks import send_digest_batch
from insightboard.outbox.models import Handover
from insightboard.outbox.services import handovers_send_waiting
from meetings.models import ActionItem, Opener
from stories.models import ExecutiveReport, Story
from tests.conftest import client_for
from tests.digest.pages import LABEL, NOW, WEEK, a_week
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import keep
from tests.outbox.brokers import PAGE_DEADLINE, failing_broker
from tests.races import at_once
from tests.stories.factories import StoryFactory
from tests.stories.reports.test_views import report_answers
from tests.stories.test_forms_and_input import story_fields
from tests.workers import worker_on_a_queue_of_its_own

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("broker", ["refusing", "silent"]),
]


def post_before_the_deadline(post: Callable[[], HttpResponse]) -> int:
    """The response's status; fails if the page has not answered within PAGE_DEADLINE."""
    [response] = at_once(post, timeout=PAGE_DEADLINE)
    assert not isinstance(response, Exception), response
    return response.status_code


@contextmanager
def ran(*task_names: str) -> Iterator[threading.Event]:
    """Set once each of the tasks has run (on the worker's thread)."""
    waiting = list(task_names)
    done = threading.Event()

    def on_postrun(task, **kwargs):
        if task.name in waiting:
            waiting.remove(task.name)
            connections.close_all()  # the worker's thread has a database connection of its own
        if not waiting:
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield done
    finally:
        task_postrun.disconnect(on_postrun)


def hand_over_with_the_broker_back(*task_names: str) -> None:
    """The sweep, once the broker is back: it hands over what waits and a worker runs it."""
    with worker_on_a_queue_of_its_own(), ran(*task_names) as done:
        assert handovers_send_waiting() == len(task_names)
        assert done.wait(timeout=30)
    assert handovers_send_waiting() == 0
    assert not Handover.objects.filter(handed_over_at__isnull=True).exists()


def waiting_tasks() -> list[str]:
    waiting = Handover.objects.filter(handed_over_at__isnull=True)
    return sorted(waiting.values_list("task", flat=True))


def emails_to(mailoutbox, person) -> list[str]:
    return [email.subject for email in mailoutbox if email.to == [person.email]]


def test_a_host_keeps_an_opener_whatever_the_broker_does(broker, hugo, alice, mailoutbox):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    story = StoryFactory(author=alice)
    host = client_for(hugo)

    with failing_broker(broker):
        status = post_before_the_deadline(lambda: keep(host, meeting, story.pk))

    assert status < 500
    assert Opener.objects.get(meeting=meeting).story == story
    assert waiting_tasks() == ["meetings.tasks.notify_author_of_opener"]
    assert mailoutbox == []

    hand_over_with_the_broker_back("meetings.tasks.notify_author_of_opener")
    assert len(emails_to(mailoutbox, alice)) == 1


def test_a_host_adds_an_action_whatever_the_broker_does(broker, hugo, alice, bob, mailoutbox):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    OpenerFactory(meeting=meeting, story=StoryFactory(author=alice), kept_by=hugo)
    host = client_for(hugo)
    url = reverse("meetings:action_add", args=[meeting.pk])

    with failing_broker(broker):
        status = post_before_the_deadline(
            lambda: host.post(url, {"text": "Refund the same day", "owner": bob.pk})
        )

    assert status < 500
    assert ActionItem.objects.get(meeting=meeting).owner == bob
    tasks = ["meetings.tasks.notify_author_of_action", "meetings.tasks.notify_owner_of_action"]
    assert waiting_tasks() == tasks
    assert mailoutbox == []

    hand_over_with_the_broker_back(*tasks)
    assert len(emails_to(mailoutbox, alice)) == 1
    assert len(emails_to(mailoutbox, bob)) == 1


def test_a_leader_logs_an_insight_whatever_the_broker_does(broker, lena, bob, mailoutbox):
    # A transactional test starts with no groups: the migration that made them was flushed.
    leaders, _ = Group.objects.get_or_create(name="Leaders")
    leaders.permissions.add(Permission.objects.get(codename="file_executive_reports"))
    lena.groups.add(leaders)
    leader = client_for(lena)
    url = reverse("stories:report_create")

    with failing_broker(broker):
        status = post_before_the_deadline(lambda: leader.post(url, report_answers(bob)))

    assert status < 500
    report = ExecutiveReport.objects.get()
    assert report.action_owner == bob
    assert report.owner_notified_at is None
    assert waiting_tasks() == ["stories.reports.tasks.notify_action_owner"]
    assert mailoutbox == []

    hand_over_with_the_broker_back("stories.reports.tasks.notify_action_owner")
    assert len(emails_to(mailoutbox, bob)) == 1


@pytest.mark.parametrize("form", ["full form", "quick capture"])
def test_staff_log_an_insight_whatever_the_broker_does(broker, form, alice, mailoutbox):
    fields = story_fields(title="Refunds take a week")
    if form == "quick capture":
        fields = {f"quick-{name}": value for name, value in fields.items()}
    headers = {"HX-Request": "true"} if form == "quick capture" else {}
    staff = client_for(alice)

    with failing_broker(broker):
        status = post_before_the_deadline(
            lambda: staff.post(reverse("stories:create"), fields, headers=headers)
        )

    assert status == (200 if form == "quick capture" else 302)
    assert Story.objects.get().title == "Refunds take a week"
    # Logging an insight asks for no background work: nothing waits, nothing is due.
    assert waiting_tasks() == []
    assert mailoutbox == []


def test_an_admin_sends_the_digest_whatever_the_broker_does(broker, ada, monkeypatch, mailoutbox):
    # Two readers a batch, so that one press asks for several hand-overs, as a company of
    # thousands does at 200 a batch.
    monkeypatch.setattr(runs, "BATCH", 2)
    with time_machine.travel(NOW, tick=True):
        a_week(readers=9)
        admin = client_for(ada)

        with failing_broker(broker):
            status = post_before_the_deadline(
                lambda: admin.post(reverse("digest:send_now"), {"week": LABEL})
            )

        assert status == 302
        digest = Digest.objects.get(week=WEEK)
        assert digest.status == DigestStatus.SENDING
        readers = sorted(digest.deliveries.values_list("address", flat=True))
        batches = [send_digest_batch.name] * math.ceil(len(readers) / 2)
        assert len(batches) > 5
        assert waiting_tasks() == batches
        assert mailoutbox == []

        hand_over_with_the_broker_back(*batches)

    digest.refresh_from_db()
    assert digest.status == DigestStatus.SENT
    assert sorted(address for email in mailoutbox for address in email.to) == readers
