import datetime

import factory
from django.utils import timezone

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener, Weekday
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Weekly sync {n}")
    weekday = Weekday.MONDAY
    starts_at = datetime.time(9, 30)
    ends_at = datetime.time(10, 0)
    first_day = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def hosts(self, create, people, **kwargs):
        if create:
            self.hosts.set(people or [PersonFactory()])


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    series = factory.SubFactory(SeriesFactory)
    title = factory.LazyAttribute(lambda o: o.series.name if o.series else "One-off")
    # Weekly from next week, within the planning range (two years) however many a run makes:
    # after 90 weeks it starts over, a minute later each time, so no two share a start.
    starts_at = factory.Sequence(
        lambda n: timezone.now() + datetime.timedelta(days=7 * (n % 90 + 1), minutes=n // 90)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=30))


class OpenerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opener

    meeting = factory.SubFactory(MeetingFactory)
    series = factory.SelfAttribute("meeting.series")
    story = factory.SubFactory(StoryFactory)
    reason = "picked by a host"
    kept_by = factory.SubFactory(PersonFactory)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    story = factory.SubFactory(StoryFactory)
    text = factory.Sequence(lambda n: f"Call the customer back, case {n}")
    owner = factory.SubFactory(PersonFactory)
