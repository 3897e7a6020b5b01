from django.db import models
from django.db.models import Q
from django.utils import timezone


class Handover(models.Model):
    """Background work a write asked for, saved in the write's own transaction, so that it is
    neither lost when the broker is down nor queued for a write that rolled back. It waits
    (handed_over_at empty) until Celery's broker has taken it."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    # Taken by the worker that did the work, for tasks with no claim of their own.
    received_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # The request that asked for the work, so that its task logs under the same id.
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=Q(handed_over_at__isnull=True),
                name="outbox_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.args}"
