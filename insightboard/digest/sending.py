"""Sending one delivery, exactly once: claim it, check it again, send it, mark it.

A delivery is claimed with a fresh token by a conditional UPDATE; only the holder of that token
may mark it sent or failed. A claim older than INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT belongs to a
process that died, and may be taken over: so two workers, a retried task or a rerun after a
crash never send a second copy, except the one message a killed process may have had in flight,
which goes out again with the same Message-ID. The `send_digest` command and the Celery workers
both send through `delivery_send`.
"""

import datetime
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from insightboard.digest.ledger import Ledger
from insightboard.digest.messages import DigestMessage, SharedParts, shared_parts, stories_in
from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DistributionAddress
from insightboard.digest.recipients import allowed
from insightboard.digest.relay import (
    RECIPIENT_STEP,
    PermanentFailure,
    Relay,
    TemporaryFailure,
)
from insightboard.people.models import DigestPreference
from stories.selectors import company_wide_ids

# A recipient's temporary failures (4xx, timeouts) are tried again this many times in all,
# waiting twice as long each time from the first wait.
MOST_ATTEMPTS = 6
FIRST_WAIT = datetime.timedelta(seconds=30)
# While the mail server cannot be reached at all, nobody's tries are used up: the batch stops,
# and its deliveries wait this long, again and again, until the server is back or the digest has
# been sending for INSIGHTBOARD_DIGEST_MAX_LATE_HOURS.
UNREACHABLE_WAIT = datetime.timedelta(seconds=60)
# An address refused permanently (5xx) in this many digests in a row is skipped.
BOUNCES_IN_A_ROW = 2


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    status: str  # a DeliveryStatus, or "" when another process holds the delivery
    answer: str = ""
    unreachable: bool = False  # the mail server could not be reached
    retry_at: datetime.datetime | None = None  # when a delivery still waiting is tried again


def bounced_addresses(digest: Digest, addresses: Sequence[str]) -> dict[str, str]:
    """Address -> the last permanent refusal of the address itself (at RCPT TO: not a relay
    refusing the sender or the message), for those refused in each of the digests before."""
    earlier = list(
        Digest.objects.filter(week__lt=digest.week)
        .order_by("-week")
        .values_list("pk", flat=True)[:BOUNCES_IN_A_ROW]
    )
    if len(earlier) < BOUNCES_IN_A_ROW:
        return {}
    refusals: dict[str, list[str]] = {}
    rows = Delivery.objects.filter(
        digest_id__in=earlier,
        address__in=addresses,
        status=DeliveryStatus.FAILED,
        smtp_code__gte=500,
        answer__endswith=f"(at {RECIPIENT_STEP})",
    ).values_list("address", "answer")
    for address, answer in rows:
        refusals.setdefault(address, []).append(answer)
    return {
        address: answers[0]
        for address, answers in refusals.items()
        if len(answers) >= BOUNCES_IN_A_ROW
    }


@dataclass(frozen=True)
class Checks:
    """What a batch's re-checks read once for all its deliveries, right before sending them."""

    bounced: dict[str, str] = field(default_factory=dict)
    # Of the batch's deliveries to no person: the lists that still get the digest, and those
    # that were unsubscribed. One in neither was a person or a list removed since.
    lists: frozenset[str] = frozenset()
    lists_opted_out: frozenset[str] = frozenset()
    # Past this, a mail server that cannot be reached fails the deliveries still waiting for it.
    give_up_at: datetime.datetime | None = None


def skip_reason(delivery: Delivery, checks: Checks) -> str:
    """Why this delivery must not go out now, or "" if it may."""
    if not settings.INSIGHTBOARD_DIGEST_ENABLED:
        return "The digest is switched off (INSIGHTBOARD_DIGEST_ENABLED)."
    if not allowed(delivery.address):
        return "Not in INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS."
    person = delivery.person
    if delivery.person_id is not None and person is None:
        return "The person was removed."
    if person is not None:
        if not person.is_active:
            return "The person was deactivated."
        if person.email.strip().lower() != delivery.address:
            return "The person's address changed since this week's ledger was made."
        if getattr(person, "profile", None) and person.profile.digest != DigestPreference.WEEKLY:
            return "Unsubscribed from the digest."
    elif delivery.address in checks.lists_opted_out:
        return "The list was unsubscribed."
    elif delivery.address not in checks.lists:
        return "The person or list was removed."
    if delivery.address in checks.bounced:
        last = checks.bounced[delivery.address]
        return f"Refused permanently in the last {BOUNCES_IN_A_ROW} digests: {last}"
    return ""


