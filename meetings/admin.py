from django.contrib import admin

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin[MeetingSeries]):
    list_display = ["name", "team", "cadence", "weekday", "starts_at"]
    search_fields = ["name", "team"]
    filter_horizontal = ["hosts", "attendees", "focus_tags"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ["title", "series", "starts_at"]
    list_select_related = ["series"]
    date_hierarchy = "starts_at"


@admin.register(Opener)
class OpenerAdmin(admin.ModelAdmin[Opener]):
    list_display = ["meeting", "story", "kept_by", "kept_at"]
    list_select_related = ["meeting", "story", "kept_by"]
    raw_id_fields = ["meeting", "story"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin[ActionItem]):
    list_display = ["text", "owner", "due_on", "done"]
    list_filter = ["done"]
    raw_id_fields = ["meeting", "story"]
