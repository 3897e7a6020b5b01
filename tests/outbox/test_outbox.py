"""Background work a write asks for is recorded with the write and handed to the broker after
commit; what the broker does not take waits for the sweep, which hands each piece over once."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.outbox.models import Handover
from insightboard.outbox.services import handover_send, handovers_send_waiting
from insightboard.outbox.tasks import hand_over_waiting
from meetings.models import Opener
from meetings.tasks import notify_author_of_opener
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.meetings.pages import keep
from tests.outbox.brokers import failing_broker
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)


def test_it_runs_tasks_in_process_as_before_when_there_is_no_broker(
    hugo_client, hugo, alice, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    story = StoryFactory(author=alice)

    with django_capture_on_commit_callbacks(execute=True):
        keep(hugo_client, meeting, story.pk)

    assert [email.to for email in mailoutbox] == [[alice.email]]
    assert not Handover.objects.exists()


def test_it_records_the_work_with_the_write_and_nothing_for_a_write_rolled_back(
    django_capture_on_commit_callbacks,
):
    opener_id = 10**9
    with failing_broker("refusing"):
        with transaction.atomic():
            notify_author_of_opener.delay_on_commit(opener_id)
            transaction.set_rollback(True)
        assert not Handover.objects.exists()

        with django_capture_on_commit_callbacks(execute=True):
            notify_author_of_opener.delay_on_commit(opener_id)

    [handover] = Handover.objects.all()
    assert (handover.task, handover.args) == (notify_author_of_opener.name, [opener_id])
    # Tried once the write committed, and refused: it waits for the sweep.
    assert handover.handed_over_at is None
    assert handover.attempts == 1
    assert "refused" in handover.last_error


def test_the_sweep_stops_at_the_first_refusal_and_tries_again_next_time():
    first = Handover.objects.create(task=notify_author_of_opener.name, args=[1])
    second = Handover.objects.create(task=notify_author_of_opener.name, args=[2])

    with failing_broker("refusing"):
        assert handovers_send_waiting() == 0
        assert hand_over_waiting() == 0

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (2, 0)
    assert first.handed_over_at is None


def test_it_hands_over_nothing_twice():
    handover = Handover.objects.create(
        task=notify_author_of_opener.name, args=[1], handed_over_at=timezone.now()
    )

    assert handover_send(handover_id=handover.pk) is False
    assert handovers_send_waiting() == 0
    handover.refresh_from_db()
    assert handover.attempts == 0


def test_the_sweep_forgets_work_handed_over_a_week_ago():
    Handover.objects.create(task="a", handed_over_at=NOW - datetime.timedelta(days=8))
    kept = Handover.objects.create(task="b", handed_over_at=NOW - datetime.timedelta(days=6))

    with time_machine.travel(NOW, tick=False):
        handovers_send_waiting()

    assert list(Handover.objects.all()) == [kept]


def test_beat_sweeps_every_minute_and_drops_a_sweep_that_waited_past_the_next():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == hand_over_waiting.name
    ]
    assert entry["schedule"] == 60
    assert 0 < entry["options"]["expires"] < entry["schedule"]


@time_machine.travel(NOW, tick=False)
def test_healthz_says_how_much_work_waits_and_for_how_long(settings, django_assert_max_num_queries):
    settings.REDIS_URL = ""
    Handover.objects.create(task="a", created_at=NOW - datetime.timedelta(minutes=5))
    Handover.objects.create(task="b", created_at=NOW - datetime.timedelta(minutes=1))
    an_hour_ago = NOW - datetime.timedelta(hours=1)
    Handover.objects.create(task="c", created_at=an_hour_ago, handed_over_at=NOW)

    with django_assert_max_num_queries(2):
        response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["waiting"] == {"count": 2, "oldest_seconds": 300}


def test_a_kept_opener_is_saved_while_its_email_waits(hugo_client, hugo, alice, mailoutbox):
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo]))
    story = StoryFactory(author=alice)

    with failing_broker("refusing"):
        response = keep(hugo_client, meeting, story.pk)

    assert response.status_code == 200
    assert Opener.objects.filter(meeting=meeting, story=story).exists()
    assert Handover.objects.get().handed_over_at is None
    assert mailoutbox == []
