"""Story cards on list pages: the shared part from the fragment cache (stories.cards), and links
made from one reversal per page shape instead of one per card."""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from stories.cards import shared_card
from stories.models import Story

register = template.Library()

# Reversed in place of an id, then cut out: what is left either side is the same for every id.
STAND_IN = 918273645


@functools.cache
def link_around_id(name: str, prefix: str, urlconf: str) -> tuple[str, str]:
    before, found, after = reverse(name, urlconf=urlconf, args=[STAND_IN]).partition(str(STAND_IN))
    if not found or str(STAND_IN) in after:
        raise ValueError(f"The URL {name} does not hold its id once: reverse it per id instead.")
    return before, after


@register.filter
def link_with_id(object_id: int, name: str) -> str:
    """`{{ story.pk|link_with_id:"stories:hear_too" }}`: what `{% url name id %}` gives, from
    one reversal per URL name (and script prefix), the id formatted in."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = link_around_id(name, get_script_prefix(), str(urlconf))
    return f"{before}{int(object_id)}{after}"


@register.simple_tag
def story_card_shared(story: Story) -> SafeString:
    """The part of a story's card that is the same for everyone (see stories.cards)."""
    return shared_card(story)
