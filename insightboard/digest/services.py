"""Writes about the weekly digest: compiling a week once, the delivery ledger, and its ending.

Every step is safe to run twice, by two schedulers or two workers at once: the week is unique,
deliveries are unique per (week, address), and status changes are conditional updates.
"""

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from insightboard.digest.builder import build_digest, is_empty
from insightboard.digest.messages import host_of
from insightboard.digest.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    DigestStatus,
    DistributionAddress,
    FeaturedStory,
)
from insightboard.digest.recipients import digest_recipients
from insightboard.people.models import DigestPreference, Profile
from insightboard.planner_statistics import bulk_write_analyse
from insightboard.weeks import WEEK, week_dates
from stories.services import spotlight_set

logger = logging.getLogger(__name__)

FINISHED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)


def featured_until(week: datetime.date) -> dict[int, datetime.datetime]:
    """Story id -> when a digest before this week last featured it."""
    rows = FeaturedStory.objects.filter(digest__week__lt=week).values_list(
        "story_id", "featured_at"
    )
    latest: dict[int, datetime.datetime] = {}
    for story_id, featured_at in rows:
        latest[story_id] = max(featured_at, latest.get(story_id, featured_at))
    return latest


def digest_compile(*, week: datetime.date) -> Digest:
    """The week's digest, compiled once: its frozen contents, or why it was skipped or failed.

    A compile that fails records the reason and sends nothing; asking again tries again. A week
    with nothing new is skipped, and the archive says so.
    """
    existing = Digest.objects.filter(week=week).first()
    if existing is not None and existing.status != DigestStatus.FAILED:
        return existing
    try:
        contents = build_digest(week, featured=featured_until(week))
    except Exception as error:
        logger.exception("The digest for the week of %s could not be compiled", week)
        reason = f"It could not be compiled, so nothing was sent: {type(error).__name__}: {error}"
        return digest_record(week=week, status=DigestStatus.FAILED, reason=reason[:2000])
    if is_empty(contents):
        reason = (
            f"Nothing new in the week of {week_dates(week)}: no insight logged or heard, no "
            "meeting held, no action opened or closed. Nothing was sent."
        )
        return digest_record(
            week=week, status=DigestStatus.SKIPPED, reason=reason, contents=contents
        )
    return digest_record(week=week, status=DigestStatus.COMPILED, contents=contents)


def digest_record(
    *, week: datetime.date, status: str, reason: str = "", contents: dict[str, Any] | None = None
) -> Digest:
    """Store the week's outcome once; a failed compile may be replaced, nothing else is."""
    now = timezone.now()
    values = {"status": status, "reason": reason, "contents": contents, "compiled_at": now}
    with transaction.atomic():
        replaced = Digest.objects.filter(week=week, status=DigestStatus.FAILED).update(**values)
        if not replaced:
            try:
                with transaction.atomic():
                    Digest.objects.create(week=week, **values)
            except IntegrityError:
                pass  # another scheduler or worker recorded this week a moment ago
        digest = Digest.objects.get(week=week)
        if digest.status == DigestStatus.COMPILED and digest.compiled_at == now:
            feature(digest)
    return digest


def feature(digest: Digest) -> None:
    """Remember the stories this digest featured, and offer its top frustration to next
    week's meetings as the insight of the week."""
    contents = digest.contents or {}
    items = [*contents.get("successes", []), *contents.get("frustrations", [])]
    FeaturedStory.objects.bulk_create(
        [
            FeaturedStory(
                digest=digest,
                story_id=item["story_id"],
                featured_at=digest.compiled_at or timezone.now(),
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    frustrations = contents.get("frustrations", [])
    if frustrations:
        spotlight_set(
            story_id=frustrations[0]["story_id"],
            week=digest.week + WEEK,
            reason=f"Insight of the week: the top frustration in the digest for {digest.dates}",
        )


def digest_skip(*, week: datetime.date, reason: str) -> Digest:
    return digest_record(week=week, status=DigestStatus.SKIPPED, reason=reason)


# --- The delivery ledger ------------------------------------------------------------------------


def deliveries_create(*, digest: Digest) -> int:
    """One delivery per recipient, created before anything is sent, with its Message-ID and Date
    fixed now so that any resend is the same message. Returns how many are new."""
    now = timezone.now()
    domain = host_of(settings.SITE_URL)
    rows = [
        Delivery(
            digest=digest,
            address=recipient.address,
            person_id=recipient.person_id,
            name=recipient.name[:100],
            message_id=f"<digest.{digest.label}.{uuid.uuid4().hex}@{domain}>",
            date=now,
        )
        for recipient in digest_recipients()
    ]
    before = Delivery.objects.filter(digest=digest).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    created = Delivery.objects.filter(digest=digest).count() - before
    # The senders' claims and the progress counts are planned from the ledger's statistics.
    bulk_write_analyse({Delivery: created})
    return created


def digest_start_sending(*, digest: Digest) -> bool:
    """Make a compiled digest's ledger, then move it to sending; False if it was not compiled.

    The ledger comes first: a digest marked sending before its ledger existed would look, to a
    second sender that read it in between, like a week with nobody left to send to."""
    if digest.status in (DigestStatus.COMPILED, DigestStatus.SENDING):
        deliveries_create(digest=digest)
    Digest.objects.filter(pk=digest.pk, status=DigestStatus.COMPILED).update(
        status=DigestStatus.SENDING, send_started_at=timezone.now()
    )
    digest.refresh_from_db()
    return digest.status == DigestStatus.SENDING


def progress(digest: Digest) -> dict[str, int]:
    """How many deliveries are in each state, and how many in all (one query)."""
    counts = dict(
        Delivery.objects.filter(digest=digest)
        .order_by()
        .values("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
    )
    shown = {status.value: counts.get(status.value, 0) for status in DeliveryStatus}
    shown["total"] = sum(counts.values())
    return shown


def digest_finish_if_done(*, digest: Digest) -> bool:
    """Mark a sending digest sent once every delivery is sent, failed or skipped."""
    waiting = Delivery.objects.filter(digest=digest).exclude(status__in=FINISHED).exists()
    if waiting:
        return False
    return bool(
        Digest.objects.filter(pk=digest.pk, status=DigestStatus.SENDING).update(
            status=DigestStatus.SENT, sent_at=timezone.now()
        )
    )


def address_unsubscribe(*, address: str) -> bool:
    """No more digests for this address, whoever it belongs to; True if anything changed.

    Asking twice changes nothing the second time."""
    address = address.strip().lower()
    people = Profile.objects.filter(user__email__iexact=address).exclude(
        digest=DigestPreference.NONE
    )
    changed = people.update(digest=DigestPreference.NONE)
    changed += DistributionAddress.objects.filter(
        address__iexact=address, unsubscribed_at__isnull=True
    ).update(unsubscribed_at=timezone.now())
    return bool(changed)
