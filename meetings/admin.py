from django.contrib import admin
from django.contrib.auth.models import User
from django.forms import ModelForm
from django.http import HttpRequest

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from meetings.services import action_owner_changed


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

    def save_model(
        self, request: HttpRequest, obj: ActionItem, form: ModelForm[ActionItem], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # Given to someone here, they are told as when a host gives it to them in the meeting.
        if "owner" in form.changed_data:
            assert isinstance(request.user, User)
            action_owner_changed(action=obj, assigned_by=request.user)
