"""The empathy exercise: six questions about being someone else's customer, filed as a story."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from stories.models import EmpathyAnswers, Kind, Story, Visibility
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.stories.factories import EmpathyAnswersFactory, StoryFactory

pytestmark = pytest.mark.django_db


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
