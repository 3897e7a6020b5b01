"""The digest in Django's admin: its records to look at, not to edit. A digest, its deliveries
and the stories it featured are a ledger that sending depends on; sending, resending and the
distribution lists are handled on the Digest page (/digest/manage/)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from insightboard.digest.models import (
    Delivery,
    Digest,
    DigestPolicy,
    DistributionAddress,
    FeaturedStory,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["label", "dates", "status", "compiled_at", "sent_at"]
    list_filter = ["status"]
    date_hierarchy = "week"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["address", "digest", "status", "smtp_code", "finished_at", "message_id"]
    list_filter = ["status", "digest"]
    list_select_related = ["digest"]
    search_fields = ["address", "message_id"]
    show_full_result_count = False


@admin.register(FeaturedStory)
class FeaturedStoryAdmin(ReadOnlyAdmin):
    list_display = ["story", "digest", "featured_at"]
    list_select_related = ["story", "digest"]
    raw_id_fields = ["story"]


@admin.register(DistributionAddress)
class DistributionAddressAdmin(admin.ModelAdmin[DistributionAddress]):
    list_display = ["address", "added_by", "added_at", "unsubscribed_at"]
    readonly_fields = ["added_by", "added_at"]
    search_fields = ["address"]


@admin.register(DigestPolicy)
class DigestPolicyAdmin(admin.ModelAdmin[DigestPolicy]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # DigestPolicy.current() makes the one row when it is first needed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
