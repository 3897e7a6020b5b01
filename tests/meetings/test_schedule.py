import datetime

import pytest
import time_machine
from django.utils import timezone

from meetings.models import Cadence, Meeting, Weekday
from meetings.schedule import next_empathy_sharer, series_upcoming_meetings
from tests.meetings.factories import SeriesFactory
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_it_creates_the_next_occurrences_on_demand_once():
    series = SeriesFactory(
        weekday=Weekday.MONDAY, starts_at=datetime.time(9, 30), first_day=datetime.date(2026, 11, 1)
    )
    first = series_upcoming_meetings(series=series, count=2)
    again = series_upcoming_meetings(series=series, count=2)
    assert [m.pk for m in first] == [m.pk for m in again]
    assert [timezone.localtime(m.starts_at).date() for m in first] == [
        datetime.date(2026, 11, 23),
        datetime.date(2026, 11, 30),
    ]
    assert Meeting.objects.count() == 2


@time_machine.travel(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_it_counts_fortnights_from_the_first_day():
    series = SeriesFactory(
        weekday=Weekday.MONDAY, cadence=Cadence.FORTNIGHTLY, first_day=datetime.date(2026, 11, 2)
    )
    slots = series.slots_after(timezone.now(), 2)
    assert [timezone.localtime(slot).date() for slot in slots] == [
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 14),
    ]


def test_it_rotates_empathy_fairly_through_every_member():
    hosts = PersonFactory.create_batch(2)
    attendees = PersonFactory.create_batch(2)
    series = SeriesFactory(hosts=hosts)
    series.attendees.set(attendees)
    meetings = series_upcoming_meetings(series=series, count=6)
    sharers = [meeting.empathy_sharer for meeting in meetings]
    assert set(sharers[:4]) == {*hosts, *attendees}
    assert sharers[4:] == sharers[:2]


def test_it_has_no_sharer_for_an_empty_series():
    series = SeriesFactory()
    series.hosts.clear()
    assert next_empathy_sharer(series) is None
