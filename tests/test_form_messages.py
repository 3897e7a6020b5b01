"""No form in the project speaks in Django's default voice ("This field is required.")."""

import datetime

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import get_resolver, reverse

from insightboard.form_messages import subclasses

pytestmark = pytest.mark.django_db

# Django's English defaults, by a piece each is sure to contain.
DJANGO_DEFAULTS = (
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Ensure that there are no more than",
    "Select a valid choice",
    "Enter a whole number.",
    "Enter a number.",
    "Enter a list of values",
    "Enter a complete value",
    "is not a valid value",
    "No file was submitted",
    "The submitted file is empty",
    "Please either submit a file",
    "Null characters are not allowed",
    "This field cannot be",
    "with this %(field_label)s already exists",
    "is not a valid choice",
    "must be unique for",
)
PROJECT = ("stories", "meetings", "insightboard", "django.contrib.auth", "django.contrib.admin")


def django_default(message: object) -> str | None:
    return next((piece for piece in DJANGO_DEFAULTS if piece in str(message)), None)


def project_forms() -> list[type[forms.BaseForm]]:
    # Loading every URL imports every view, and with them every form a page can show.
    get_resolver().url_patterns  # noqa: B018 - the import is the point
    return [
        form
        for form in set(subclasses(forms.BaseForm))
        if form.__module__.startswith(PROJECT) and "tests" not in form.__module__
    ]


def field_messages(field: forms.Field) -> list[object]:
    """What the field can say: its messages, and its validators' where no message overrides."""
    validators = [
        validator.message  # type: ignore[attr-defined]
        for validator in field.validators
        if getattr(validator, "code", None) not in field.error_messages
        and hasattr(validator, "message")
    ]
    return [*field.error_messages.values(), *validators]


def test_it_finds_the_project_forms() -> None:
    names = {form.__name__ for form in project_forms()}

    assert {"StoryForm", "SeriesForm", "OneOffMeetingForm", "AuthenticationForm"} <= names


def test_it_words_no_form_field_in_djangos_default_voice() -> None:
    defaults = [
        f"{form.__module__}.{form.__name__}.{name}: {message}"
        for form in project_forms()
        for name, field in getattr(form, "base_fields", {}).items()
        for message in field_messages(field)
        if django_default(message)
    ]

    assert defaults == []


def test_it_words_no_model_field_in_djangos_default_voice() -> None:
    defaults = [
        f"{model.__name__}.{field.name}: {message}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.Field)
        for message in field.error_messages.values()
        if django_default(message)
    ]

    assert defaults == []


def test_it_keeps_a_fields_own_message() -> None:
    field = forms.CharField(max_length=3, error_messages={"required": "Name the series."})

    with pytest.raises(forms.ValidationError) as required:
        field.clean("")
    with pytest.raises(forms.ValidationError) as too_long:
        field.clean("abcd")

    assert required.value.messages == ["Name the series."]
    assert too_long.value.messages == ["Keep this to at most 3 characters (it has 4)."]


def test_it_words_a_date_and_a_number_the_friendly_way() -> None:
    class Plan(forms.Form):
        day = forms.DateField()
        people = forms.IntegerField(max_value=10)

    form = Plan({"day": "31/31/2026", "people": "11"})

    assert form.errors == {
        "day": ["Enter a date such as 2026-12-01."],
        "people": ["Enter 10 or less."],
    }


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("stories:create", {"title": "", "happened_on": "soon"}),
        ("meetings:series_create", {"first_day": "someday", "starts_at": "9ish"}),
        ("meetings:one_off_create", {"starts_at": "later"}),
    ],
)
def test_it_shows_no_django_default_on_a_page(hugo_client, url_name, data) -> None:
    response = hugo_client.post(reverse(url_name), data)

    assert response.status_code == 200
    assert django_default(response.content.decode()) is None


def test_it_shows_no_django_default_when_signing_in(client) -> None:
    response = client.post(reverse("login"), {"username": "not an email", "password": ""})

    text = response.content.decode()
    assert "Enter an email address such as name@example.com." in text
    assert django_default(text) is None


def test_it_uses_the_friendly_words_on_a_form_made_after_start_up() -> None:
    class Later(forms.Form):
        when = forms.DateTimeField()

    assert Later({"when": datetime.date.today().isoformat() + "x"}).errors == {
        "when": ["Enter a date and time such as 2026-12-01 09:30."]
    }
