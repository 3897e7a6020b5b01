"""Bad input to the meetings pages gets a clear message and loses nothing already saved."""

import datetime
import html
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Cadence, Meeting, MeetingSeries, Opener, Weekday
from stories.models import Visibility
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)  # a Wednesday
THURSDAY_MORNING = datetime.datetime(2026, 11, 19, 9, 30, tzinfo=datetime.UTC)
NOTHING_LOST = "Nothing you typed was lost."


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def series(hugo, alice):
    """Saved a month ago, so its first day is already in the past."""
    series = SeriesFactory(
        name="Support weekly",
        team="Support",
        hosts=[hugo],
        weekday=Weekday.THURSDAY,
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(10, 0),
        first_day=datetime.date(2026, 10, 15),
    )
    series.attendees.set([alice])
    return series


@pytest.fixture
def meeting(series):
    return MeetingFactory(series=series, starts_at=THURSDAY_MORNING)


@pytest.fixture
def opened(meeting, hugo):
    """The meeting with its opener kept and a takeaway already saved."""
    OpenerFactory(meeting=meeting, kept_by=hugo)
    Meeting.objects.filter(pk=meeting.pk).update(takeaway="Refunds need an owner")
    meeting.refresh_from_db()
    return meeting


def series_fields(hugo, **overrides: object) -> dict[str, object]:
    return {
        "name": "Product weekly",
        "team": "Product",
        "hosts": [hugo.pk],
        "cadence": "1",
        "starts_at": "09:30",
        "ends_at": "10:00",
        "first_day": "2026-11-19",  # a Thursday: the series meets on Thursdays
        "focus_tags": "checkout",
        **overrides,
    }


def one_off_fields(**overrides: object) -> dict[str, object]:
    return {
        "title": "Refunds deep dive",
        "starts_at": "2026-11-20T14:00",
        "ends_at": "2026-11-20T15:00",
        **overrides,
    }


def keep(client, meeting: Meeting, story_id: object):
    return client.post(
        reverse("meetings:keep", args=[meeting.pk]),
        {"story_id": story_id, "reason": "picked by a host"},
        follow=True,
    )


def assert_series_form_again(response) -> str:
    assert response.status_code == 200
    text = response.text
    assert NOTHING_LOST in text
    return text


# --- A new series --------------------------------------------------------------------------------


SERIES_PROBLEMS = [
    ({"first_day": "2026-11-17"}, "The first meeting cannot be in the past."),
    ({"first_day": "yesterday"}, "Enter a date such as 2026-12-01."),
    ({"ends_at": "09:00"}, "The meeting must end after it starts."),
    ({"ends_at": "09:30"}, "The meeting must end after it starts."),
    ({"starts_at": "half nine"}, "Enter a time such as 09:30."),
    ({"hosts": ["999999"]}, "999999 is not a person here: choose hosts from the list."),
    ({"hosts": ["abc"]}, "Choose hosts from the list."),
    ({"hosts": []}, "Choose at least one host."),
    ({"attendees": ["999999"]}, "999999 is not a person in this company: choose from the list."),
    ({"cadence": "7"}, "Choose how often the meeting happens from the list."),
    ({"cadence": "weekly"}, "Choose how often the meeting happens from the list."),
]


@pytest.mark.parametrize(("overrides", "message"), SERIES_PROBLEMS)
def test_it_refuses_a_bad_new_series_with_a_clear_message(hugo, hugo_client, overrides, message):
    response = hugo_client.post(reverse("meetings:series_create"), series_fields(hugo, **overrides))

    text = assert_series_form_again(response)
    assert message in text
    assert 'value="Product weekly"' in text
    assert 'value="checkout"' in text
    assert not MeetingSeries.objects.exists()
    assert not Meeting.objects.exists()


def test_it_refuses_a_forged_inactive_host(hugo, hugo_client):
    gone = StoryFactory().author
    gone.is_active = False
    gone.save()

    response = hugo_client.post(
        reverse("meetings:series_create"), series_fields(hugo, hosts=[gone.pk])
    )

    assert f"{gone.pk} is not a person here" in assert_series_form_again(response)
    assert not MeetingSeries.objects.exists()


# --- Editing a saved series ----------------------------------------------------------------------


