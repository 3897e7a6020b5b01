"""Practice 2, the empathy exercise: someone's own recent experience as a customer, as a story."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction

from stories.models import EmpathyAnswers, Experience, Kind, Sentiment, Story, WouldStay
from stories.services import story_create

# How a customer experience reads on the board: good news is a success, bad a frustration, and a
# bit of both is something to think about.
SENTIMENT_OF_EXPERIENCE = {
    Experience.POSITIVE: Sentiment.SUCCESS,
    Experience.NEGATIVE: Sentiment.FRUSTRATION,
    Experience.MIXED: Sentiment.IDEA,
}

HEADLINE_MAX_LENGTH = 200


def empathy_headline(company: str) -> str:
    return f"My experience with {company}"[:HEADLINE_MAX_LENGTH]


@transaction.atomic
def empathy_exercise_create(
    *,
    author: User,
    company: str,
    experience: Experience | str,
    what_made_it: str,
    why_it_stood_out: str,
    would_stay: WouldStay | str,
    meaning_for_us: str,
    title: str = "",
    happened_on: datetime.date | None = None,
) -> Story:
    """Someone's own experience as a customer: an empathy story with the exercise's answers."""
    story = story_create(
        author=author,
        kind=Kind.EMPATHY,
        title=title.strip() or empathy_headline(company),
        sentiment=SENTIMENT_OF_EXPERIENCE[Experience(experience)],
        happened_on=happened_on,
    )
    answers = EmpathyAnswers(
        story=story,
        company=company,
        experience=experience,
        what_made_it=what_made_it,
        why_it_stood_out=why_it_stood_out,
        would_stay=would_stay,
        meaning_for_us=meaning_for_us,
    )
    answers.full_clean()
    answers.save()
    return story


@transaction.atomic
def empathy_exercise_update(
    *,
    answers: EmpathyAnswers,
    company: str,
    experience: Experience | str,
    what_made_it: str,
    why_it_stood_out: str,
    would_stay: WouldStay | str,
    meaning_for_us: str,
    title: str = "",
) -> Story:
    """Corrected answers: the story's headline and sentiment follow them as when it was filed;
    everything else about the story (its date, tags, who sees it) stays as it was."""
    story = answers.story
    story.title = title.strip() or empathy_headline(company)
    story.sentiment = SENTIMENT_OF_EXPERIENCE[Experience(experience)]
    story.full_clean()
    story.save(update_fields=["title", "sentiment", "updated_at"])
    answers.company = company
    answers.experience = experience
    answers.what_made_it = what_made_it
    answers.why_it_stood_out = why_it_stood_out
    answers.would_stay = would_stay
    answers.meaning_for_us = meaning_for_us
    answers.full_clean()
    answers.save()
    return story
