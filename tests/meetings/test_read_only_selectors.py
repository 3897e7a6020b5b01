"""Reads only read: the home page's meeting selectors write nothing, even when the next
occurrence of a series does not exist yet (the page makes sure of it before it reads)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from meetings.selectors import empathy_turns, home_meetings, open_actions, upcoming_meetings
from tests.meetings.factories import SeriesFactory

pytestmark = pytest.mark.django_db


def test_it_writes_nothing_while_reading_a_persons_meetings(hugo):
    SeriesFactory(hosts=[hugo])

    with CaptureQueriesContext(connection) as queries:
        home_meetings(hugo)
        empathy_turns(hugo)
        open_actions(hugo)
        upcoming_meetings(hugo)

    statements = [query["sql"].split()[0].upper() for query in queries]
    assert set(statements) == {"SELECT"}
    assert not Meeting.objects.exists()


def test_it_shows_the_next_meeting_on_the_home_page_of_a_new_series(hugo, hugo_client):
    series = SeriesFactory(hosts=[hugo])

    response = hugo_client.get("/")

    assert [meeting.series for meeting in response.context["next_meetings"]] == [series]