def assert_unchanged(series: MeetingSeries, hugo, alice) -> None:
    series.refresh_from_db()
    assert (series.name, series.team) == ("Support weekly", "Support")
    assert (series.cadence, series.weekday) == (Cadence.WEEKLY, Weekday.THURSDAY)
    assert (series.starts_at, series.ends_at) == (datetime.time(9, 30), datetime.time(10, 0))
    assert series.first_day == datetime.date(2026, 10, 15)
    assert list(series.hosts.all()) == [hugo]
    assert list(series.attendees.all()) == [alice]
    assert not series.focus_tags.exists()


EDIT_PROBLEMS = [
    ({"first_day": "2026-11-01"}, "The first meeting cannot be in the past."),
    ({"ends_at": "08:00"}, "The meeting must end after it starts."),
    ({"hosts": ["999999"]}, "999999 is not a person here: choose hosts from the list."),
    ({"hosts": ["abc"]}, "Choose hosts from the list."),
    ({"cadence": "7"}, "Choose how often the meeting happens from the list."),
]


@pytest.mark.parametrize(("overrides", "message"), EDIT_PROBLEMS)
def test_it_leaves_a_saved_series_unchanged_after_a_bad_edit(
    hugo, alice, hugo_client, series, overrides, message
):
    fields = series_fields(hugo, name="Renamed weekly", attendees=[], **overrides)

    response = hugo_client.post(reverse("meetings:series_edit", args=[series.pk]), fields)

    text = assert_series_form_again(response)
    assert message in text
    assert 'value="Renamed weekly"' in text
    assert "Edit “Support weekly”" in text
    assert_unchanged(series, hugo, alice)


def test_it_keeps_a_series_whose_first_day_has_passed_editable(hugo, alice, hugo_client, series):
    fields = series_fields(
        hugo, name="Support weekly, renamed", attendees=[alice.pk], first_day="2026-10-15"
    )

    response = hugo_client.post(reverse("meetings:series_edit", args=[series.pk]), fields)

    assert response.status_code == 302
    series.refresh_from_db()
    assert series.name == "Support weekly, renamed"
    assert series.first_day == datetime.date(2026, 10, 15)
    assert [tag.name for tag in series.focus_tags.all()] == ["checkout"]


# --- One-off meetings ----------------------------------------------------------------------------


ONE_OFF_PROBLEMS = [
    ({"starts_at": "2026-11-18T11:00"}, "The meeting cannot start in the past."),
    ({"ends_at": "2026-11-20T13:00"}, "The meeting must end after it starts."),
    ({"ends_at": "2026-11-20T14:00"}, "The meeting must end after it starts."),
    ({"starts_at": "soon"}, "Enter a date and time such as 2026-12-01 09:30."),
    ({"title": ""}, "Please fill this in."),
]


@pytest.mark.parametrize(("overrides", "message"), ONE_OFF_PROBLEMS)
def test_it_refuses_a_bad_one_off_with_a_clear_message(hugo_client, overrides, message):
    response = hugo_client.post(reverse("meetings:one_off_create"), one_off_fields(**overrides))

    assert response.status_code == 200
    assert NOTHING_LOST in response.text
    assert message in response.text
    assert not Meeting.objects.exists()


# --- Keeping an opener ---------------------------------------------------------------------------


def test_it_refuses_a_forged_keep_of_a_private_story(hugo_client, meeting):
    private = StoryFactory(visibility=Visibility.PRIVATE)

    response = keep(hugo_client, meeting, private.pk)

    assert "That story is not visible to the whole company" in response.text
    assert not Opener.objects.exists()


def test_it_refuses_a_story_from_this_series_ledger(hugo_client, meeting, series):
    used = StoryFactory()
    OpenerFactory(meeting=MeetingFactory(series=series), story=used)

    response = keep(hugo_client, meeting, used.pk)

    assert "That story already opened a meeting in this series; pull another one." in response.text
    assert not Opener.objects.filter(meeting=meeting).exists()


def test_it_refuses_a_second_opener(hugo_client, meeting, hugo):
    first = OpenerFactory(meeting=meeting, kept_by=hugo)

    response = keep(hugo_client, meeting, StoryFactory().pk)

    assert "This meeting already has its opener." in response.text
    assert list(Opener.objects.all()) == [first]


@pytest.mark.parametrize("story_id", ["abc", "", "-1", "1.5", "9" * 40])
def test_it_refuses_a_story_id_that_is_not_a_number(hugo_client, meeting, story_id):
    response = keep(hugo_client, meeting, story_id)

    assert response.status_code == 200
    assert "Choose a story to open the meeting with." in response.text
    assert not Opener.objects.exists()


