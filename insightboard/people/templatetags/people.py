import datetime

from django import template
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from insightboard.people.models import display_name
from insightboard.people.roles import is_admin as user_is_admin

register = template.Library()


@register.filter
def isolated(text: object) -> SafeString:
    """Text a person wrote, shown inline: isolated, so right-to-left characters in it (even an
    override such as U+202E) cannot reorder the words of the page around it."""
    return format_html("<bdi>{}</bdi>", text)


@register.filter
def isolated_text(text: object) -> str:
    """`isolated` for email: Unicode's own isolate marks (FSI … PDI), which plain text keeps and
    every mail client honours, where markup may be dropped."""
    return f"\u2068{text}\u2069"


@register.filter
def person_name_text(user: User | None) -> str:
    """The plain name, for attributes and anywhere markup cannot go."""
    if user is None:
        return "someone who left"
    return display_name(user)


@register.filter
def person_name(user: User | None) -> SafeString:
    return isolated(person_name_text(user))


@register.filter
def iso_datetime(moment: datetime.datetime | None) -> str:
    """A moment for a <time datetime> attribute, to the second: HTML allows at most three digits
    of a fraction, and `|date:'c'` writes six when the moment has microseconds."""
    if moment is None:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.filter
def is_admin(user: User | AnonymousUser) -> bool:
    return user_is_admin(user)
