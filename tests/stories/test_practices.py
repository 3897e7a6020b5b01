"""Empathy exercises, executive reports, the Leaders' corner and Customer kudos, by page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from stories.models import (
    EmpathyAnswers,
    ExecutiveReport,
    Kind,
    Sentiment,
    Story,
    Visibility,
)
from tests.factories import PersonFactory, ReactionFactory, StoryFactory
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.practice_factories import EmpathyAnswersFactory, ExecutiveReportFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


def empathy_answers(**changes: str) -> dict[str, str]:
    return {
        "company": "Monzo",
        "experience": "positive",
        "what_made_it": "They fixed my card in two minutes, in the app.",
        "why_it_stood_out": "My old bank took a week and three calls.",
        "would_stay": "yes",
        "meaning_for_us": "Our card replacement takes five days; customers notice.",
        "title": "",
        **changes,
    }


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


# --- Empathy exercise ------------------------------------------------------------------------


def test_it_asks_the_six_questions_of_the_empathy_exercise(alice_client):
    response = alice_client.get(reverse("stories:empathy_create"))

    assert response.status_code == 200
    for question in [
        "Which company or service was it?",
        "Was it a positive or a negative experience?",
        "What made it so?",
        "Why did it stand out in your mind?",
        "Would it make you keep doing business with them?",
        "What does it mean for our company?",
    ]:
        assert question in response.text
    assert "---------" not in response.text


@pytest.mark.parametrize(
    ("experience", "sentiment"),
    [("positive", "success"), ("negative", "frustration"), ("mixed", "idea")],
)
def test_it_files_an_empathy_exercise_as_an_empathy_story(
    alice_client, alice, experience, sentiment
):
    response = alice_client.post(
        reverse("stories:empathy_create"), empathy_answers(experience=experience)
    )

    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert (story.kind, story.sentiment, story.author) == (Kind.EMPATHY, sentiment, alice)
    assert story.title == "My experience with Monzo"
    assert story.visibility == Visibility.COMPANY
    answers = EmpathyAnswers.objects.get(story=story)
    assert answers.experience == experience
    assert answers.would_stay == "yes"
    assert answers.meaning_for_us == "Our card replacement takes five days; customers notice."


def test_it_uses_the_headline_the_person_wrote(alice_client):
    alice_client.post(
        reverse("stories:empathy_create"),
        empathy_answers(title="  Monzo fixed my card in two minutes  "),
    )

    assert Story.objects.get().title == "Monzo fixed my card in two minutes"


@pytest.mark.parametrize(
    "missing",
    ["company", "experience", "what_made_it", "why_it_stood_out", "would_stay", "meaning_for_us"],
)
def test_it_needs_every_answer_and_keeps_what_was_typed(alice_client, missing):
    response = alice_client.post(
        reverse("stories:empathy_create"), empathy_answers(**{missing: "   "})
    )

    assert response.status_code == 200
    assert not Story.objects.exists()
    assert not EmpathyAnswers.objects.exists()
    assert list(response.context["form"].errors) == [missing]
    assert "Nothing you typed was lost" in response.text
    kept = "Monzo" if missing != "company" else "My old bank took a week and three calls."
    assert kept in response.text


def test_it_refuses_a_forged_experience(alice_client):
    response = alice_client.post(
        reverse("stories:empathy_create"), empathy_answers(experience="ecstatic")
    )

    assert response.status_code == 200
    assert "Choose positive, negative or a bit of both." in response.text
    assert not Story.objects.exists()


def test_it_shows_the_questions_and_answers_on_the_story_page(alice_client, bob):
    answers = EmpathyAnswersFactory(
        story__author=bob, company="<b>Acme</b>", what_made_it="Line one\nLine two"
    )

    response = alice_client.get(answers.story.get_absolute_url())

    assert response.status_code == 200
    assert "Their experience as a customer" in response.text
    assert "Would it make them keep doing business with them?" in response.text
    assert "Yes, I would keep buying from them" in response.text
    assert "&lt;b&gt;Acme&lt;/b&gt;" in response.text
    assert "<b>Acme</b>" not in response.text
    assert "Line one<br>Line two" in response.text


def test_it_shows_a_story_without_answers_as_before(alice_client, bob):
    story = StoryFactory(author=bob, kind=Kind.EMPATHY)

    response = alice_client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert "Their experience as a customer" not in response.text


def test_it_links_the_meetings_empathy_turn_to_the_guided_exercise(hugo, alice, alice_client):
    series = SeriesFactory(hosts=[hugo])
    series.attendees.set([alice])
    meeting = MeetingFactory(series=series, empathy_sharer=alice)
    url = reverse("meetings:empathy", args=[meeting.pk])

    page = alice_client.get(url)
    response = alice_client.post(url, empathy_answers(experience="negative"))

    assert "What does it mean for our company?" in page.text
    assert response.status_code == 302
    story = Meeting.objects.get(pk=meeting.pk).empathy_story
    assert (story.kind, story.sentiment, story.author) == (Kind.EMPATHY, "frustration", alice)
    assert story.empathy.company == "Monzo"


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


@pytest.mark.parametrize("kind", ["empathy", "executive"])
def test_it_shows_a_practice_story_in_the_same_queries_as_any_story(
    alice_client, lena, django_assert_num_queries, kind
):
    factory = EmpathyAnswersFactory if kind == "empathy" else ExecutiveReportFactory
    story = factory(story__author=lena, story__tags=["florists"]).story

    # As tests/stories/test_queries.py: the answers or report join the story's own query.
    with django_assert_num_queries(8):
        response = alice_client.get(story.get_absolute_url())

    assert response.status_code == 200


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


# --- Customer kudos --------------------------------------------------------------------------


def test_it_lets_a_success_give_a_shout_out(alice_client):
    response = alice_client.post(
        reverse("stories:create"),
        {
            "title": "Priya sorted my refund in one call",
            "sentiment": "success",
            "shout_out_to": "Priya in Support",
            "channel": "call",
            "happened_on": "2026-11-16",
            "visibility": "company",
        },
    )

    assert response.status_code == 302
    assert Story.objects.get().shout_out_to == "Priya in Support"


@pytest.mark.parametrize("sentiment", ["frustration", "idea"])
def test_it_keeps_shout_outs_for_successes(alice_client, sentiment):
    response = alice_client.post(
        reverse("stories:create"),
        {
            "title": "Priya took ages",
            "sentiment": sentiment,
            "shout_out_to": "Priya in Support",
            "channel": "call",
            "happened_on": "2026-11-16",
            "visibility": "company",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["shout_out_to"]
    assert "Shout-outs are for successes: choose Success above, or leave this empty." in (
        response.text
    )
    assert "Priya took ages" in response.text
    assert not Story.objects.exists()


def test_it_lists_company_shout_outs_newest_first(alice_client, bob):
    now = timezone.now()
    older = StoryFactory(
        author=bob,
        sentiment=Sentiment.SUCCESS,
        shout_out_to="The <em>night</em> team",
        created_at=now - datetime.timedelta(days=2),
    )
    newer = StoryFactory(author=bob, sentiment=Sentiment.SUCCESS, shout_out_to="Priya")
    StoryFactory(author=bob, sentiment=Sentiment.SUCCESS, title="No shout-out")
    StoryFactory(author=bob, sentiment=Sentiment.FRUSTRATION, shout_out_to="Blamed")
    StoryFactory(
        author=bob,
        sentiment=Sentiment.SUCCESS,
        shout_out_to="Secret",
        visibility=Visibility.PRIVATE,
    )

    response = alice_client.get(reverse("stories:kudos"))

    assert response.status_code == 200
    assert response.context["page"].rows == [newer, older]
    assert "Shout-out to <strong>The &lt;em&gt;night&lt;/em&gt; team</strong>" in response.text
    assert "Secret" not in response.text


def test_it_says_how_to_give_the_first_shout_out(alice_client):
    response = alice_client.get(reverse("stories:kudos"))

    assert "No shout-outs yet" in response.text
    assert reverse("stories:create") in response.text


def test_it_shows_a_shout_out_on_the_story_page(alice_client, bob):
    story = StoryFactory(author=bob, sentiment=Sentiment.SUCCESS, shout_out_to="Priya")

    response = alice_client.get(story.get_absolute_url())

    assert "Shout-out to" in response.text
    assert reverse("stories:kudos") in response.text


@pytest.fixture
def shout_outs(request, alice, bob):
    made = [
        StoryFactory(
            author=bob, sentiment=Sentiment.SUCCESS, shout_out_to=f"Team {n}", tags=["thanks"]
        )
        for n in range(request.param)
    ]
    for story in made:
        ReactionFactory(story=story, person=alice)
    return made


@pytest.mark.parametrize("shout_outs", SIZES, indirect=True)
def test_it_shows_kudos_in_constant_queries(alice_client, django_assert_num_queries, shout_outs):
    # Session, person, two permission reads, the stories, their tags, which of them the person
    # hears too, and the person's profile for the header.
    with django_assert_num_queries(8):
        response = alice_client.get(reverse("stories:kudos"))

    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(len(shout_outs), 20)