def test_it_refuses_a_story_that_does_not_exist(hugo_client, meeting):
    response = keep(hugo_client, meeting, "999999")

    assert "That story is not visible to the whole company" in response.text
    assert not Opener.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"pull": "1", "seen": "abc,,-3,99999999999999999999999"},
        {"offer": "abc"},
        {"offer": "9" * 40},
    ],
)
def test_it_shrugs_off_garbage_in_the_pull_links(hugo_client, meeting, query):
    story = StoryFactory()
    url = reverse("meetings:detail", args=[meeting.pk])

    response = hugo_client.get(f"{url}?{urlencode(query)}")

    assert response.status_code == 200
    candidate = response.context["candidate"]
    assert candidate is None or candidate.story == story


# --- Takeaway and actions ------------------------------------------------------------------------


def test_it_refuses_a_1000_character_takeaway_and_keeps_the_saved_one(hugo_client, opened):
    response = hugo_client.post(
        reverse("meetings:takeaway", args=[opened.pk]),
        {"takeaway": "x" * 1000, "resonated_with": "3"},
    )

    assert response.status_code == 400
    assert "Keep this to at most 300 characters (it has 1000)." in response.text
    assert "x" * 1000 in response.text
    opened.refresh_from_db()
    assert (opened.takeaway, opened.resonated_with) == ("Refunds need an owner", 0)


def test_it_does_not_show_a_rejected_takeaway_as_saved(hugo_client, opened):
    response = hugo_client.post(
        reverse("meetings:takeaway", args=[opened.pk]),
        {"takeaway": "Nobody owns refunds", "resonated_with": "20000"},
    )

    assert response.status_code == 400
    assert "That is more people than a meeting holds." in response.text
    assert '<p class="takeaway"><bdi>Refunds need an owner</bdi></p>' in response.text
    assert '<p class="takeaway"><bdi>Nobody owns refunds' not in response.text
    opened.refresh_from_db()
    assert opened.takeaway == "Refunds need an owner"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_on": "2026-11-17"}, "The due date cannot be in the past."),
        ({"due_on": "next week"}, "Enter a date such as 2026-12-01."),
        ({"owner": "999999"}, "Choose who owns it from the list."),
        ({"owner": "abc"}, "Choose who owns it from the list."),
        ({"text": ""}, "Say what will be done."),
        ({"text": "x" * 1000}, "Keep this to at most 300 characters (it has 1000)."),
    ],
)
def test_it_refuses_a_bad_action_and_keeps_what_was_typed(
    hugo_client, alice, opened, fields, message
):
    data = {"text": "Name an owner for refunds", "owner": alice.pk, "due_on": "2026-11-25"}

    response = hugo_client.post(reverse("meetings:action_add", args=[opened.pk]), data | fields)

    assert response.status_code == 400
    assert message in response.text
    text = data["text"] if "text" not in fields else fields["text"]
    if text:
        assert text in response.text
    assert not ActionItem.objects.exists()


def test_it_asks_for_an_opener_before_actions(hugo_client, meeting, alice):
    response = hugo_client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"text": "Too early", "owner": alice.pk, "due_on": ""},
        follow=True,
    )

    assert "Keep an opener first: actions come out of the customer&#x27;s story." in response.text
    assert not ActionItem.objects.exists()


def test_it_escapes_what_people_typed(hugo_client, alice, opened):
    script = '<script>alert("owned")</script>'

    hugo_client.post(
        reverse("meetings:takeaway", args=[opened.pk]), {"takeaway": script, "resonated_with": "1"}
    )
    hugo_client.post(
        reverse("meetings:action_add", args=[opened.pk]),
        {"text": script, "owner": alice.pk, "due_on": ""},
    )
    response = hugo_client.get(reverse("meetings:detail", args=[opened.pk]))

    assert script not in response.text
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("find", ["x" * 300, '"unbalanced & | ! (', "<script>"])
def test_it_shrugs_off_odd_searches(hugo_client, meeting, find):
    StoryFactory(title="Refund took three weeks")

    response = hugo_client.get(reverse("meetings:detail", args=[meeting.pk]), {"find": find})

    assert response.status_code == 200
    assert response.context["found"] == []
    assert f'name="find" id="id_find" value="{html.escape(find)}"' in response.text


def test_it_ignores_an_off_site_next_after_ticking_off_an_action(hugo, alice, alice_client, opened):
    action = ActionItem.objects.create(
        meeting=opened, story=opened.opener.story, text="Call back", owner=alice
    )

    response = alice_client.post(
        reverse("meetings:action_toggle", args=[action.pk]), {"next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[opened.pk])
