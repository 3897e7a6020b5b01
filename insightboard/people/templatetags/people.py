from django import template
from django.contrib.auth.models import AnonymousUser, User

from insightboard.people.roles import is_admin as user_is_admin

register = template.Library()


@register.filter
def person_name(user: User | None) -> str:
    """A person's display name, falling back to their email for accounts made outside the app."""
    if user is None:
        return "someone who left"
    profile = getattr(user, "profile", None)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return getattr(user, "email", "") or user.get_username()


@register.filter
def is_admin(user: User | AnonymousUser) -> bool:
    return user_is_admin(user)
