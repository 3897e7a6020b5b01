"""Stories, their tags and reactions, and the practices filed as stories (empathy exercises and
executive reports), as the forms would save them."""

import datetime

import factory

from stories.models import (
    Channel,
    EmpathyAnswers,
    ExecutiveReport,
    Experience,
    Kind,
    Reaction,
    ReportPlace,
    Sentiment,
    Story,
    Tag,
    Visibility,
    WouldStay,
)
from tests.people.factories import PersonFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Customer said thing number {n}")
    sentiment = Sentiment.FRUSTRATION
    channel = Channel.CALL
    author = factory.SubFactory(PersonFactory)
    visibility = Visibility.COMPANY
    happened_on = factory.LazyFunction(datetime.date.today)

    @factory.post_generation
    def tags(self, create: bool, names: list[str] | None, **kwargs: object) -> None:
        if create and names:
            self.tags.set([TagFactory(name=name) for name in names])


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    story = factory.SubFactory(StoryFactory)
    person = factory.SubFactory(PersonFactory)


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
