"""Who may see a story, for templates that show one reached through a stored reference."""

from django import template
from django.contrib.auth.models import AnonymousUser, User

from stories.models import Story

register = template.Library()


@register.filter
def visible_to(story: Story, person: User | AnonymousUser) -> bool:
    """`{% if story|visible_to:user %}`: the one rule, Story.is_visible_to."""
    return story.is_visible_to(person)
