from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from insightboard.people.models import Profile


class ProfileInline(admin.StackedInline[Profile]):
    model = Profile
    can_delete = False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [ProfileInline]
    list_display = ["username", "profile__display_name", "profile__team", "is_active"]
    list_select_related = ["profile"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["display_name", "user", "team", "digest"]
    search_fields = ["display_name", "user__email", "team"]
    list_filter = ["digest", "team"]
