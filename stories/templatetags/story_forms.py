"""The forms every list page draws: the quick capture in the header and the insights filters.
Django renders each widget, and each choice of a select or radio, through a template of its own;
here the same fields with the same inputs are rendered once per process (insightboard.fragments).
"""

from django import forms, template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe

from insightboard.fragments import process_fragment

register = template.Library()


def form_inputs(form: forms.Form) -> str:
    """Everything a form's fields render from, as one string: its class and prefix, the data and
    initial values it was given, its fields' choices, and the URLs its widgets link to."""
    data = form.data
    given = [
        (name, data.getlist(form.add_prefix(name)) if hasattr(data, "getlist") else data.get(name))
        for name in form.fields
    ]
    choices = [
        (name, [(str(value), str(label)) for value, label in getattr(field.widget, "choices", ())])
        for name, field in form.fields.items()
    ]
    urls = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    return repr((type(form), form.prefix, form.is_bound, given, form.initial, choices, urls))


@register.simple_tag
def form_fields(form: forms.Form, template_name: str) -> SafeString:
    """`{% form_fields form "page.html#partial" %}`: the partial rendered with `form`, from the
    process's memo when these fields were rendered with the same inputs before. The partial must
    draw only the form: no person, no token, no request."""

    def render() -> SafeString:
        return mark_safe(render_to_string(template_name, {"form": form}))  # noqa: S308

    if getattr(getattr(form, "instance", None), "pk", None) is not None:
        # A form editing a saved row renders that row's values: nothing to share.
        return render()
    return process_fragment((template_name, form_inputs(form)), render)
