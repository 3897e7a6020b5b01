"""Handing recorded background work to Celery's broker: promptly, or later by the sweep.

A hand-over is claimed by a conditional UPDATE in the transaction that publishes it: a sweep
reaching the same row at the same moment waits on it and finds it taken, and a publish that
fails gives the claim back for the next sweep. A task can still arrive twice (a process killed
between publishing and committing), so every task claims its own work as well.
"""

import datetime
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError
from redis import RedisError

from insightboard.logs import TASK_HEADER
from insightboard.outbox.models import Handover

logger = logging.getLogger(__name__)

# Connecting to the broker, and publishing, each give up after this long: a page that saved its
# write answers at once, and the sweep hands the work over once the broker is back.
BROKER_SECONDS = 1
# kombu wraps most broker failures in OperationalError; the rest are sockets and Redis errors.
BROKER_ERRORS = (OperationalError, OSError, RedisError)
SWEEP_LIMIT = 500
# A hand-over's Celery task id names its row, so that the worker can claim the work by it.
TASK_ID_PREFIX = "handover-"
# Once the broker has failed to take work, this process's next hand-overs leave theirs to the sweep
# for this long instead of each spending up to BROKER_SECONDS on a broker still away: a write
# that asks for many (the digest's batches) answers as promptly as one that asks for one.
BROKER_AWAY_SECONDS = 10.0
# Handed-over rows are kept this long, for looking back at what was sent when, then removed.
KEEP_HANDED_OVER = datetime.timedelta(days=7)


class BrokerAbsence:
    """When this process last found the broker away (time.monotonic()), if lately."""

    def __init__(self) -> None:
        self.noticed_at: float | None = None

    def notice(self) -> None:
        self.noticed_at = time.monotonic()

    def forget(self) -> None:
        self.noticed_at = None

    def is_recent(self) -> bool:
        return (
            self.noticed_at is not None and time.monotonic() - self.noticed_at < BROKER_AWAY_SECONDS
        )


broker_absence = BrokerAbsence()


def handover_record(
    *, task: str, args: Sequence[Any], kwargs: Mapping[str, Any], request_id: str = ""
) -> Handover:
    """Record background work in the caller's transaction (arguments are JSON: ids, ISO dates),
    with the id of the request that asked for it, for the task's log lines."""
    return Handover.objects.create(
        task=task, args=list(args), kwargs=dict(kwargs), request_id=request_id
    )


@contextmanager
def broker_connection() -> Iterator[Connection]:
    """A connection of its own to the broker, with short timeouts and no retries: Celery's
    shared pool would retry a refused connection, and wait on a silent one, for minutes."""
    timeouts = {"socket_connect_timeout": BROKER_SECONDS, "socket_timeout": BROKER_SECONDS}
    with current_app.connection_for_write(
        connect_timeout=BROKER_SECONDS, transport_options={"max_retries": 0, **timeouts}
    ) as connection:
        yield connection


def hand_over(handover_id: int, connection: Connection) -> bool:
    """Claim the row and publish it; False if someone else has handed it over. Raises one of
    BROKER_ERRORS if the broker did not take it, having given the claim back and counted the
    attempt."""
    try:
        with transaction.atomic():
            claimed = Handover.objects.filter(pk=handover_id, handed_over_at__isnull=True).update(
                handed_over_at=timezone.now(), attempts=F("attempts") + 1
            )
            if not claimed:
                return False
            handover = Handover.objects.get(pk=handover_id)
            current_app.send_task(
                handover.task,
                args=handover.args,
                kwargs=handover.kwargs,
                task_id=f"{TASK_ID_PREFIX}{handover.pk}",
                headers={TASK_HEADER: handover.request_id or None},
                connection=connection,
                retry=False,
            )
    except BROKER_ERRORS as error:
        Handover.objects.filter(pk=handover_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:300]
        )
        raise
    return True


def handover_send(*, handover_id: int) -> bool:
    """After the write committed: hand its work over now if the broker takes it within about a
    second; otherwise it waits for the sweep. True if handed over."""
    if broker_absence.is_recent():
        return False  # the broker was away a moment ago: the sweep will hand it over
    try:
        with broker_connection() as connection:
            return hand_over(handover_id, connection)
    except BROKER_ERRORS as error:
        broker_absence.notice()
        logger.warning("Broker unavailable; background work %s waits: %s", handover_id, error)
        return False


def handovers_send_waiting(*, limit: int = SWEEP_LIMIT) -> int:
    """The sweep (beat, every minute): hand over what is still waiting, oldest first, and stop
    at the first refusal, since the broker is still away. Returns how many were handed over."""
    Handover.objects.filter(handed_over_at__lt=timezone.now() - KEEP_HANDED_OVER).delete()
    waiting = Handover.objects.filter(handed_over_at__isnull=True).order_by("created_at", "pk")
    ids = list(waiting.values_list("pk", flat=True)[:limit])
    handed_over = 0
    try:
        with broker_connection() as connection:
            for handover_id in ids:
                handed_over += hand_over(handover_id, connection)
        broker_absence.forget()  # it took everything: writes may hand over at once again
    except BROKER_ERRORS as error:
        broker_absence.notice()
        logger.warning("Broker unavailable; %s hand-overs still wait: %s", len(ids), error)
    return handed_over


def handover_of(task_id: str | None) -> int | None:
    """The hand-over a task was queued by, from its Celery task id; None if it was not."""
    if task_id is None or not task_id.startswith(TASK_ID_PREFIX):
        return None
    number = task_id.removeprefix(TASK_ID_PREFIX)
    return int(number) if number.isdigit() else None


def handover_receive(*, handover_id: int) -> bool:
    """A worker's claim on the work, taken in the transaction that does it; False if a worker
    already did it (the broker delivered the message twice)."""
    return bool(
        Handover.objects.filter(pk=handover_id, received_at__isnull=True).update(
            received_at=timezone.now()
        )
    )
