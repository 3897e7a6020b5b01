"""Reads about meetings that pages elsewhere (the home page) and the weekly digest build on.

Each reads a short list in one query, whatever the number of series, meetings or actions. They
only read: a page that shows coming meetings first makes sure they exist (meetings.schedule).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.utils import timezone

from insightboard.people.roles import is_admin
from meetings.models import ActionItem, Meeting, MeetingQuerySet, MeetingSeries, Opener
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
    upcoming = Meeting.objects.filter(ends_at__gt=now).planned()
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
        )
        .planned()
        .order_by("starts_at", "pk")[:limit]
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


# --- A week of meetings, as the weekly digest reads it -----------------------------------------


def stories_opening_in(start: datetime.datetime, end: datetime.datetime) -> set[int]:
    """The stories that opened a meeting held in [start, end)."""
    openers = Opener.objects.filter(
        meeting__starts_at__gte=start, meeting__starts_at__lt=end, story__isnull=False
    )
    return set(openers.values_list("story_id", flat=True))


def openings_until(end: datetime.datetime) -> dict[int, tuple[int, int]]:
    """Story id -> (meetings it opened, people it resonated with there), for every story that
    opened a meeting held before `end` (a few per meeting ever held: no story list needed)."""
    rows = (
        Opener.objects.filter(meeting__starts_at__lt=end, story__isnull=False)
        .values("story_id")
        .annotate(meetings=Count("pk"), resonated=Sum("meeting__resonated_with"))
        .values_list("story_id", "meetings", "resonated")
    )
    return {story_id: (meetings, resonated or 0) for story_id, meetings, resonated in rows}


def opened_at_latest(
    story_ids: Sequence[int], end: datetime.datetime
) -> dict[int, datetime.datetime]:
    """When each story last opened a meeting, before `end`."""
    rows = (
        Opener.objects.filter(story_id__in=story_ids, meeting__starts_at__lt=end)
        .values("story_id")
        .annotate(latest=Max("meeting__starts_at"))
        .values_list("story_id", "latest")
    )
    return dict(rows)


@dataclass(frozen=True)
class RitualCounts:
    """Whether the meetings ritual happened in a week."""

    meetings_held: int
    opened_with_insight: int
    actions_opened: int
    actions_closed: int


def ritual_counts(start: datetime.datetime, end: datetime.datetime) -> RitualCounts:
    held = Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end).aggregate(
        held=Count("pk"), opened=Count("opener")
    )
    actions = ActionItem.objects.aggregate(
        opened=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        closed=Count("pk", filter=Q(done=True, done_at__gte=start, done_at__lt=end)),
    )
    return RitualCounts(
        meetings_held=held["held"],
        opened_with_insight=held["opened"],
        actions_opened=actions["opened"],
        actions_closed=actions["closed"],
    )


def actions_done_in(
    start: datetime.datetime, end: datetime.datetime, *, limit: int
) -> list[ActionItem]:
    """Actions finished in the week, with the story each came out of, newest first."""
    return list(
        ActionItem.objects.filter(
            done=True, done_at__gte=start, done_at__lt=end, story__isnull=False
        )
        .select_related("story", "owner__profile", "meeting")
        .order_by("-done_at", "-pk")[:limit]
    )


def reach_of_authors(
    start: datetime.datetime, end: datetime.datetime
) -> dict[int, tuple[int, int]]:
    """Author id -> (meetings their stories opened, actions that came out of them) in the week."""
    opened = dict(
        Opener.objects.filter(
            meeting__starts_at__gte=start, meeting__starts_at__lt=end, story__isnull=False
        )
        .values("story__author")
        .annotate(total=Count("pk"))
        .values_list("story__author", "total")
    )
    acted = dict(
        ActionItem.objects.filter(created_at__gte=start, created_at__lt=end, story__isnull=False)
        .values("story__author")
        .annotate(total=Count("pk"))
        .values_list("story__author", "total")
    )
    return {
        author: (opened.get(author, 0), acted.get(author, 0))
        for author in opened.keys() | acted.keys()
    }


def past_meetings(person: User) -> MeetingQuerySet:
    """The meetings the person may see that have started, latest first. Whether each had an
    opener shows; which story it was, only on the meeting's page, where its visibility is checked.
    """
    return (
        Meeting.objects.visible_to(person)
        .filter(starts_at__lt=timezone.now())
        .select_related("series", "opener")
        .order_by("-starts_at", "-id")
    )
