from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from insightboard.people.models import Profile


class ProfileInline(admin.StackedInline[Profile, User]):
    model = Profile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin[User]):
    inlines = [ProfileInline]
    list_display = ["username", "profile__display_name", "profile__team", "is_active"]
    list_select_related = ["profile"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["display_name", "user", "team", "digest"]
    search_fields = ["display_name", "user__email", "team"]
    list_filter = ["digest", "team"]
