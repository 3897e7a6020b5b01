from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from insightboard.submissions.services import SUBMISSION_FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    """A hidden one-time token for a form that creates something: sent twice, it creates once."""
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, new_token())
