from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from insightboard.outbox.models import Handover


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin[Handover]):
    """What is waiting for the broker, and what went when: to look at, never to edit, since the
    sweep and the workers' claims depend on these rows."""

    list_display = ["task", "args", "created_at", "handed_over_at", "attempts", "last_error"]
    list_filter = [("handed_over_at", admin.EmptyFieldListFilter)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
