"""When the digest runs: once per ISO week, within half an hour of the local send day and hour,
in any time zone and across daylight-saving changes; too late, it is skipped, never sent late."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from insightboard.digest import runs
from insightboard.digest.models import Delivery, Digest, DigestStatus
from insightboard.digest.schedule import Decision, digest_due
from insightboard.weeks import WEEK, week_start

TICK = datetime.timedelta(minutes=15)
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]


def beat(start: datetime.datetime, end: datetime.datetime, **rules):
    """Beat asking every 15 minutes from start to end; the weeks run (with when) and skipped.

    Weeks before the start count as done, as they would on a running system."""
    first = week_start(start.astimezone(rules["zone"]).date())
    done: set[datetime.date] = {first - WEEK * n for n in range(1, 3)}
    ran: dict[datetime.date, datetime.datetime] = {}
    skipped: set[datetime.date] = set()
    now = start
    while now < end:
        due = digest_due(now, done=done, **rules)
        if due.decision == Decision.SEND:
            assert due.week not in ran
            ran[due.week] = now
            done.add(due.week)
            assert datetime.timedelta(0) <= now - due.due_at < datetime.timedelta(minutes=30)
        elif due.decision == Decision.SKIP:
            skipped.add(due.week)
            done.add(due.week)
        now += TICK
    return ran, skipped


@pytest.mark.parametrize("zone_name", ZONES)
@pytest.mark.parametrize(("day", "hour"), [(0, 8), (4, 17)])
def test_it_runs_once_a_week_in_time_in_every_zone_for_years(zone_name, day, hour):
    zone = ZoneInfo(zone_name)
    start = datetime.datetime(2025, 1, 6, tzinfo=datetime.UTC)
    end = datetime.datetime(2028, 1, 10, tzinfo=datetime.UTC)

    ran, skipped = beat(start, end, zone=zone, day=day, hour=hour, max_late_hours=24)

    first = week_start(start.astimezone(zone).date())
    last = week_start(end.astimezone(zone).date()) - 2 * WEEK
    weeks = {first + WEEK * n for n in range((last - first).days // 7 + 1)}
    assert weeks <= ran.keys(), f"missed {sorted(weeks - ran.keys())[:3]}"
    assert skipped == set()
    for week, when in ran.items():
        local = when.astimezone(zone)
        assert local.weekday() == day
        assert local.hour == hour
        assert local.date() == week + WEEK + datetime.timedelta(days=day)


def test_it_skips_a_week_whose_run_would_start_too_late_and_carries_on():
    zone = ZoneInfo("Europe/London")
    rules = {"zone": zone, "day": 0, "hour": 8, "max_late_hours": 24}
    # Beat was down from Sunday 22 Nov to Wednesday 25 Nov 2026: Monday's run never happened.
    ran, _ = beat(
        datetime.datetime(2026, 11, 9, tzinfo=zone),
        datetime.datetime(2026, 11, 22, tzinfo=zone),
        **rules,
    )
    done = set(ran)
    after = datetime.datetime(2026, 11, 25, 12, tzinfo=zone)

    due = digest_due(after, done=done, **rules)

    assert (due.decision, due.week) == (Decision.SKIP, datetime.date(2026, 11, 16))
    assert due.late_hours > 24
    done.add(due.week)
    assert digest_due(after, done=done, **rules).decision == Decision.WAIT
    next_monday = datetime.datetime(2026, 11, 30, 8, 5, tzinfo=zone)
    assert digest_due(next_monday, done=done, **rules).week == datetime.date(2026, 11, 23)


def test_it_does_not_send_before_the_local_hour():
    zone = ZoneInfo("Australia/Sydney")
    rules = {"zone": zone, "day": 0, "hour": 8, "max_late_hours": 24}
    sunday_night = datetime.datetime(2026, 11, 22, 23, 59, tzinfo=zone)
    week_before = datetime.date(2026, 11, 9)

    due = digest_due(sunday_night, done={week_before}, **rules)

    assert due.decision == Decision.WAIT


@pytest.mark.django_db
def test_it_records_a_skipped_week_and_why_when_the_run_is_too_late(settings, alice):
    settings.TIME_ZONE = "Europe/London"
    settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS = 24
    Digest.objects.create(week=datetime.date(2026, 11, 9), status=DigestStatus.SENT)

    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC), tick=False):
        assert runs.digest_due_now(now=datetime.datetime.now(tz=datetime.UTC)) is None

    skipped = Digest.objects.get(week=datetime.date(2026, 11, 16))
    assert skipped.status == DigestStatus.SKIPPED
    assert "52 hours late" in skipped.reason
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_it_sends_nothing_while_the_digest_is_switched_off(settings):
    settings.INSIGHTBOARD_DIGEST_ENABLED = False

    monday_morning = datetime.datetime(2026, 11, 23, 8, 10, tzinfo=datetime.UTC)

    assert runs.digest_due_now(now=monday_morning) is None
    assert not Digest.objects.exists()
