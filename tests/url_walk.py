"""Every named URL in the project, with its arguments filled in, for tests that visit them all."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from insightboard.digest.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    DigestPolicy,
    DigestStatus,
    DistributionAddress,
    FeaturedStory,
)
from insightboard.metrics.models import Metric, MetricValue
from insightboard.outbox.services import handover_record
from insightboard.people.models import ApiToken, Invitation
from insightboard.people.tokens import api_token_create
from insightboard.weeks import last_complete_week, week_label
from insightboard.weeks import week_start as week_of
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from stories.models import (
    EmpathyAnswers,
    ExecutiveReport,
    Kind,
    LeaderReminder,
    Story,
    StoryImport,
    StoryMerge,
)
from tests.stories.factories import ReactionFactory, StoryFactory


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: URLPattern
    route: str  # the whole path pattern, as in "stories/<int:story_id>/"

    @property
    def is_admin(self) -> bool:
        return bool(self.name and self.name.startswith("admin:"))

    @property
    def arguments(self) -> list[str]:
        return list(self.pattern.pattern.regex.groupindex)


def walk(
    patterns: list[URLPattern | URLResolver], namespace: str = "", prefix: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name, entry, prefix + str(entry.pattern))


def project_routes() -> list[Route]:
    """Each named route once (the people app's sign-in shadows django.contrib.auth's)."""
    seen: dict[str | None, Route] = {}
    unnamed: list[Route] = []
    for route in walk(get_resolver().url_patterns):
        if route.name is None:
            unnamed.append(route)
        else:
            seen.setdefault(route.name, route)
    return [*seen.values(), *unnamed]


# An id no row has: the admin answers it with "doesn't exist" and a redirect to its index.
NO_ROW = 0


def admin_object_id(name: str) -> int:
    """The first row of the model behind an admin URL such as admin:stories_story_change."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return NO_ROW if pk is None else int(pk)
    raise AssertionError(f"No admin model behind {name}.")


def has_no_row(route: Route) -> bool:
    """An admin page about one object whose model has no rows in this test."""
    assert route.name is not None
    return (
        route.is_admin
        and route.name != "admin:view_on_site"
        and bool({"object_id", "id"} & set(route.arguments))
        and admin_object_id(route.name) == NO_ROW
    )


def url_for(route: Route, story: Story) -> str:
    """The route's path, arguments filled with a real story (or the admin model's first row)."""
    assert route.name is not None
    values: dict[str, object] = {
        "story_id": story.pk,
        "uidb64": "MQ",
        "token": "not-a-token",
        "app_label": "stories",
        "content_type_id": ContentType.objects.get_for_model(Story).pk,
        "meeting_id": Meeting.objects.order_by("pk").values_list("pk", flat=True).first(),
        "series_id": MeetingSeries.objects.order_by("pk").values_list("pk", flat=True).first(),
        "action_id": ActionItem.objects.order_by("pk").values_list("pk", flat=True).first(),
        "metric_id": Metric.objects.order_by("pk").values_list("pk", flat=True).first(),
        "token_id": ApiToken.objects.order_by("pk").values_list("pk", flat=True).first(),
        "merge_id": StoryMerge.objects.order_by("pk").values_list("pk", flat=True).first(),
        "import_id": StoryImport.objects.order_by("pk").values_list("pk", flat=True).first(),
        "label": week_label(
            Digest.objects.order_by("week").values_list("week", flat=True).first()
            or last_complete_week()
        ),
        "delivery_id": Delivery.objects.order_by("pk").values_list("pk", flat=True).first()
        or NO_ROW,
        "invitation_id": Invitation.objects.order_by("pk").values_list("pk", flat=True).first()
        or NO_ROW,
        "address_id": DistributionAddress.objects.order_by("pk")
        .values_list("pk", flat=True)
        .first()
        or NO_ROW,
    }
    kwargs: dict[str, object] = {}
    for argument in route.arguments:
        if argument == "object_id" and route.name == "admin:view_on_site":
            kwargs[argument] = story.pk
        elif argument in {"object_id", "id"}:
            kwargs[argument] = admin_object_id(route.name)
        else:
            assert argument in values, f"Teach tests/url_walk.py a value for <{argument}>."
            kwargs[argument] = values[argument]
    return reverse(route.name, kwargs=kwargs)


