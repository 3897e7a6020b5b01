"""A story has happened: not in the future, and not before the company was founded. The form, the
leaders' report form, the model, the API and the CSV import all say so in the same words."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from insightboard.env import env_date
from stories.models import Story
from tests.api.client import STORIES, problems
from tests.stories.factories import StoryFactory
from tests.stories.imports.files import csv_text, preview_of
from tests.stories.imports.files import problems as import_problems

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
FUTURE = "19 November 2026 is in the future: a story is something that has happened"
BEFORE = "before the company was founded (1 January 2000): check the year."


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


def story_fields(**overrides: object) -> dict[str, object]:
    return {
        "title": "Refunds take too long",
        "sentiment": "frustration",
        "channel": "call",
        "visibility": "company",
        "happened_on": "2026-11-18",
        **overrides,
    }


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-11-19", FUTURE), ("9999-12-31", "is in the future"), ("1999-12-31", BEFORE)],
)
def test_the_form_refuses_a_day_that_cannot_be_when_it_happened(alice_client, day, message):
    response = alice_client.post(reverse("stories:create"), story_fields(happened_on=day))

    assert response.status_code == 200
    assert message in response.text
    assert "Refunds take too long" in response.text  # nothing typed is lost
    assert not Story.objects.exists()


@pytest.mark.parametrize("day", ["2026-11-18", "2000-01-01"])
def test_it_takes_today_and_the_founding_day(alice_client, day):
    response = alice_client.post(reverse("stories:create"), story_fields(happened_on=day))

    assert response.status_code == 302
    assert Story.objects.get().happened_on == datetime.date.fromisoformat(day)


def test_an_edit_cannot_move_a_story_into_the_future(alice, alice_client):
    story = StoryFactory(author=alice, happened_on=datetime.date(2026, 11, 1))

    response = alice_client.post(
        reverse("stories:edit", args=[story.pk]), story_fields(happened_on="2027-01-01")
    )

    assert FUTURE.replace("19 November 2026", "1 January 2027") in response.text
    story.refresh_from_db()
    assert story.happened_on == datetime.date(2026, 11, 1)


def test_the_date_picker_offers_only_those_days(alice_client):
    response = alice_client.get(reverse("stories:create"))

    assert 'min="2000-01-01"' in response.text
    assert 'max="2026-11-18"' in response.text


def test_the_founding_day_is_a_setting(alice_client, settings):
    settings.INSIGHTBOARD_COMPANY_FOUNDED = datetime.date(2015, 6, 1)

    response = alice_client.post(reverse("stories:create"), story_fields(happened_on="2015-05-31"))

    assert "before the company was founded (1 June 2015)" in response.text


def test_the_setting_is_read_strictly(monkeypatch):
    monkeypatch.setenv("INSIGHTBOARD_COMPANY_FOUNDED", "2012-04-01")
    assert env_date("INSIGHTBOARD_COMPANY_FOUNDED", datetime.date(2000, 1, 1)) == datetime.date(
        2012, 4, 1
    )
    monkeypatch.setenv("INSIGHTBOARD_COMPANY_FOUNDED", "April 2012")
    with pytest.raises(ImproperlyConfigured, match="must be a date written YYYY-MM-DD"):
        env_date("INSIGHTBOARD_COMPANY_FOUNDED", datetime.date(2000, 1, 1))


def test_the_model_refuses_it_too(alice):
    story = StoryFactory.build(author=alice, happened_on=datetime.date(2027, 1, 1))

    with pytest.raises(ValidationError) as error:
        story.full_clean()

    assert list(error.value.message_dict) == ["happened_on"]


def test_a_leaders_report_cannot_have_happened_tomorrow(lena, lena_client):
    response = lena_client.post(
        reverse("stories:report_create"),
        {
            "spoke_with": "Three florists in Leeds",
            "conversations": "3",
            "place": "visit",
            "insight": "Renewals hinge on onboarding.",
            "suggested_action": "Call every new customer in week two",
            "action_owner": lena.pk,
            "title": "Onboarding decides the renewal",
            "sentiment": "idea",
            "happened_on": "2026-11-19",
        },
    )

    assert response.status_code == 200
    assert FUTURE in response.text
    assert not Story.objects.exists()


def test_the_api_answers_422_naming_the_date(alice):
    from tests.api.client import api_for

    response = api_for(alice).post(
        STORIES, {"title": "Hi", "sentiment": "idea", "happened_on": "3025-01-01"}
    )

    assert problems(response) == {
        "happened_on": [
            "1 January 3025 is in the future: a story is something that has happened, "
            "so give today or an earlier day."
        ]
    }
    assert not Story.objects.exists()


def test_the_import_names_the_row_and_imports_nothing_from_it(alice_client):
    rows = [
        ["Waited an hour", "frustration", "", "", "2026-11-19"],
        ["Kind agent", "success", "", "", "31/12/1999"],
        ["Fast refund", "success", "", "", "18/11/2026"],
    ]
    header = ["title", "sentiment", "body", "tags", "happened_on"]

    response = preview_of(alice_client, csv_text(rows, header=header))

    found = import_problems(response)
    assert [(row, column) for row, column, _ in found] == [(2, "happened_on"), (3, "happened_on")]
    assert FUTURE in found[0][2]
    assert BEFORE in found[1][2]
    assert response.context["preview"].to_import == 1
