"""Correcting an empathy exercise: its author (or an admin) edits the six answers, with the rules
of filing, and nothing typed is lost on a mistake."""

import pytest
from django.urls import reverse

from stories.models import EmpathyAnswers, Kind, Sentiment, Visibility
from tests.stories.factories import EmpathyAnswersFactory, StoryFactory

pytestmark = pytest.mark.django_db


def edit_url(story) -> str:
    return reverse("stories:empathy_edit", args=[story.pk])


def corrected(**changes: str) -> dict[str, str]:
    return {
        "company": "Starling",
        "experience": "negative",
        "what_made_it": "The app froze at the checkout.",
        "why_it_stood_out": "It was the third time this month.",
        "would_stay": "unsure",
        "meaning_for_us": "Our checkout must never freeze.",
        "title": "",
        **changes,
    }


@pytest.fixture
def alices_answers(alice):
    return EmpathyAnswersFactory(story__author=alice, story__tags=["banking"])


def test_it_opens_the_edit_form_from_the_story_page(alice_client, alices_answers):
    story = alices_answers.story

    page = alice_client.get(story.get_absolute_url())
    old_address = alice_client.get(reverse("stories:edit", args=[story.pk]))

    assert f'href="{edit_url(story)}"' in page.text
    assert old_address.status_code == 302
    assert old_address["Location"] == edit_url(story)


def test_it_shows_the_answers_as_they_were_filed(alice_client, alices_answers):
    response = alice_client.get(edit_url(alices_answers.story))

    form = response.context["form"]
    assert response.status_code == 200
    assert form["company"].value() == "Monzo"
    assert form["what_made_it"].value() == "They fixed my card in two minutes, in the app."
    assert form["would_stay"].value() == "yes"
    # The headline was made from the company, so it is left to follow a corrected one.
    assert form["title"].value() is None
    assert "Save changes" in response.text


@pytest.mark.parametrize("persona", ["alice", "ada"])
def test_it_lets_the_author_or_an_admin_correct_every_answer(request, persona, alices_answers):
    client = request.getfixturevalue(f"{persona}_client")
    story = alices_answers.story

    response = client.post(edit_url(story), corrected())

    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    answers = EmpathyAnswers.objects.select_related("story").get(pk=alices_answers.pk)
    assert (answers.company, answers.experience, answers.would_stay) == (
        "Starling",
        "negative",
        "unsure",
    )
    assert answers.what_made_it == "The app froze at the checkout."
    assert answers.why_it_stood_out == "It was the third time this month."
    assert answers.meaning_for_us == "Our checkout must never freeze."
    # The story follows the answers as when it was filed, and keeps the rest.
    assert answers.story.title == "My experience with Starling"
    assert answers.story.sentiment == Sentiment.FRUSTRATION
    assert (answers.story.kind, answers.story.author) == (Kind.EMPATHY, story.author)
    assert list(answers.story.tags.values_list("name", flat=True)) == ["banking"]
    assert answers.story.happened_on == story.happened_on


def test_it_keeps_a_headline_the_author_wrote(alice_client, alice):
    answers = EmpathyAnswersFactory(story__author=alice, story__title="Monzo was quick")

    shown = alice_client.get(edit_url(answers.story)).context["form"]["title"].value()
    alice_client.post(edit_url(answers.story), corrected(title="  Starling froze  "))

    assert shown == "Monzo was quick"
    answers.story.refresh_from_db()
    assert answers.story.title == "Starling froze"


@pytest.mark.parametrize("persona", ["bob", "hugo", "lena"])
def test_it_refuses_everyone_else(request, persona, alices_answers):
    client = request.getfixturevalue(f"{persona}_client")

    page = client.get(edit_url(alices_answers.story))
    forged = client.post(edit_url(alices_answers.story), corrected())

    assert (page.status_code, forged.status_code) == (403, 403)
    assert EmpathyAnswers.objects.get().company == "Monzo"


def test_it_keeps_a_private_story_unknown_to_others(bob_client, alice):
    answers = EmpathyAnswersFactory(story__author=alice, story__visibility=Visibility.PRIVATE)

    assert bob_client.get(edit_url(answers.story)).status_code == 404


def test_it_has_nothing_to_edit_on_a_story_without_answers(alice_client, alice):
    insight = StoryFactory(author=alice)
    bare = StoryFactory(author=alice, kind=Kind.EMPATHY)

    assert alice_client.get(edit_url(insight)).status_code == 404
    # An empathy story filed without answers is corrected on the story form, as before.
    assert alice_client.get(reverse("stories:edit", args=[bare.pk])).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("company", "  ", "Name the company or service you were a customer of."),
        ("experience", "ecstatic", "Choose positive, negative or a bit of both."),
        ("what_made_it", "", "Say what made it good or bad."),
        ("why_it_stood_out", "", "Say why it stood out for you."),
        ("would_stay", "", "Say whether you would keep doing business with them."),
        ("meaning_for_us", "", "Say what it means for our company."),
        ("title", "x" * 201, "Keep this to at most 200 characters"),
    ],
)
def test_it_checks_a_correction_as_when_filing_and_keeps_what_was_typed(
    alice_client, alices_answers, field, value, message
):
    response = alice_client.post(edit_url(alices_answers.story), corrected(**{field: value}))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.text
    assert "Nothing you typed was lost" in response.text
    assert "Starling" in response.text or field == "company"
    assert "Our checkout must never freeze." in response.text or field == "meaning_for_us"
    stored = EmpathyAnswers.objects.select_related("story").get()
    assert (stored.company, stored.story.title) == ("Monzo", "My experience with Monzo")


def test_it_shows_the_edit_form_in_a_few_queries(
    alice_client, alices_answers, django_assert_max_num_queries
):
    # Session, person, two permission reads, the answers with their story, the header's profile.
    with django_assert_max_num_queries(6):
        response = alice_client.get(edit_url(alices_answers.story))

    assert response.status_code == 200
