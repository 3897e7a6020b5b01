"""The sweep that hands over background work the broker could not take when it was asked."""

from celery import shared_task

from insightboard.outbox.services import handovers_send_waiting


@shared_task(ignore_result=True)
def hand_over_waiting() -> int:
    """Every minute (beat). Not retried: the next beat is its retry."""
    return handovers_send_waiting()
