"""Reads for the Digest page: how far a week's sending has got, and a page of its delivery log."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.digest.services import progress
from insightboard.paging import Page, page_of

DELIVERY_PAGE = 50


def progress_of(digest: Digest | None) -> dict[str, Any] | None:
    """How far a week's sending has got, in the numbers the page shows (one query)."""
    if digest is None:
        return None
    counts = progress(digest)
    total = counts["total"]
    waiting = counts[DeliveryStatus.PENDING] + counts[DeliveryStatus.CLAIMED]
    finished = total - waiting
    return counts | {
        "waiting": waiting,
        "finished": finished,
        "percent": 100 if not total else finished * 100 // total,
        "sending": digest.status == DigestStatus.SENDING,
    }


@dataclass(frozen=True)
class LogRow:
    """One line of the delivery log."""

    delivery: Delivery

    @property
    def reply(self) -> str:
        """The mail server's answer with its code once ("250 2.0.0 Ok"), or why it was
        skipped or failed."""
        code, answer = self.delivery.smtp_code, self.delivery.answer
        if code and not answer.startswith(str(code)):
            return f"{code} {answer}".strip()
        return answer


def delivery_page(digest: Digest | None, *, statuses: Sequence[str], number: int) -> Page[LogRow]:
    """A page of the week's deliveries in these states, by address (one query)."""
    if digest is None:
        return Page(rows=[], number=number, has_next=False)
    deliveries = (
        Delivery.objects.filter(digest=digest, status__in=statuses)
        .order_by("address")
        .only(
            "address",
            "name",
            "status",
            "message_id",
            "smtp_code",
            "answer",
            "finished_at",
            "attempts",
            "person_id",
            "digest_id",
        )
    )
    page = page_of(deliveries, number=number, size=DELIVERY_PAGE)
    return Page(
        rows=[LogRow(delivery) for delivery in page], number=page.number, has_next=page.has_next
    )
