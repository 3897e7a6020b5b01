"""Empathy exercises and executive reports, as the forms would file them."""

import factory

from stories.models import (
    EmpathyAnswers,
    ExecutiveReport,
    Experience,
    Kind,
    ReportPlace,
    Sentiment,
    WouldStay,
)
from tests.factories import StoryFactory


class EmpathyAnswersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmpathyAnswers

    story = factory.SubFactory(
        StoryFactory,
        kind=Kind.EMPATHY,
        sentiment=Sentiment.SUCCESS,
        title=factory.LazyAttribute(lambda o: f"My experience with {o.factory_parent.company}"),
    )
    company = "Monzo"
    experience = Experience.POSITIVE
    what_made_it = "They fixed my card in two minutes, in the app."
    why_it_stood_out = "My old bank took a week and three calls."
    would_stay = WouldStay.YES
    meaning_for_us = "Our card replacement takes five days; customers notice."


class ExecutiveReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExecutiveReport

    story = factory.SubFactory(StoryFactory, kind=Kind.EXECUTIVE, sentiment=Sentiment.IDEA)
    spoke_with = "Three florists in Leeds"
    conversations = 3
    place = ReportPlace.VISIT
    insight = "Florists order at 5 am, before our support opens."
    suggested_action = "Open the order line at 5 am"
    action_owner = factory.SelfAttribute("story.author")
