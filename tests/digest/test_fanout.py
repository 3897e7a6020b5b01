"""The schedule and the fan-out: Celery beat's `digest_tick` compiles and starts the week's
digest when it is due and queues its deliveries in batches; however often it runs, and through a
real worker, each recipient gets exactly one message."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import celery.contrib.testing.tasks  # noqa: F401 - the ping the test worker answers
import pytest
import time_machine
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.db import connections

from insightboard.digest import runs
from insightboard.digest.models import Delivery, Digest, DigestStatus
from insightboard.digest.services import progress
from insightboard.digest.tasks import (
    batch_size,
    digest_tick,
    enqueue_batches,
    send_digest_batch,
)
from tests.digest.smtp_server import DUE, compiled_digest, serving, started_digest, wait_until
from tests.workers import worker_on_a_queue_of_its_own


@contextmanager
def task_runs() -> Iterator[list[tuple[str, bool, int]]]:
    """(task, eager, thread) for every task that finished while it is open."""
    runs_seen: list[tuple[str, bool, int]] = []

    def on_postrun(task, **kwargs):
        runs_seen.append((task.name, bool(task.request.is_eager), threading.get_ident()))
        if not task.request.is_eager:
            connections.close_all()  # the worker's thread has connections of its own

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield runs_seen
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.mark.django_db(transaction=True)
def test_the_beat_twice_through_a_real_worker_sends_each_recipient_one_message(
    settings, monkeypatch
):
    monkeypatch.setattr(runs, "BATCH", 10)  # 45 deliveries: five batches a tick
    digest = compiled_digest(readers_count=45)

    with (
        serving(settings) as smtp,
        time_machine.travel(DUE, tick=True),
        task_runs() as seen,
        worker_on_a_queue_of_its_own(),
    ):
        digest_tick.delay()
        digest_tick.delay()
        wait_until(
            lambda: [name for name, _, _ in seen].count(send_digest_batch.name) == 10,
            what="both ticks' batches",
        )

    addresses = list(Delivery.objects.values_list("address", flat=True))
    assert len(addresses) == 45
    assert smtp.copies() == dict.fromkeys(addresses, 1)
    assert progress(digest)["sent"] == 45
    assert Digest.objects.get(pk=digest.pk).status == DigestStatus.SENT
    # Everything ran on the worker's thread, through the broker.
    worked = [(name, eager) for name, eager, thread in seen if name != "celery.ping"]
    assert worked == [(digest_tick.name, False)] * 2 + [(send_digest_batch.name, False)] * 10
    assert threading.get_ident() not in {thread for _, _, thread in seen}


@pytest.mark.django_db(transaction=True)
def test_the_beat_run_twice_sends_no_duplicate(settings):
    compiled_digest(readers_count=12)

    with serving(settings) as smtp, time_machine.travel(DUE, tick=True):
        first = digest_tick()
        second = digest_tick()

    assert (first, second) == (1, 0)
    addresses = list(Delivery.objects.values_list("address", flat=True))
    assert smtp.copies() == dict.fromkeys(addresses, 1)
    assert Digest.objects.get().status == DigestStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_the_beat_compiles_and_sends_a_due_week_nobody_compiled_yet(settings):
    compiled_digest(readers_count=3)
    Digest.objects.all().delete()

    with serving(settings) as smtp, time_machine.travel(DUE, tick=True):
        assert digest_tick() == 1
        assert digest_tick() == 0

    assert sorted(smtp.copies().values()) == [1, 1, 1]
    assert Digest.objects.get().status == DigestStatus.SENT


@pytest.mark.django_db
def test_it_makes_batches_a_rate_limited_worker_finishes_well_within_the_time_limit(
    settings, django_capture_on_commit_callbacks
):
    digest = started_digest(readers_count=70)

    with django_capture_on_commit_callbacks() as queued:
        unlimited = enqueue_batches(digest)
        settings.INSIGHTBOARD_DIGEST_RATE_PER_MINUTE = 4
        limited = enqueue_batches(digest)

    assert (unlimited, limited, len(queued)) == (1, 3, 4)
    # Thirty messages a batch, at four a minute: 7.5 minutes, half the batch's time limit.
    assert batch_size() == 30
    assert send_digest_batch.time_limit / 2 >= 30 * 60 / 4


def test_it_acknowledges_a_batch_only_once_it_is_done_and_well_within_the_redis_timeout():
    assert send_digest_batch.acks_late
    assert send_digest_batch.time_limit < 60 * 60  # Redis' visibility timeout
    [entry] = [
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == digest_tick.name
    ]
    assert 0 < entry["options"]["expires"] < entry["schedule"]
