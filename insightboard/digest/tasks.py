"""The weekly digest in the background: beat asks every 15 minutes whether it is due, and the
sending is fanned out to workers in batches of delivery ids."""

from django.conf import settings
from django.utils import timezone

from insightboard.celery import background_task
from insightboard.digest import runs
from insightboard.digest.ledger import sendable
from insightboard.digest.models import DeliveryStatus, Digest

# Well under Redis' visibility timeout (an hour), so a batch still running is never handed to a
# second worker as if it were lost.
BATCH_SECONDS = 15 * 60


@background_task(ignore_result=True)
def digest_tick() -> int:
    """Beat: is last week's digest due? Compile and start it, then queue its batches. Also picks
    up a digest still sending after a worker died. Returns how many batches were queued."""
    digest = runs.digest_due_now(now=timezone.now())
    return 0 if digest is None else enqueue_batches(digest)


def batch_size() -> int:
    """Deliveries a task sends: runs.BATCH, or fewer when the rate limit would make a batch last
    longer than half its time limit (the task would be stopped part-way, every time)."""
    rate = settings.INSIGHTBOARD_DIGEST_RATE_PER_MINUTE
    if not rate:
        return runs.BATCH
    return max(1, min(runs.BATCH, rate * BATCH_SECONDS // 60 // 2))


def enqueue_batches(digest: Digest) -> int:
    ids = sendable(digest, now=timezone.now(), limit=100_000)
    size = batch_size()
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    for batch in batches:
        send_digest_batch.delay_on_commit(digest.pk, batch)
    return len(batches)


@background_task(
    ignore_result=True,
    acks_late=True,
    soft_time_limit=BATCH_SECONDS - 60,
    time_limit=BATCH_SECONDS,
)
def send_digest_batch(digest_id: int, delivery_ids: list[int]) -> int:
    """Send one batch; deliveries that met a temporary failure are tried again later."""
    outcomes = runs.send_batch_now(digest_id, delivery_ids)
    waiting = [
        outcome.delivery_id for outcome in outcomes if outcome.status == DeliveryStatus.PENDING
    ]
    if waiting:
        later = runs.next_attempt(Digest.objects.get(pk=digest_id))
        countdown = max((later - timezone.now()).total_seconds(), 1) if later else 30
        send_digest_batch.apply_async((digest_id, waiting), countdown=countdown)
    return len(outcomes) - len(waiting)
