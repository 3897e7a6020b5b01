"""Correcting an executive report: its author (or an admin) edits the report and the story it
shares a form with, with the rules of filing, and nothing typed is lost on a mistake."""

import datetime

import pytest
from django.urls import reverse

from stories.models import Channel, ExecutiveReport, Visibility
from tests.conftest import client_for
from tests.people.factories import PersonFactory
from tests.stories.factories import ExecutiveReportFactory, StoryFactory
from tests.stories.reports.test_views import report_answers

pytestmark = pytest.mark.django_db


def edit_url(story) -> str:
    return reverse("stories:report_edit", args=[story.pk])


@pytest.fixture
def lenas_report(lena):
    return ExecutiveReportFactory(
        story__author=lena,
        story__title="Florists wait for us",
        story__channel=Channel.EMAIL,
        story__customer_organisation="Leeds Flowers",
        story__happened_on=datetime.date(2026, 11, 2),
        story__tags=["florists"],
    )


def stored(report) -> ExecutiveReport:
    return ExecutiveReport.objects.select_related("story").get(pk=report.pk)


def test_it_opens_the_edit_form_from_the_story_page(lena_client, lenas_report):
    story = lenas_report.story

    page = lena_client.get(story.get_absolute_url())
    old_address = lena_client.get(reverse("stories:edit", args=[story.pk]))

    assert f'href="{edit_url(story)}"' in page.text
    assert old_address["Location"] == edit_url(story)


def test_it_shows_the_report_as_it_was_filed(lena_client, lena, lenas_report):
    form = lena_client.get(edit_url(lenas_report.story)).context["form"]

    assert form["title"].value() == "Florists wait for us"
    assert form["sentiment"].value() == "idea"
    assert form["happened_on"].value() == datetime.date(2026, 11, 2)
    assert form["spoke_with"].value() == "Three florists in Leeds"
    assert form["conversations"].value() == 3
    assert form["place"].value() == "visit"
    assert form["action_owner"].value() == lena.pk
    assert "left empty, it stays 2 November 2026" in form["happened_on"].help_text


@pytest.mark.parametrize("persona", ["lena", "ada"])
def test_it_lets_the_author_or_an_admin_correct_every_field(request, persona, bob, lenas_report):
    client = request.getfixturevalue(f"{persona}_client")
    story = lenas_report.story

    response = client.post(edit_url(story), report_answers(bob, place="call", conversations="4"))

    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    report = stored(lenas_report)
    assert (report.spoke_with, report.conversations, report.place) == (
        "Three florists in Leeds",
        4,
        "call",
    )
    assert report.insight == "Florists order before our support opens."
    assert (report.suggested_action, report.action_owner) == ("Open the order line at 5 am", bob)
    assert report.story.title == "We order at 5 am and nobody answers"
    assert (report.story.sentiment, report.story.body) == (
        "frustration",
        "All three said the same, unprompted.",
    )
    assert report.story.happened_on == datetime.date(2026, 11, 16)
    # The channel follows a changed place, as when filing; the rest of the story stays.
    assert report.story.channel == Channel.CALL
    assert report.story.customer_organisation == "Leeds Flowers"
    assert list(report.story.tags.values_list("name", flat=True)) == ["florists"]
    assert report.story.author == lenas_report.story.author


def test_it_keeps_the_channel_and_date_when_the_place_and_date_are_left(
    lena_client, lena, lenas_report
):
    lena_client.post(edit_url(lenas_report.story), report_answers(lena, happened_on=""))

    story = stored(lenas_report).story
    assert (story.channel, story.happened_on) == (Channel.EMAIL, datetime.date(2026, 11, 2))


def test_it_keeps_a_private_report_private(lena_client, lena):
    report = ExecutiveReportFactory(story__author=lena, story__visibility=Visibility.PRIVATE)

    lena_client.post(edit_url(report.story), report_answers(lena))

    assert stored(report).story.visibility == Visibility.PRIVATE


def test_it_asks_for_a_new_owner_when_the_owner_has_left(lena_client, lena):
    gone = PersonFactory(is_active=False)
    report = ExecutiveReportFactory(story__author=lena, action_owner=gone)

    page = lena_client.get(edit_url(report.story))
    response = lena_client.post(edit_url(report.story), report_answers(gone))

    assert "Choose who owns it now" in page.text
    assert "Choose the owner from the list." in response.text
    assert stored(report).action_owner == gone


@pytest.mark.parametrize("persona", ["alice", "bob", "hugo"])
def test_it_refuses_everyone_else(request, persona, lena, lenas_report):
    client = request.getfixturevalue(f"{persona}_client")

    page = client.get(edit_url(lenas_report.story))
    forged = client.post(edit_url(lenas_report.story), report_answers(lena))

    assert (page.status_code, forged.status_code) == (403, 403)
    assert stored(lenas_report).story.title == "Florists wait for us"


def test_it_refuses_another_leader(lenas_report):
    other_leader = client_for(PersonFactory(roles=["Leaders"]))

    assert other_leader.get(edit_url(lenas_report.story)).status_code == 403


def test_it_has_nothing_to_edit_on_a_story_without_a_report(lena_client, lena):
    assert lena_client.get(edit_url(StoryFactory(author=lena))).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "Write the headline: what you heard, in a sentence."),
        ("sentiment", "", "Choose success, frustration or idea."),
        ("spoke_with", "", "Say who you spoke with."),
        ("conversations", "0", "At least one conversation: that is what you report on."),
        ("place", "pub", "Choose one of the listed places."),
        ("insight", "", "Write the usable insight."),
        ("suggested_action", "", "Suggest an action."),
        ("action_owner", "", "Choose who owns the suggested action."),
        ("happened_on", "last tuesday", "Enter a date such as 2026-11-18."),
    ],
)
def test_it_checks_a_correction_as_when_filing_and_keeps_what_was_typed(
    lena_client, lena, lenas_report, field, value, message
):
    answers = report_answers(lena, **{field: value})
    response = lena_client.post(edit_url(lenas_report.story), answers)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.text
    assert "Nothing you typed was lost" in response.text
    assert "Florists order before our support opens." in response.text or field == "insight"
    assert "We order at 5 am and nobody answers" in response.text or field == "title"
    report = stored(lenas_report)
    assert (report.story.title, report.insight) == (
        "Florists wait for us",
        "Florists order at 5 am, before our support opens.",
    )


def test_it_shows_the_edit_form_in_a_few_queries(
    lena_client, lenas_report, django_assert_max_num_queries
):
    # Session, person, two permission reads, the report with its story and owner, the header's
    # profile, and the people to choose the owner from (read as the select is drawn).
    with django_assert_max_num_queries(8):
        response = lena_client.get(edit_url(lenas_report.story))

    assert response.status_code == 200
