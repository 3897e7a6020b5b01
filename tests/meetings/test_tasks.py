import datetime
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from smtplib import SMTPServerDisconnected

import celery.contrib.testing.tasks  # noqa: F401 - the ping the test worker answers
import pytest
import time_machine
from celery.signals import task_postrun
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections

from meetings.models import ActionItem, Meeting, Opener, Weekday
from meetings.tasks import (
    notify_author_of_action,
    notify_author_of_opener,
    send_prebrief,
    send_prebriefs,
)
from tests.isolates import without_isolates
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import StoryFactory
from tests.workers import worker_on_a_queue_of_its_own

# A Wednesday noon. The Thursday series meets in 21.5 hours, the Monday one in 4.9 days.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TOMORROW_MORNING = datetime.datetime(2026, 11, 19, 9, 30, tzinfo=datetime.UTC)


def weekly_series(hosts, weekday):
    return SeriesFactory(
        hosts=hosts,
        weekday=weekday,
        starts_at=datetime.time(9, 30),
        first_day=datetime.date(2026, 11, 1),
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_it_prebriefs_hosts_once_when_the_sweep_runs_twice(hugo, lena, alice, mailoutbox):
    StoryFactory(author=alice)
    tomorrow = weekly_series([hugo], Weekday.THURSDAY)
    weekly_series([lena], Weekday.MONDAY)

    assert send_prebriefs() == 1
    assert send_prebriefs() == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hugo@example.com"]
    meeting = Meeting.objects.get(series=tomorrow)
    assert meeting.starts_at == TOMORROW_MORNING
    assert meeting.prebrief_sent_at == NOW


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_it_sends_no_prebrief_for_a_meeting_that_has_its_opener(hugo, alice, mailoutbox):
    series = weekly_series([hugo], Weekday.THURSDAY)
    meeting = MeetingFactory(series=series, starts_at=TOMORROW_MORNING)
    Opener.objects.create(
        meeting=meeting, series=series, story=StoryFactory(author=alice), reason="", kept_by=hugo
    )

    assert send_prebriefs() == 0

    assert mailoutbox == []


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_it_looks_as_far_ahead_as_the_prebrief_hours_setting(hugo, lena, settings, mailoutbox):
    weekly_series([hugo], Weekday.THURSDAY)
    weekly_series([lena], Weekday.MONDAY)

    settings.INSIGHTBOARD_PREBRIEF_HOURS = 12
    assert send_prebriefs() == 0
    settings.INSIGHTBOARD_PREBRIEF_HOURS = 24 * 6
    assert send_prebriefs() == 2

    assert sorted(email.to[0] for email in mailoutbox) == ["hugo@example.com", "lena@example.com"]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_it_sends_a_retried_prebrief_once(hugo, alice, mailoutbox, monkeypatch):
    StoryFactory(author=alice)
    meeting = MeetingFactory(
        series=weekly_series([hugo], Weekday.THURSDAY), starts_at=TOMORROW_MORNING
    )
    refusals = [SMTPServerDisconnected("Connection unexpectedly closed")]
    deliver = EmailBackend.send_messages

    def flaky(self, messages):
        if refusals:
            raise refusals.pop()
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)

    # The first attempt fails and Celery retries it (at once, when eager); then a duplicate.
    first = send_prebrief.apply(args=[meeting.pk], throw=False)
    duplicate = send_prebrief.apply(args=[meeting.pk], throw=False)

    assert refusals == []
    assert (first.result, duplicate.result) == (True, False)
    assert len(mailoutbox) == 1


def test_it_declares_retries_for_mail_errors():
    for task in (send_prebrief, notify_author_of_opener, notify_author_of_action):
        assert OSError in task.autoretry_for
        assert task.max_retries
        assert task.retry_backoff


def test_it_schedules_the_sweep_to_expire_before_the_next_one():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == send_prebriefs.name
    ]
    assert 0 < entry["options"]["expires"] < entry["schedule"]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_it_tells_an_author_once_through_the_tasks(hugo, lena, alice, mailoutbox):
    story = StoryFactory(author=alice)
    meeting = MeetingFactory(
        series=weekly_series([hugo], Weekday.THURSDAY), starts_at=TOMORROW_MORNING
    )
    opener = Opener.objects.create(
        meeting=meeting, series=meeting.series, story=story, reason="", kept_by=hugo
    )
    action = ActionItem.objects.create(meeting=meeting, story=story, text="Fix it", owner=lena)

    for _ in range(2):
        notify_author_of_opener.delay(opener.pk)
        notify_author_of_action.delay(action.pk)

    assert [without_isolates(email.subject) for email in mailoutbox] == [
        f"Your insight opened {meeting.title}",
        f"Your insight led to an action in {meeting.title}",
    ]


# --- A real worker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    task: str
    eager: bool
    thread: int


@dataclass
class Watch:
    done: threading.Event = field(default_factory=threading.Event)
    runs: list[Run] = field(default_factory=list)


@contextmanager
def finished(task_name: str) -> Iterator[Watch]:
    """Every task run while it is open, where and how it ran; done once task_name has run."""
    watch = Watch()

    def on_postrun(task, **kwargs):
        watch.runs.append(Run(task.name, bool(task.request.is_eager), threading.get_ident()))
        if task.name == task_name:
            # The worker's thread has its own database connection: give it back.
            connections.close_all()
            watch.done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield watch
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=True)
def test_it_prebriefs_through_a_real_worker(hugo, alice, mailoutbox):
    StoryFactory(author=alice)
    series = weekly_series([hugo], Weekday.THURSDAY)

    with worker_on_a_queue_of_its_own(), finished(send_prebrief.name) as watch:
        send_prebriefs.delay()
        assert watch.done.wait(timeout=30)

    # Both the sweep and the pre-brief it queued went through the broker to the worker's thread
    # (the worker's own ping may finish in the meantime).
    runs = [run for run in watch.runs if run.task != "celery.ping"]
    assert [(run.task, run.eager) for run in runs] == [
        (send_prebriefs.name, False),
        (send_prebrief.name, False),
    ]
    assert threading.get_ident() not in {run.thread for run in runs}
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hugo@example.com"]
    assert Meeting.objects.get(series=series).prebrief_sent_at is not None
