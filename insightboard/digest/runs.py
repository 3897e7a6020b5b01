"""Running a week's digest: is it due, compile it, make its ledger, send what is left.

The schedule (Celery beat, every 15 minutes), the `send_digest` command and the admin's "Send
now" all come through here; sending itself is insightboard.digest.sending.delivery_send.
"""

import datetime
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from insightboard.digest.builder import build_digest
from insightboard.digest.ledger import sendable
from insightboard.digest.messages import DigestMessage, host_of, shared_parts
from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.digest.relay import Answer, Relay, relay_from_settings
from insightboard.digest.schedule import DAYS, Decision, digest_due
from insightboard.digest.sending import Outcome, Rendered, Throttle, send_batch
from insightboard.digest.services import (
    digest_compile,
    digest_finish_if_done,
    digest_skip,
    digest_start_sending,
    featured_until,
)
from insightboard.people.models import display_name

BATCH = 200

_relay: Relay | None = None
_throttle: Throttle | None = None


def process_relay() -> Relay:
    """The mail server connection this process reuses for every message it sends."""
    global _relay
    if _relay is None:
        _relay = relay_from_settings()
    return _relay


def process_relay_close() -> None:
    global _relay
    if _relay is not None:
        _relay.close()
    _relay = None


def process_throttle() -> Throttle:
    """This process's rate limit, one for every batch it sends: a throttle made per batch would
    let two messages go out back to back where one batch ends and the next begins."""
    global _throttle
    if _throttle is None:
        _throttle = Throttle(per_minute=0)
    _throttle.per_minute = settings.INSIGHTBOARD_DIGEST_RATE_PER_MINUTE
    return _throttle


def weeks_done(now: datetime.datetime) -> set[datetime.date]:
    """Weeks whose digest exists and was started; a failed one, or one compiled but never
    started (its sender died in between), counts once its time to run has passed."""
    rows = Digest.objects.values_list("week", "status")
    late = datetime.timedelta(hours=settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS + 24 * 14)
    return {
        week
        for week, status in rows
        if status not in (DigestStatus.FAILED, DigestStatus.COMPILED)
        or now - datetime.datetime.combine(week, datetime.time.min, tzinfo=datetime.UTC) > late
    }


def digest_due_now(*, now: datetime.datetime) -> Digest | None:
    """What the schedule does at `now`: the digest that has deliveries to send, if any.

    Compiles and starts last week's digest when it falls due, records a skipped week when its
    time passed too long ago, and picks up a digest still sending (a worker died, a retry is
    due) so that nobody is missed.
    """
    if not settings.INSIGHTBOARD_DIGEST_ENABLED:
        return None
    due = digest_due(
        now,
        zone=ZoneInfo(settings.TIME_ZONE),
        day=DAYS.index(settings.INSIGHTBOARD_DIGEST_SEND_DAY),
        hour=settings.INSIGHTBOARD_DIGEST_SEND_HOUR,
        max_late_hours=settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS,
        done=weeks_done(now),
    )
    if due.decision == Decision.SKIP:
        digest_skip(
            week=due.week,
            reason=(
                f"Its run would have started {due.late_hours:.0f} hours late, more than the "
                f"{settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS} allowed "
                "(INSIGHTBOARD_DIGEST_MAX_LATE_HOURS), so it was skipped rather than sent late."
            ),
        )
    elif due.decision == Decision.SEND:
        digest_start_sending(digest=digest_compile(week=due.week))
    return Digest.objects.filter(status=DigestStatus.SENDING).order_by("week").first()


def digest_send_now(*, week: datetime.date) -> Digest:
    """Compile (if need be) and start the week's digest whenever someone asks for it."""
    digest = digest_compile(week=week)
    digest_start_sending(digest=digest)
    return digest


def send_batch_now(digest_id: int, delivery_ids: list[int]) -> list[Outcome]:
    digest = Digest.objects.get(pk=digest_id)
    outcomes = send_batch(digest, delivery_ids, relay=process_relay(), throttle=process_throttle())
    digest_finish_if_done(digest=digest)
    return outcomes


def next_attempt(digest: Digest) -> datetime.datetime | None:
    """When the soonest delivery waiting after a temporary failure may be tried again."""
    waiting = Delivery.objects.filter(
        digest=digest, status=DeliveryStatus.PENDING, next_attempt_at__isnull=False
    ).order_by("next_attempt_at")
    return waiting.values_list("next_attempt_at", flat=True).first()


@dataclass
class Sleeper:
    """How the command waits for a temporary failure's next try (tests pass their own)."""

    sleep: Callable[[float], None] = time.sleep

    def until(self, moment: datetime.datetime) -> None:
        self.sleep(max((moment - timezone.now()).total_seconds(), 0.0))


def send_all(
    digest: Digest,
    *,
    on_batch: Callable[[list[Outcome]], None] = lambda outcomes: None,
    sleeper: Sleeper | None = None,
    throttle: Throttle | None = None,
) -> None:
    """Send every delivery of a digest from this process, resuming what an earlier run left:
    batch after batch, waiting out temporary failures, until each is sent, failed or skipped."""
    sleeper = sleeper or Sleeper()
    pace = throttle or process_throttle()
    rendered = Rendered()
    while True:
        ids = sendable(digest, now=timezone.now(), limit=BATCH)
        if ids:
            relay = process_relay()
            on_batch(send_batch(digest, ids, relay=relay, throttle=pace, rendered=rendered))
            continue
        if (
            digest_finish_if_done(digest=digest)
            or not Digest.objects.filter(pk=digest.pk, status=DigestStatus.SENDING).exists()
        ):
            return
        later = next_attempt(digest)
        if later is None:
            return  # what is left is claimed by another process, which will finish it
        sleeper.until(later)


def send_test(digest: Digest, *, to: str, person: User | None = None) -> Answer:
    """A copy marked as a test, to one address: no delivery row, nothing counted, and the real
    send is neither blocked nor changed by it."""
    parts = shared_parts(digest, test=True)
    message = DigestMessage.personal(
        parts,
        recipient=to.strip().lower(),
        name=display_name(person) if person else "",
        person_id=person.pk if person else None,
        message_id=f"<digest.{digest.label}.test.{uuid.uuid4().hex}@{host_of(settings.SITE_URL)}>",
        date=timezone.now(),
    )
    return process_relay().send(message)


def digest_preview(*, week: datetime.date) -> Digest:
    """The week's digest as it stands, compiled now and stored nowhere (nothing is recorded)."""
    contents = build_digest(week, featured=featured_until(week))
    return Digest(week=week, status=DigestStatus.COMPILED, contents=contents)


def delivery_resend(*, delivery: Delivery) -> None:
    """Send one person's message again (the same message: same Message-ID and Date)."""
    Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.CLAIMED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, answer="", smtp_code=None
    )
    Digest.objects.filter(pk=delivery.digest_id, status=DigestStatus.SENT).update(
        status=DigestStatus.SENDING
    )
