import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from insightboard.people.models import Profile
from stories.models import Channel, Reaction, Sentiment, Story, Tag, Visibility

PASSWORD = "insightboard-test"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}@example.com")
    email = factory.SelfAttribute("username")
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(
        "tests.factories.ProfileFactory",
        factory_related_name="user",
        display_name=factory.LazyAttribute(
            lambda o: o.factory_parent.username.split("@")[0].title()
        ),
    )

    @factory.post_generation
    def roles(self, create: bool, names: list[str] | None, **kwargs: object) -> None:
        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    display_name = "Someone"
    team = "Support"


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
