"""The one place that words form errors nobody wrote a message for: every form in the project
(our own, the sign-in and password forms, the admin) speaks in the product's voice instead of
Django's defaults ("This field is required.", "Enter a valid date.", "Ensure this value…").

A form or field that sets its own message keeps it; only Django's defaults are replaced.
`friendly_messages_apply` runs once, when the people app is ready (see people/apps.py).
"""

from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.apps import apps
from django.db import models

FILL_IN = "Please fill this in."
CHOOSE = "Choose one of the options in the list."

# By field class; a class inherits its parents' messages, as Django's own defaults do.
FRIENDLY: dict[type[forms.Field], dict[str, str]] = {
    forms.Field: {
        "required": FILL_IN,
        # Codes the standard validators raise: a field's own message for the code wins.
        "max_length": "Keep this to at most %(limit_value)d characters (it has %(show_value)d).",
        "min_length": "Write at least %(limit_value)d characters here (it has %(show_value)d).",
        "max_value": "Enter %(limit_value)s or less.",
        "min_value": "Enter %(limit_value)s or more.",
        "step_size": "Enter a multiple of %(limit_value)s.",
        "null_characters_not_allowed": "Take out the invisible control characters (NUL) "
        "that came with the pasted text.",
        "max_digits": "Use at most %(max)s digits in all.",
        "max_decimal_places": "Use at most %(max)s digits after the decimal point.",
        "max_whole_digits": "Use at most %(max)s digits before the decimal point.",
    },
    forms.BooleanField: {"required": "Tick this box to go on."},
    forms.IntegerField: {"invalid": "Enter a whole number, such as 12."},
    forms.FloatField: {"invalid": "Enter a number, such as 12 or 3.5."},
    forms.DecimalField: {"invalid": "Enter a number, such as 12 or 3.5."},
    forms.DateField: {"invalid": "Enter a date such as 2026-12-01."},
    forms.TimeField: {"invalid": "Enter a time such as 09:30."},
    forms.DateTimeField: {"invalid": "Enter a date and time such as 2026-12-01 09:30."},
    forms.DurationField: {"invalid": "Enter a length of time such as 1:30:00."},
    forms.SplitDateTimeField: {
        "invalid_date": "Enter a date such as 2026-12-01.",
        "invalid_time": "Enter a time such as 09:30.",
    },
    forms.EmailField: {"invalid": "Enter an email address such as name@example.com."},
    forms.URLField: {"invalid": "Enter a web address such as https://example.com."},
    forms.SlugField: {"invalid": "Use only letters, numbers, hyphens and underscores."},
    forms.UUIDField: {"invalid": "That id is not one we know: copy it again."},
    forms.JSONField: {"invalid": "That is not valid JSON: check its brackets and quotes."},
    forms.MultiValueField: {
        "invalid": "Fill in every part of this.",
        "incomplete": "Fill in every part of this.",
    },
    forms.ChoiceField: {"invalid_choice": CHOOSE},
    forms.MultipleChoiceField: {
        "invalid_choice": "Choose only options from the list.",
        "invalid_list": "Choose from the list.",
    },
    forms.ModelChoiceField: {
        "invalid_choice": "That choice is no longer available: choose again from the list."
    },
    forms.ModelMultipleChoiceField: {
        "invalid_choice": "One of those is no longer available: choose again from the list.",
        "invalid_list": "Choose from the list.",
        "invalid_pk_value": "Choose from the list.",
    },
    forms.FileField: {
        "invalid": "That did not arrive as a file: choose the file again.",
        "missing": "No file arrived: choose the file again.",
        "empty": "That file is empty: choose one with something in it.",
        "max_length": "Shorten the file name to at most %(max)d characters (it has %(length)d).",
        "contradiction": "Either choose a new file or tick Clear, not both.",
    },
    forms.ImageField: {"invalid_image": "That file is not an image we can read: choose a PNG."},
}

# Model fields check again when a model form saves (and the admin shows what they say).
FRIENDLY_MODEL: dict[type[models.Field[Any, Any]], dict[str, str]] = {
    models.Field: {
        "invalid_choice": CHOOSE,
        "null": FILL_IN,
        "blank": FILL_IN,
        "unique": "%(field_label)s: this one is taken already; choose another.",
        "unique_for_date": "%(field_label)s: this one is taken already for that %(lookup_type)s.",
    },
    models.ForeignKey: {
        "invalid": "That choice is no longer available: choose again from the list."
    },
    models.GenericIPAddressField: {"invalid": "Enter an IP address such as 192.0.2.1."},
}


def class_messages(field_class: type, table: Mapping[type, Mapping[str, Any]]) -> dict[str, Any]:
    """Messages for a field class, its parents' first, as Field.__init__ gathers them."""
    messages: dict[str, Any] = {}
    for cls in reversed(field_class.__mro__):
        messages.update(table.get(cls, {}))
    return messages


def subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def replace_defaults(
    messages: dict[str, Any], defaults: Mapping[str, Any], friendly: Mapping[str, str]
) -> dict[str, Any]:
    """`messages` with every message still at Django's default worded the friendly way."""
    kept = {
        code: message
        for code, message in messages.items()
        if code not in defaults or str(message) != str(defaults[code])
    }
    return {**friendly, **kept}


def friendly_messages_apply() -> None:
    """Word Django's defaults the friendly way: for fields made from now on (the field classes'
    defaults), for the fields of every form class already imported, and for model fields."""
    django_defaults = {
        cls: dict(vars(cls).get("default_error_messages", {}))
        for cls in {forms.Field, *subclasses(forms.Field)}
    }
    for cls, messages in FRIENDLY.items():
        cls.default_error_messages = {**django_defaults[cls], **messages}
    for form_class in subclasses(forms.BaseForm):
        for field in vars(form_class).get("base_fields", {}).values():
            field_class = type(field)
            field.error_messages = replace_defaults(
                field.error_messages,
                class_messages(field_class, django_defaults),
                class_messages(field_class, FRIENDLY),
            )
    model_defaults = {
        cls: dict(vars(cls).get("default_error_messages", {}))
        for cls in {models.Field, *subclasses(models.Field)}
    }
    for model in apps.get_models(include_auto_created=True):
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.Field):
                field_class = type(model_field)
                model_field.error_messages = replace_defaults(
                    model_field.error_messages,
                    class_messages(field_class, model_defaults),
                    class_messages(field_class, FRIENDLY_MODEL),
                )
