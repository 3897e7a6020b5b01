"""Reads about a person's meetings that pages elsewhere (the home page) build on.

Each reads a short list in one query (home_meetings first makes sure next occurrences exist,
in two more), whatever the number of series, meetings or actions.
"""

from django.contrib.auth.models import User
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.db.models.expressions import Combinable
from django.utils import timezone

from insightboard.people.roles import is_admin
from meetings.models import ActionItem, Meeting, MeetingSeries
from meetings.services import series_upcoming_ensure

HOME_MEETINGS = 6
HOME_TURNS = 3
HOME_ACTIONS = 10

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

    Each comes with its opener's story (or none yet) and `hosting`. Creates the next occurrence
    of a series on first need, so call it before `empathy_turns`, which reads who shares there.
    """
    # Two reads once they exist (the usual case); the first view after a new slot comes into
    # range creates it, with its empathy sharer.
    series_upcoming_ensure(series_list=list(MeetingSeries.objects.filter(series_of(person))))
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