def lists_of(addresses: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Of these addresses, the distribution lists still subscribed, and those unsubscribed."""
    wanted = list(addresses)
    if not wanted:
        return frozenset(), frozenset()
    # The ledger holds addresses in lower case, as they were added or not.
    rows = (
        DistributionAddress.objects.annotate(folded=Lower("address"))
        .filter(folded__in=wanted)
        .values_list("folded", "unsubscribed_at")
    )
    found = dict(rows)
    return (
        frozenset(address for address, left in found.items() if left is None),
        frozenset(address for address, left in found.items() if left is not None),
    )


def retry_after(attempts: int) -> datetime.timedelta:
    return FIRST_WAIT * int(2 ** max(attempts - 1, 0))


@dataclass
class Throttle:
    """At most INSIGHTBOARD_DIGEST_RATE_PER_MINUTE messages a minute from this process: one
    throttle for all the batches a process sends, so no two messages go out closer together,
    not even where one batch ends and the next begins."""

    per_minute: int
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    last: float | None = None

    def wait(self) -> None:
        if not self.per_minute:
            return
        if self.last is not None:
            gap = 60 / self.per_minute - (self.clock() - self.last)
            if gap > 0:
                self.sleep(gap)
        self.last = self.clock()


def delivery_send(
    delivery: Delivery,
    *,
    relay: Relay,
    parts: SharedParts,
    checks: Checks,
    throttle: Throttle,
    ledger: Ledger | None = None,
) -> Outcome:
    """Send one delivery if it is still to be sent, and record exactly what happened.

    `delivery` was read (with its person) for its batch just before: claiming it is what makes
    sure nobody else sends it, and the claim's conditions re-read its status in the database.
    With a `ledger`, its mark waits to go with the next claim (the caller flushes the ledger).
    """
    if ledger is None:
        own = Ledger()
        try:
            return delivery_send(
                delivery, relay=relay, parts=parts, checks=checks, throttle=throttle, ledger=own
            )
        finally:
            own.flush()
    now = timezone.now()
    token = ledger.claim(delivery.pk, now=now)
    if token is None:
        return Outcome(delivery.pk, "")
    attempts = delivery.attempts + 1  # the claim counted this one
    reason = skip_reason(delivery, checks)
    if reason:
        ledger.mark(delivery.pk, token, status=DeliveryStatus.SKIPPED, answer=reason)
        return Outcome(delivery.pk, DeliveryStatus.SKIPPED, reason)
    message = DigestMessage.of(delivery, parts)
    throttle.wait()
    try:
        answer = relay.send(message)
    except PermanentFailure as refusal:
        ledger.mark(
            delivery.pk, token, status=DeliveryStatus.FAILED, answer=refusal.text, code=refusal.code
        )
        return Outcome(delivery.pk, DeliveryStatus.FAILED, refusal.text)
    except TemporaryFailure as problem:
        if problem.unreachable:
            return unreachable(delivery.pk, token, problem, now=now, checks=checks, ledger=ledger)
        if attempts >= MOST_ATTEMPTS:
            text = f"Gave up after {attempts} tries: {problem.text}"
            ledger.mark(
                delivery.pk, token, status=DeliveryStatus.FAILED, answer=text, code=problem.code
            )
            return Outcome(delivery.pk, DeliveryStatus.FAILED, text)
        later = now + retry_after(attempts)
        ledger.mark(
            delivery.pk,
            token,
            status=DeliveryStatus.PENDING,
            answer=problem.text,
            code=problem.code,
            next_attempt_at=later,
        )
        return Outcome(delivery.pk, DeliveryStatus.PENDING, problem.text, retry_at=later)
    ledger.mark(
        delivery.pk, token, status=DeliveryStatus.SENT, answer=answer.text, code=answer.code
    )
    return Outcome(delivery.pk, DeliveryStatus.SENT, answer.text)


def unreachable(
    delivery_id: int,
    token: uuid.UUID,
    problem: TemporaryFailure,
    *,
    now: datetime.datetime,
    checks: Checks,
    ledger: Ledger,
) -> Outcome:
    if checks.give_up_at is not None and now >= checks.give_up_at:
        hours = settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS
        text = (
            f"Gave up: the mail server could not be reached in the {hours} h allowed "
            f"(INSIGHTBOARD_DIGEST_MAX_LATE_HOURS): {problem.text}"
        )
        ledger.mark(
            delivery_id, token, status=DeliveryStatus.FAILED, answer=text, code=problem.code
        )
        return Outcome(delivery_id, DeliveryStatus.FAILED, text, unreachable=True)
    later = now + UNREACHABLE_WAIT
    ledger.mark(
        delivery_id,
        token,
        status=DeliveryStatus.PENDING,
        answer=problem.text,
        code=problem.code,
        next_attempt_at=later,
        uncount=True,
    )
    return Outcome(delivery_id, DeliveryStatus.PENDING, problem.text, True, later)


def defer(delivery_ids: Sequence[int], *, unreachable: Outcome) -> list[Outcome]:
    """The rest of a batch, once the mail server could not be reached: those still waiting
    (nobody holds them) are tried again with the one that found it down, none of their tries
    used up; or, past the time to give up, fail with it."""
    now = timezone.now()
    status, answer = unreachable.status, unreachable.answer
    later = unreachable.retry_at or now + UNREACHABLE_WAIT
    waiting = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=later),
        pk__in=delivery_ids,
        status=DeliveryStatus.PENDING,
    )
    if status == DeliveryStatus.FAILED:
        waiting.update(status=status, answer=answer[:1000], finished_at=now)
    else:
        waiting.update(next_attempt_at=later, answer=answer[:1000])
    retry_at = later if status == DeliveryStatus.PENDING else None
    return [Outcome(pk, status, answer, True, retry_at) for pk in delivery_ids]


@dataclass
class Rendered:
    """The shared part of a digest as a run last rendered it. Each batch checks again which of
    its stories are still company-wide, and renders it again only when that changed: rendering
    costs as much as sending a few hundred messages."""

    key: tuple[object, ...] = ()
    parts: SharedParts | None = None

    def parts_for(self, digest: Digest) -> SharedParts:
        ids = stories_in(digest.contents or {})
        visible = frozenset(company_wide_ids(sorted(ids))) if ids else frozenset()
        key = (digest.pk, visible, settings.SITE_URL)
        if self.parts is None or key != self.key:
            self.parts, self.key = shared_parts(digest), key
        return self.parts


def send_batch(
    digest: Digest,
    delivery_ids: Sequence[int],
    *,
    relay: Relay,
    throttle: Throttle,
    rendered: Rendered | None = None,
) -> list[Outcome]:
    """Send these deliveries over one relay: the shared part (rendered once a run, see
    Rendered), and what the re-checks need, read once for all of them; then a claim and a mark
    for each message."""
    parts = (rendered or Rendered()).parts_for(digest)
    deliveries = Delivery.objects.filter(pk__in=delivery_ids, digest=digest).select_related(
        "person__profile"
    )
    found = {delivery.pk: delivery for delivery in deliveries}
    addresses = [delivery.address for delivery in found.values()]
    lists, lists_opted_out = lists_of(
        delivery.address for delivery in found.values() if delivery.person_id is None
    )
    give_up_after = datetime.timedelta(hours=settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS)
    checks = Checks(
        bounced=bounced_addresses(digest, addresses),
        lists=lists,
        lists_opted_out=lists_opted_out,
        give_up_at=digest.send_started_at + give_up_after if digest.send_started_at else None,
    )
    outcomes: list[Outcome] = []
    ids = [pk for pk in delivery_ids if pk in found]
    ledger = Ledger()
    try:
        for done, pk in enumerate(ids, start=1):
            outcome = delivery_send(
                found[pk], relay=relay, parts=parts, checks=checks, throttle=throttle, ledger=ledger
            )
            outcomes.append(outcome)
            if outcome.unreachable:
                # One refused connection is enough to know; the rest would only wait.
                ledger.flush()
                return outcomes + defer(ids[done:], unreachable=outcome)
    finally:
        ledger.flush()
    return outcomes
