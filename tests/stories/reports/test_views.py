"""Executive reports: leaders and admins file what they heard from customers, and everyone reads
them in the Leaders' corner."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import ExecutiveReport, Kind, Story, Visibility
from tests.people.factories import PersonFactory
from tests.stories.factories import ExecutiveReportFactory, StoryFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


def report_answers(owner, **changes: object) -> dict[str, object]:
    return {
        "spoke_with": "Three florists in Leeds",
        "conversations": "3",
        "place": "visit",
        "happened_on": "2026-11-16",
        "title": "We order at 5 am and nobody answers",
        "sentiment": "frustration",
        "body": "All three said the same, unprompted.",
        "insight": "Florists order before our support opens.",
        "suggested_action": "Open the order line at 5 am",
        "action_owner": str(owner.pk),
        **changes,
    }


# --- Executive report ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lena", "ada"])
def test_it_lets_leaders_and_admins_file_an_executive_report(request, persona, bob):
    author = request.getfixturevalue(persona)
    client = request.getfixturevalue(f"{persona}_client")

    response = client.post(reverse("stories:report_create"), report_answers(bob))

    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert (story.kind, story.sentiment, story.author) == (Kind.EXECUTIVE, "frustration", author)
    assert story.title == "We order at 5 am and nobody answers"
    assert story.body == "All three said the same, unprompted."
    assert story.happened_on == datetime.date(2026, 11, 16)
    assert story.channel == "in_person"
    report = ExecutiveReport.objects.get(story=story)
    assert (report.spoke_with, report.conversations, report.place) == (
        "Three florists in Leeds",
        3,
        "visit",
    )
    assert report.insight == "Florists order before our support opens."
    assert (report.suggested_action, report.action_owner) == ("Open the order line at 5 am", bob)


@pytest.mark.parametrize("persona", ["alice", "bob", "hugo"])
def test_it_refuses_the_executive_form_to_everyone_else(request, persona, lena):
    client = request.getfixturevalue(f"{persona}_client")

    page = client.get(reverse("stories:report_create"))
    forged = client.post(reverse("stories:report_create"), report_answers(lena))

    assert page.status_code == 403
    assert "You cannot do that here" in page.text
    assert forged.status_code == 403
    assert not Story.objects.exists()
    assert not ExecutiveReport.objects.exists()


def test_it_offers_the_leader_as_the_owner_of_the_action(lena_client, lena):
    response = lena_client.get(reverse("stories:report_create"))

    assert response.context["form"]["action_owner"].value() == lena.pk
    assert "Lena Leader (lena@example.com)" in response.text


def test_it_refuses_an_owner_who_has_left(lena_client):
    gone = PersonFactory(is_active=False)

    response = lena_client.post(reverse("stories:report_create"), report_answers(gone))

    assert response.status_code == 200
    assert "Choose the owner from the list." in response.text
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sentiment", "", "Choose success, frustration or idea."),
        ("title", "  ", "Write the headline: what you heard, in a sentence."),
        ("spoke_with", "", "Say who you spoke with."),
        ("conversations", "0", "At least one conversation: that is what you report on."),
        ("conversations", "many", "Enter a whole number of conversations."),
        ("place", "pub", "Choose one of the listed places."),
        ("insight", "", "Write the usable insight."),
        ("suggested_action", "", "Suggest an action."),
        ("action_owner", "", "Choose who owns the suggested action."),
        ("happened_on", "last tuesday", "Enter a date such as 2026-11-18."),
    ],
)
def test_it_explains_what_a_report_is_missing_and_keeps_the_rest(
    lena_client, lena, field, value, message
):
    response = lena_client.post(
        reverse("stories:report_create"), report_answers(lena, **{field: value})
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.text
    assert "Three florists in Leeds" in response.text or field == "spoke_with"
    assert "Florists order before our support opens." in response.text or field == "insight"
    assert not Story.objects.exists()


def test_it_shows_the_report_on_the_story_page(alice_client, lena, bob):
    report = ExecutiveReportFactory(story__author=lena, action_owner=bob, insight="<i>5 am</i>")

    response = alice_client.get(report.story.get_absolute_url())

    assert "own conversations" in response.text
    assert "Three florists in Leeds" in response.text
    assert "Customer visit" in response.text
    assert "&lt;i&gt;5 am&lt;/i&gt;" in response.text
    assert "Open the order line at 5 am" in response.text
    assert "Bob Staff" in response.text


# --- Leaders' corner -------------------------------------------------------------------------


def test_it_lists_reports_newest_first_in_the_leaders_corner(alice_client, lena, ada):
    now = timezone.now()
    older = ExecutiveReportFactory(
        story__author=lena, story__title="Older", story__created_at=now - datetime.timedelta(3)
    )
    newer = ExecutiveReportFactory(story__author=ada, story__title="Newer", story__created_at=now)

    response = alice_client.get(reverse("stories:leaders"))

    assert response.status_code == 200
    assert response.context["page"].rows == [newer.story, older.story]
    assert "File a report" not in response.text


def test_it_leaves_insights_and_private_reports_out_of_the_corner(alice_client, lena):
    StoryFactory(author=lena, title="An ordinary insight")
    ExecutiveReportFactory(story__author=lena, story__visibility=Visibility.PRIVATE)

    response = alice_client.get(reverse("stories:leaders"))

    assert response.context["page"].rows == []
    assert "An ordinary insight" not in response.text
    assert "When a leader files what they heard from customers, it appears here." in response.text


def test_it_invites_a_leader_to_file_the_first_report(lena_client):
    response = lena_client.get(reverse("stories:leaders"))

    assert "No reports yet" in response.text
    assert reverse("stories:report_create") in response.text


def test_it_pages_the_reports_without_counting_them(alice_client, lena):
    for n in range(21):
        ExecutiveReportFactory(story__author=lena, story__title=f"Report {n}")

    first = alice_client.get(reverse("stories:leaders"))
    second = alice_client.get(reverse("stories:leaders"), {"page": 2})
    forged = alice_client.get(reverse("stories:leaders"), {"page": "9" * 30})

    assert (len(first.context["page"].rows), first.context["page"].has_next) == (20, True)
    assert (len(second.context["page"].rows), second.context["page"].has_next) == (1, False)
    assert forged.status_code == 200
    assert forged.context["page"].number == 1


@pytest.fixture
def reports(request, bob):
    """The given number of leaders, each with one report whose action bob owns."""
    made = []
    for n in range(request.param):
        leader = PersonFactory(roles=["Leaders"])
        made.append(
            ExecutiveReportFactory(story__author=leader, action_owner=bob, story__title=f"R{n}")
        )
    return made


@pytest.mark.parametrize("reports", SIZES, indirect=True)
def test_it_shows_the_leaders_corner_in_constant_queries(
    alice_client, django_assert_num_queries, reports
):
    # Session, person, two permission reads, the reports, the leaders with their last report,
    # and the person's profile for the header.
    with django_assert_num_queries(7):
        response = alice_client.get(reverse("stories:leaders"))

    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(len(reports), 20)
    assert len(response.context["cadences"]) == len(reports)
