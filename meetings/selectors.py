"""Reads about a person's meetings that pages elsewhere (the home page) build on.

Each reads a short list in one query, whatever the number of series, meetings or actions. They
only read: a page that shows coming meetings first makes sure they exist (meetings.schedule).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.expressions import Combinable
from django.utils import timezone

from insightboard.people.roles import is_admin
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from stories.models import Story

HOME_MEETINGS = 6
HOME_TURNS = 3
HOME_ACTIONS = 10
UPCOMING = 20

Hosts = MeetingSeries.hosts.through
Attendees = MeetingSeries.attendees.through


def series_of(person: User) -> Q:
    """Series the person hosts or attends (through the link tables: no join, no duplicates)."""
    hosted = Hosts.objects.filter(user=person).values("meetingseries_id")
    attended = Attendees.objects.filter(user=person).values("meetingseries_id")
    return Q(pk__in=hosted) | Q(pk__in=attended)


def meetings_of(person: User) -> Q:
    """Meetings of the series the person hosts or attends, and the one-offs they set up.

    Narrower than `Meeting.objects.visible_to`: an admin sees every meeting, but their home page
    is about their own.
    """
    series = MeetingSeries.objects.filter(series_of(person)).values("pk")
    return Q(series__in=series) | Q(series=None, created_by=person)


def hosting(person: User) -> Combinable:
    """True for meetings the person runs: as a series host, the one-off's creator, or an admin."""
    if is_admin(person):
        return Value(True)
    hosts = Hosts.objects.filter(meetingseries_id=OuterRef("series_id"), user=person)
    return ExpressionWrapper(
        Q(Exists(hosts)) | Q(series=None, created_by=person), output_field=BooleanField()
    )


def home_meetings(person: User, *, limit: int = HOME_MEETINGS) -> list[Meeting]:
    """The next meeting of each of the person's series, and their one-offs, soonest first.

    Each comes with its opener's story (or none yet) and `hosting`.
    """
    now = timezone.now()
    # A meeting in progress still counts (the host may be presenting it right now).
    upcoming = Meeting.objects.filter(ends_at__gt=now)
    earlier_in_series = upcoming.filter(
        series=OuterRef("series"), starts_at__lt=OuterRef("starts_at")
    )
    return list(
        upcoming.filter(meetings_of(person))
        .filter(~Exists(earlier_in_series))
        .annotate(hosting=hosting(person))
        .select_related("opener__story")
        .order_by("starts_at", "pk")[:limit]
    )


def empathy_turns(person: User, *, limit: int = HOME_TURNS) -> list[Meeting]:
    """Coming meetings where it is the person's turn to share and they have not written it yet."""
    return list(
        Meeting.objects.filter(
            meetings_of(person),
            empathy_sharer=person,
            empathy_story=None,
            ends_at__gt=timezone.now(),
        ).order_by("starts_at", "pk")[:limit]
    )


def open_actions(person: User, *, limit: int = HOME_ACTIONS) -> list[ActionItem]:
    """The person's actions not done yet, wherever they came from: due soonest first."""
    return list(
        ActionItem.objects.filter(owner=person, done=False)
        .select_related("meeting")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "pk")[:limit]
    )


def series_of_person(person: User) -> list[MeetingSeries]:
    """The series the person hosts or attends (whose next meetings their home page shows)."""
    return list(MeetingSeries.objects.filter(series_of(person)))


def upcoming_meetings(person: User, *, limit: int = UPCOMING) -> list[Meeting]:
    """The coming meetings the person may see (every one, for an admin), soonest first."""
    return list(
        Meeting.objects.visible_to(person)
        .upcoming()
        .select_related("series", "opener__story")[:limit]
    )


def opener_of(meeting: Meeting) -> Opener | None:
    """The story the meeting opened with, its author and tags, and who kept it."""
    return (
        Opener.objects.select_related("story__author__profile", "kept_by__profile")
        .prefetch_related("story__tags")
        .filter(meeting=meeting)
        .first()
    )


def meeting_actions(meeting: Meeting) -> list[ActionItem]:
    return list(meeting.actions.select_related("owner__profile"))


def story_lineage(story: Story, person: User | AnonymousUser) -> list[Opener]:
    """The meetings (that the person may see) a story opened, newest first, with the actions
    that came out of it."""
    return list(
        Opener.objects.filter(story=story, meeting__in=Meeting.objects.visible_to(person))
        .select_related("meeting__series")
        .prefetch_related(
            Prefetch(
                "meeting__actions",
                queryset=ActionItem.objects.filter(story=story).select_related("owner__profile"),
            )
        )
        .order_by("-meeting__starts_at")
    )
