import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
    "hr",
}


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to show: nh3 keeps only harmless tags and attributes."""
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    return mark_safe(  # noqa: S308 - sanitised by nh3 on the line above
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )
