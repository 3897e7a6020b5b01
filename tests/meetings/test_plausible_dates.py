"""A meeting starts within the next two years: the forms and the model refuse a series, a one-off
or an action due date further out, and pages that list meetings survive a row saved before."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import ActionItem, Meeting, MeetingSeries
from meetings.notifications import meetings_due_prebrief
from tests.conftest import client_for
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import NOW, one_off_fields, series_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


THREE_YEARS_AHEAD = "2029-11-22"
TOO_FAR = "18 November 2028"


# --- Typing a date ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [THREE_YEARS_AHEAD, "9999-12-30"])
def test_it_refuses_a_series_starting_more_than_two_years_ahead(hugo, hugo_client, day):
    fields = series_fields(first_day=day, hosts=[hugo.pk])

    response = hugo_client.post(reverse("meetings:series_create"), fields)

    assert response.status_code == 200
    assert f"is more than 2 years ahead: choose a day up to {TOO_FAR}." in response.text
    assert not MeetingSeries.objects.exists()


def test_it_sets_up_a_series_starting_next_year(hugo, hugo_client):
    response = hugo_client.post(
        reverse("meetings:series_create"), series_fields(first_day="2027-11-18", hosts=[hugo.pk])
    )

    assert response.status_code == 302
    assert MeetingSeries.objects.get().first_day == datetime.date(2027, 11, 18)


def test_it_offers_only_plausible_days_in_the_date_pickers(hugo_client):
    response = hugo_client.get(reverse("meetings:series_create"))

    assert 'max="2028-11-18"' in response.text


def test_it_refuses_a_one_off_more_than_two_years_ahead(hugo_client):
    fields = one_off_fields(starts_at="2029-11-20T14:00", ends_at="2029-11-20T15:00")

    response = hugo_client.post(reverse("meetings:one_off_create"), fields)

    assert response.status_code == 200
    assert "is more than 2 years ahead" in response.text
    assert not Meeting.objects.exists()


def test_it_refuses_an_action_due_more_than_two_years_ahead(hugo, hugo_client, alice):
    opener = OpenerFactory(meeting=MeetingFactory(series=SeriesFactory(hosts=[hugo])))
    data = {"text": "Name an owner for refunds", "owner": alice.pk, "due_on": THREE_YEARS_AHEAD}

    response = hugo_client.post(reverse("meetings:action_add", args=[opener.meeting.pk]), data)

    assert response.status_code == 400
    assert "is more than 2 years ahead" in response.text
    assert not ActionItem.objects.exists()


def test_the_model_refuses_what_no_form_would_send():
    series = SeriesFactory.build(first_day=datetime.date(9999, 12, 30))
    meeting = MeetingFactory.build(
        series=None,
        starts_at=datetime.datetime(1990, 1, 1, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(1990, 1, 1, 10, tzinfo=datetime.UTC),
    )

    with pytest.raises(ValidationError) as series_error:
        series.full_clean(exclude=["hosts"])
    with pytest.raises(ValidationError) as meeting_error:
        meeting.full_clean()

    assert "first_day" in series_error.value.message_dict
    assert "before the company was founded (1 January 2000)" in str(meeting_error.value)


# --- A row saved before these checks ------------------------------------------------------------


@pytest.fixture
def saved_far_ahead(hugo, alice):
    """A series saved for year 9999 and one for 2100, as the old form let them through."""
    far = SeriesFactory(name="Year 9999 sync", hosts=[hugo])
    later = SeriesFactory(name="Next century sync", hosts=[hugo])
    far.attendees.set([alice])
    MeetingSeries.objects.filter(pk=far.pk).update(first_day=datetime.date(9999, 12, 30))
    MeetingSeries.objects.filter(pk=later.pk).update(first_day=datetime.date(2100, 1, 4))
    return far


@pytest.mark.parametrize("persona", ["hugo", "alice", "ada"])
@pytest.mark.parametrize("url_name", ["home", "meetings:list"])
def test_a_series_saved_far_ahead_breaks_no_page(request, saved_far_ahead, persona, url_name):
    client = client_for(request.getfixturevalue(persona))

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    # Nothing is scheduled for it: its first meeting is beyond the planning range.
    assert not Meeting.objects.filter(series__isnull=False).exists()


def test_it_still_lists_the_series_to_correct_its_start(hugo_client, saved_far_ahead):
    response = hugo_client.get(reverse("meetings:list"))
    edit = hugo_client.get(reverse("meetings:series_edit", args=[saved_far_ahead.pk]))

    assert "Year 9999 sync" in response.text
    assert edit.status_code == 200


def test_the_pre_brief_sweep_passes_over_it(saved_far_ahead):
    assert meetings_due_prebrief(within=datetime.timedelta(hours=24)) == []


def test_a_meeting_saved_for_year_9999_is_not_listed_as_coming_up(hugo, hugo_client):
    meeting = MeetingFactory(series=None, created_by=hugo, title="Far one-off")
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=datetime.datetime(9999, 12, 31, 9, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(9999, 12, 31, 10, tzinfo=datetime.UTC),
    )

    home = hugo_client.get(reverse("home"))
    listing = hugo_client.get(reverse("meetings:list"))
    own_page = hugo_client.get(reverse("meetings:detail", args=[meeting.pk]))

    assert (home.status_code, listing.status_code, own_page.status_code) == (200, 200, 200)
    assert "Far one-off" not in home.text
    assert "Far one-off" not in listing.text
    assert "31 December 9999" in own_page.text


def test_it_keeps_scheduling_a_series_inside_the_range(hugo):
    series = SeriesFactory(hosts=[hugo], first_day=datetime.date(2026, 11, 18))

    slots = series.slots_after(NOW, 3)

    assert [slot.date() for slot in slots] == [
        datetime.date(2026, 11, 23),
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 7),
    ]
