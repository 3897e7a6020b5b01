"""People as the sign-up and invitation forms would make them; every one signs in with PASSWORD."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from insightboard.people.models import Profile

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
        "tests.people.factories.ProfileFactory",
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
