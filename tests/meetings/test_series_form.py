"""Setting up a series without Ctrl-click, and the meetings page listing the meetings held."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import MeetingSeries, Weekday
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import series_fields

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_it_offers_hosts_and_attendees_as_checkboxes(hugo_client, alice) -> None:
    response = hugo_client.get(reverse("meetings:series_create"))

    text = response.text
    assert '<select name="hosts"' not in text
    assert '<select name="attendees"' not in text
    assert f'type="checkbox" name="hosts" value="{alice.pk}"' in text
    assert f'type="checkbox" name="attendees" value="{alice.pk}"' in text
    assert "Ctrl-click" not in text


def test_it_preselects_the_person_setting_it_up_as_host(hugo, hugo_client) -> None:
    response = hugo_client.get(reverse("meetings:series_create"))

    assert response.context["form"]["hosts"].value() == [hugo.pk]
    assert f'name="hosts" value="{hugo.pk}" id="id_hosts_0" checked' in response.text


def test_it_takes_the_weekday_from_the_first_meeting(hugo, hugo_client) -> None:
    fields = series_fields(hosts=[hugo.pk], first_day="2026-11-24")  # a Tuesday

    hugo_client.post(reverse("meetings:series_create"), fields)

    series = MeetingSeries.objects.get()
    assert series.weekday == Weekday.TUESDAY
    assert "weekday" not in hugo_client.get(reverse("meetings:series_create")).context["form"]


def test_it_keeps_the_weekday_of_a_series_saved_before(hugo, hugo_client) -> None:
    # Saved when the form still asked for a weekday: it meets on Fridays from a Monday.
    series = SeriesFactory(
        hosts=[hugo], weekday=Weekday.FRIDAY, first_day=datetime.date(2026, 11, 2)
    )
    url = reverse("meetings:series_edit", args=[series.pk])

    hugo_client.post(url, series_fields(hosts=[hugo.pk], first_day="2026-11-02", name="Renamed"))
    series.refresh_from_db()
    assert (series.name, series.weekday) == ("Renamed", Weekday.FRIDAY)

    hugo_client.post(url, series_fields(hosts=[hugo.pk], first_day="2026-11-25"))
    series.refresh_from_db()
    assert series.weekday == Weekday.WEDNESDAY


def test_it_lists_past_meetings_latest_first_a_page_at_a_time(
    hugo, hugo_client, django_assert_max_num_queries
) -> None:
    series = SeriesFactory(name="Support weekly", hosts=[hugo])
    for weeks in range(1, 23):
        meeting = MeetingFactory(
            series=series, title=f"Week -{weeks}", starts_at=NOW - datetime.timedelta(weeks=weeks)
        )
        if weeks == 1:
            OpenerFactory(meeting=meeting, kept_by=hugo)
    hugo_client.get(reverse("meetings:list"))  # the first visit makes the coming meetings

    with django_assert_max_num_queries(12):
        response = hugo_client.get(reverse("meetings:list"))

    past = [meeting.title for meeting in response.context["past"].rows]
    assert "Past meetings" in response.text
    assert past[:2] == ["Week -1", "Week -2"]
    assert len(past) == 20
    assert "Opened with a customer insight" in response.text
    second = hugo_client.get(reverse("meetings:list"), {"page": 2})
    assert [meeting.title for meeting in second.context["past"].rows] == ["Week -21", "Week -22"]


def test_it_lists_only_the_past_meetings_the_person_may_see(alice_client, hugo) -> None:
    MeetingFactory(
        series=SeriesFactory(hosts=[hugo]),
        title="Hugo's private sync",
        starts_at=NOW - datetime.timedelta(days=1),
    )

    response = alice_client.get(reverse("meetings:list"))

    assert "Hugo's private sync" not in response.text
    assert "Past meetings" not in response.text
