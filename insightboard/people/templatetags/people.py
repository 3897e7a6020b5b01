from django import template
from django.contrib.auth.models import AnonymousUser, User

from insightboard.people.models import display_name
from insightboard.people.roles import is_admin as user_is_admin

register = template.Library()


@register.filter
def person_name(user: User | None) -> str:
    if user is None:
        return "someone who left"
    return display_name(user)


@register.filter
def is_admin(user: User | AnonymousUser) -> bool:
    return user_is_admin(user)
