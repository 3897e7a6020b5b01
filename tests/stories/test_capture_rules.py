"""Logging an insight says exactly what it needs: only the fields a person must fill in are
marked "(required)", tags are letters, digits and dashes wherever they come from (form, quick
capture, API, CSV import, a meeting's focus tags), and the list behind the quick capture is told
to show the insight just logged."""

import datetime
import json
import re

import pytest
from django import forms
from django.urls import reverse

from stories.forms import QuickStoryForm, StoryForm, TagListField
from stories.models import Channel, Story, Visibility
from tests.api.client import STORIES, api_for, problems
from tests.stories.factories import StoryFactory
from tests.stories.imports.files import HEADER, csv_text, preview_of
from tests.stories.imports.files import problems as row_problems

pytestmark = pytest.mark.django_db

REQUIRED = re.compile(r'<(?:label|legend)[^>]*>([^<]*) <span class="required">\(required\)</span>')
QUOTE = "What did the customer say?"
SENTIMENT = "Was it a success, a frustration or an idea?"


def required_labels(html: str) -> list[str]:
    return REQUIRED.findall(html)


# --- Required means required ---------------------------------------------------------------------


def test_it_marks_only_the_quote_and_the_sentiment_as_required_in_the_quick_capture(alice_client):
    dialog = alice_client.get(reverse("home")).text

    assert required_labels(dialog) == [QUOTE, SENTIMENT]


def test_it_marks_only_the_quote_and_the_sentiment_as_required_in_the_full_form(alice_client):
    page = alice_client.get(reverse("stories:create")).text

    # The page's form, then the quick capture's dialog behind it.
    assert required_labels(page) == [QUOTE, SENTIMENT, QUOTE, SENTIMENT]


@pytest.mark.parametrize("form_class", [StoryForm, QuickStoryForm])
def test_it_requires_only_what_has_no_default(form_class):
    form = form_class()

    assert [name for name, field in form.fields.items() if field.required] == ["title", "sentiment"]


def test_it_fills_in_the_defaults_for_what_was_left_blank(alice_client, alice):
    response = alice_client.post(
        reverse("stories:create"),
        {"title": "Quick one", "sentiment": "idea", "channel": "", "happened_on": ""},
    )

    story = Story.objects.get()
    assert response.status_code == 302
    assert (story.channel, story.happened_on, story.visibility) == (
        Channel.OTHER,
        datetime.date.today(),
        Visibility.COMPANY,
    )


def test_it_logs_from_the_quick_capture_without_a_channel(alice_client):
    response = alice_client.post(
        reverse("stories:create"),
        {"quick-title": "No channel given", "quick-sentiment": "success"},
        headers={"HX-Request": "true"},
    )

    assert "Logged" in response.text
    assert Story.objects.get().channel == Channel.OTHER


# --- Tags: letters, digits and dashes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("Check Out, #Billing", ["check-out", "billing"]),
        ("data_export, 2fa", ["data-export", "2fa"]),
        ("  --pricing--, self - service ", ["pricing", "self-service"]),
        ("Café, naïve-ux", ["café", "naïve-ux"]),
    ],
)
def test_it_normalises_tags_to_letters_digits_and_dashes(typed, tags):
    assert TagListField().clean(typed) == tags


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("billing, c++", "“c++” has “+”"),
        ("a/b", "“a/b” has “/”"),
        ("<script>alert(5)</script>", "“<script>alert(5)</script>” has “<”, “>”, “(”, “)”, “/”"),
        ("mobile, done!", "“done!” has “!”"),
        ("pricing.page", "“pricing.page” has “.”"),
    ],
)
def test_it_refuses_other_characters_in_tags_naming_them(typed, shown):
    with pytest.raises(forms.ValidationError) as refused:
        TagListField().clean(typed)

    assert refused.value.messages == [
        f"Tags can have only letters, digits and dashes: {shown}. "
        "Use a dash between words, for example: check-out."
    ]


@pytest.mark.parametrize("prefix", ["", "quick-"])
def test_it_keeps_what_was_typed_when_a_tag_is_refused(alice_client, prefix):
    response = alice_client.post(
        reverse("stories:create"),
        {
            f"{prefix}title": "Refunds are slow",
            f"{prefix}sentiment": "idea",
            f"{prefix}tags": "c++",
        },
    )

    assert response.status_code == 200
    assert "Tags can have only letters, digits and dashes" in response.text
    assert 'value="c++"' in response.text
    assert "Refunds are slow</textarea>" in response.text
    assert not Story.objects.exists()


def test_it_refuses_other_characters_in_tags_from_the_api(alice):
    response = api_for(alice).post(STORIES, {"title": "Hi", "sentiment": "idea", "tags": ["c++"]})

    assert any("letters, digits and dashes" in text for text in problems(response)["tags"])
    assert not Story.objects.exists()


def test_it_refuses_other_characters_in_tags_from_a_csv_import(alice_client):
    rows = [["Slow refunds", "frustration", "", "billing; c++", "", "", ""]]

    preview = preview_of(alice_client, csv_text(rows, HEADER))

    ((row, column, message),) = row_problems(preview)
    assert (row, column) == (2, "tags")
    assert message.startswith("Tags can have only letters, digits and dashes: “c++” has “+”.")


# --- The list behind the quick capture -----------------------------------------------------------


def test_it_tells_the_page_an_insight_was_logged_from_the_quick_capture(alice_client):
    response = alice_client.post(
        reverse("stories:create"),
        {"quick-title": "Checkout froze", "quick-sentiment": "frustration"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"insight-logged": {}}


def test_it_tells_the_page_an_insight_was_heard_too_from_the_quick_capture(alice_client, bob):
    story = StoryFactory(author=bob, title="Refunds are slow")

    response = alice_client.post(
        reverse("stories:same_as", args=[story.pk]),
        {"quick-title": "Refunds take ages"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"insight-heard": {}}


def test_it_refreshes_the_insights_list_when_an_insight_is_logged(alice_client):
    page = alice_client.get(reverse("stories:list"), {"sentiment": "idea"}).text

    results = re.search(r'<div id="results"[^>]*>', page)
    assert results is not None
    # Logged from the quick capture, or heard too from a suggestion there.
    assert 'hx-trigger="insight-logged from:body, insight-heard from:body"' in results.group(0)
    # With the filters as they stand in the form, so the list stays the one being looked at.
    assert 'hx-include=".filters"' in results.group(0)
    assert f'hx-get="{reverse("stories:list")}"' in results.group(0)
