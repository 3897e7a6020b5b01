from django.contrib import admin
from django.contrib.auth.models import User
from django.forms import ModelForm
from django.http import HttpRequest

from stories.models import (
    EmpathyAnswers,
    ExecutiveReport,
    LeaderReminder,
    Reaction,
    Story,
    StoryImport,
    StoryMerge,
    Tag,
)
from stories.reports.services import report_owner_changed


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin[Story]):
    list_display = ["title", "kind", "sentiment", "channel", "author", "visibility", "created_at"]
    list_filter = ["kind", "sentiment", "channel", "visibility"]
    search_fields = ["title", "customer_name", "customer_organisation"]
    list_select_related = ["author"]
    autocomplete_fields = ["author", "tags"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ["name"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin[Reaction]):
    list_display = ["story", "person", "created_at"]
    list_select_related = ["story", "person"]
    raw_id_fields = ["story", "person"]


@admin.register(EmpathyAnswers)
class EmpathyAnswersAdmin(admin.ModelAdmin[EmpathyAnswers]):
    list_display = ["company", "experience", "would_stay", "story"]
    list_filter = ["experience", "would_stay"]
    list_select_related = ["story"]
    raw_id_fields = ["story"]


@admin.register(ExecutiveReport)
class ExecutiveReportAdmin(admin.ModelAdmin[ExecutiveReport]):
    list_display = ["spoke_with", "place", "conversations", "action_owner", "story"]
    list_filter = ["place"]
    list_select_related = ["story", "action_owner"]
    raw_id_fields = ["story", "action_owner"]

    def save_model(
        self,
        request: HttpRequest,
        obj: ExecutiveReport,
        form: ModelForm[ExecutiveReport],
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        # Named here, the owner is told as when the leader names them on the report form.
        if "action_owner" in form.changed_data:
            assert isinstance(request.user, User)
            report_owner_changed(report=obj, named_by=request.user)


@admin.register(LeaderReminder)
class LeaderReminderAdmin(admin.ModelAdmin[LeaderReminder]):
    list_display = ["leader", "due_since", "sent_at"]
    list_select_related = ["leader"]
    raw_id_fields = ["leader"]


@admin.register(StoryMerge)
class StoryMergeAdmin(admin.ModelAdmin[StoryMerge]):
    list_display = ["source", "target", "merged_by", "merged_at", "undone_at"]
    list_select_related = ["source", "target", "merged_by"]
    raw_id_fields = ["source", "target", "merged_by"]


@admin.register(StoryImport)
class StoryImportAdmin(admin.ModelAdmin[StoryImport]):
    list_display = ["filename", "person", "created_at", "imported_at", "imported_count"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