def story_to_walk(author, reactor) -> Story:
    """A company story with a tag and a reaction, plus sign-in records, so admin pages have rows,
    and an API key for the author."""
    story = StoryFactory(author=author, tags=["checkout"], body="**Bold** words")
    ReactionFactory(story=story, person=reactor)
    api_token_create(person=author, name="Walk")
    attempt = {"username": reactor.username, "ip_address": "10.0.0.1", "user_agent": "walk"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)
    # Background work waiting for a broker, as when one was away: the outbox's admin pages.
    handover_record(task="insightboard.people.tasks.send_invitation", args=[author.pk], kwargs={})
    records_to_walk(author, reactor)
    return story


def records_to_walk(author, reactor) -> None:
    """A row for each of the stories app's other models, so their admin pages have one to show."""
    empathy = StoryFactory(author=author, kind=Kind.EMPATHY, title="The bike shop fixed it free")
    EmpathyAnswers.objects.create(
        story=empathy,
        company="The bike shop",
        experience="positive",
        what_made_it="They fixed it while I waited.",
        why_it_stood_out="Nobody asked them to.",
        would_stay="yes",
        meaning_for_us="Small favours are remembered.",
    )
    report = StoryFactory(author=author, kind=Kind.EXECUTIVE, title="Renewals hinge on onboarding")
    ExecutiveReport.objects.create(
        story=report,
        spoke_with="Three enterprise customers",
        conversations=3,
        place="visit",
        insight="Onboarding decides the renewal.",
        suggested_action="Call every new customer in week two",
        action_owner=reactor,
    )
    LeaderReminder.objects.create(leader=author, due_since=datetime.date(2025, 1, 1))
    StoryMerge.objects.create(source=empathy, target=report, merged_by=reactor)
    StoryImport.objects.create(person=author, filename="walk.csv", content="title,sentiment\n")
    metric = Metric.objects.create(name="Net Promoter Score", good_direction="up")
    MetricValue.objects.create(
        metric=metric, week=week_of(datetime.date.today()), value=42, recorded_by=reactor
    )
    digest_to_walk(reactor, featured=report)


def digest_to_walk(person, *, featured: Story) -> None:
    """Last week's digest, skipped, with a delivery to one person, a story it featured, a
    distribution list and the policy, so the digest's pages and its admin pages have a row each."""
    digest = Digest.objects.create(
        week=last_complete_week(), status=DigestStatus.SKIPPED, reason="Nothing new (the walk)."
    )
    Delivery.objects.create(
        digest=digest,
        address=person.email,
        person=person,
        message_id="<digest.walk@insightboard.invalid>",
        date=digest.created_at,
        status=DeliveryStatus.SKIPPED,
        answer="Walked, not sent.",
    )
    FeaturedStory.objects.create(digest=digest, story=featured, featured_at=digest.created_at)
    DistributionAddress.objects.create(address="all-staff@example.com", added_by=person)
    DigestPolicy.objects.create(pk=1, leaders_may_send=False)


def meeting_to_walk(story: Story, *, host, attendee) -> Meeting:
    """A weekly series hosted by one persona and attended by another, opened with the story."""
    from tests.meetings.factories import MeetingFactory, SeriesFactory

    series = SeriesFactory(hosts=[host])
    series.attendees.set([attendee])
    meeting = MeetingFactory(series=series, empathy_sharer=attendee)
    Opener.objects.create(meeting=meeting, series=series, story=story, reason="walk", kept_by=host)
    ActionItem.objects.create(meeting=meeting, story=story, text="Call them back", owner=host)
    return meeting
