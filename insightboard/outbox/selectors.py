"""How much background work is waiting for the broker, for /healthz."""

from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone

from insightboard.outbox.models import Handover


@dataclass(frozen=True)
class WaitingWork:
    count: int
    oldest_seconds: int | None


def waiting_work() -> WaitingWork:
    totals = Handover.objects.filter(handed_over_at__isnull=True).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    oldest = totals["oldest"]
    age = None if oldest is None else int((timezone.now() - oldest).total_seconds())
    return WaitingWork(count=totals["count"], oldest_seconds=age)
