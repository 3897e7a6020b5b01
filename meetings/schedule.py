"""A series' occurrences, created when first needed, each with whose turn it is to share.

Meetings of a series are rows made on demand (a page, the pre-brief sweep), never in advance for
all time; a unique (series, start) constraint makes two requests creating the same one harmless.
"""

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries


def series_members(series: MeetingSeries) -> list[User]:
    return list(
        User.objects.filter(Q(hosted_series=series) | Q(attended_series=series))
        .distinct()
        .order_by("pk")
    )


def next_empathy_sharer(series: MeetingSeries) -> User | None:
    """Whoever shared longest ago (never, first) shares next; ties go to the longest member."""
    members = series_members(series)
    last_turns = dict(
        Meeting.objects.filter(series=series, empathy_sharer__in=members)
        .values("empathy_sharer")
        .annotate(last=Max("starts_at"))
        .values_list("empathy_sharer", "last")
    )
    never = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return min(
        members, key=lambda person: (last_turns.get(person.pk, never), person.pk), default=None
    )


def series_upcoming_meetings(*, series: MeetingSeries, count: int = 2) -> list[Meeting]:
    """The series' next occurrences, created on first need with the next empathy sharer each."""
    meetings = []
    for slot in series.slots_after(timezone.now(), count):
        with transaction.atomic():
            meeting = (
                Meeting.objects.select_for_update().filter(series=series, starts_at=slot).first()
            )
            if meeting is None:
                try:
                    with transaction.atomic():
                        meeting = Meeting.objects.create(
                            series=series,
                            title=series.name,
                            starts_at=slot,
                            ends_at=slot + series.duration(),
                            empathy_sharer=next_empathy_sharer(series),
                        )
                except IntegrityError:
                    # Another request created this occurrence a moment ago: use theirs.
                    meeting = Meeting.objects.get(series=series, starts_at=slot)
        meetings.append(meeting)
    return meetings


def series_upcoming_ensure(*, series_list: list[MeetingSeries], count: int = 1) -> None:
    """Create any missing next occurrences of many series; one read when they all exist."""
    now = timezone.now()
    slots = {series.pk: series.slots_after(now, count) for series in series_list}
    wanted = {slot for series_slots in slots.values() for slot in series_slots}
    if not wanted:
        return
    existing = set(
        Meeting.objects.filter(series__in=list(slots), starts_at__in=wanted).values_list(
            "series_id", "starts_at"
        )
    )
    for series in series_list:
        if any((series.pk, slot) not in existing for slot in slots[series.pk]):
            series_upcoming_meetings(series=series, count=count)
