"""When a week's digest is due, in the company's time zone: pure decisions, no database.

Celery beat asks every 15 minutes; each answer depends only on the time and on which weeks
already have a digest, so asking twice gives the same answer and two schedulers agree.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from insightboard.weeks import WEEK, week_start

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Decision(StrEnum):
    SEND = "send"  # compile and send the week's digest now
    SKIP = "skip"  # too late: record that the week was skipped, and why
    WAIT = "wait"  # nothing to do


@dataclass(frozen=True)
class Due:
    decision: Decision
    week: datetime.date  # the Monday of the week the digest reports on
    due_at: datetime.datetime
    late_hours: float


def due_at(week: datetime.date, *, zone: ZoneInfo, day: int, hour: int) -> datetime.datetime:
    """When the digest for `week` falls due: the send day and hour of the week after, locally."""
    local_day = week + WEEK + datetime.timedelta(days=day)
    return datetime.datetime.combine(local_day, datetime.time(hour), tzinfo=zone)


def digest_due(
    now: datetime.datetime,
    *,
    zone: ZoneInfo,
    day: int,
    hour: int,
    max_late_hours: int,
    done: set[datetime.date],
) -> Due:
    """What to do at `now` about the latest week whose digest has fallen due.

    `done` holds the weeks that already have a digest (sent, skipped or compiled). A week whose
    due time passed more than `max_late_hours` ago without one is skipped, never sent days late.
    """
    local_today = now.astimezone(zone).date()
    week = week_start(local_today) - WEEK
    if now < due_at(week, zone=zone, day=day, hour=hour):
        week -= WEEK  # this week's run is still ahead: the latest due one is the week before
    when = due_at(week, zone=zone, day=day, hour=hour)
    late = (now - when).total_seconds() / 3600
    if week in done:
        return Due(Decision.WAIT, week, when, late)
    if late > max_late_hours:
        return Due(Decision.SKIP, week, when, late)
    return Due(Decision.SEND, week, when, late)
