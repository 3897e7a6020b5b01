from django.contrib import admin

from stories.models import Reaction, Story, Tag


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
