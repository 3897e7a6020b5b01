"""Only show what a person can do: each meetings control appears to those the view lets use it
(the template asks the same function in meetings.permissions), and a refusal says the real reason,
never that a host lacks a role they have."""

from html import unescape

import pytest
from django.urls import reverse

from meetings.models import Weekday
from tests.meetings.factories import ActionItemFactory, MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import NOW, THURSDAY_MORNING, page, series_fields

pytestmark = pytest.mark.django_db

ROLE_HINT = "give you the role"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def hosted(hugo, alice, bob):
    """Hugo hosts it; alice and bob attend."""
    series = SeriesFactory(
        name="Support weekly", hosts=[hugo], weekday=Weekday.THURSDAY, first_day=NOW.date()
    )
    series.attendees.set([alice, bob])
    return series


@pytest.fixture
def attended(hugo, lena):
    """Hugo, a host, only attends this one: lena hosts it."""
    series = SeriesFactory(
        name="Leadership sync", hosts=[lena], weekday=Weekday.THURSDAY, first_day=NOW.date()
    )
    series.attendees.set([hugo])
    return series


@pytest.fixture
def meeting(hosted, hugo):
    meeting = MeetingFactory(series=hosted, starts_at=THURSDAY_MORNING)
    OpenerFactory(meeting=meeting, kept_by=hugo)
    return meeting


def edit_link(series) -> str:
    return f'href="{reverse("meetings:series_edit", args=[series.pk])}"'


def tick_button(action) -> str:
    return f'action="{reverse("meetings:action_toggle", args=[action.pk])}"'


# --- Editing a series ----------------------------------------------------------------------------


def test_it_offers_edit_only_on_the_series_a_person_hosts(hugo_client, hosted, attended):
    response = hugo_client.get(reverse("meetings:list"))

    assert edit_link(hosted) in response.text
    assert edit_link(attended) not in response.text


def test_it_offers_no_edit_to_attendees(alice_client, hosted):
    response = alice_client.get(reverse("meetings:list"))

    assert "Support weekly" in response.text
    assert edit_link(hosted) not in response.text


def test_it_offers_edit_on_every_series_to_an_admin(ada_client, hosted, attended):
    response = ada_client.get(reverse("meetings:list"))

    assert edit_link(hosted) in response.text
    assert edit_link(attended) in response.text


def test_it_tells_a_host_why_they_cannot_edit_a_series_they_do_not_host(hugo_client, attended):
    url = reverse("meetings:series_edit", args=[attended.pk])

    for response in (hugo_client.get(url), hugo_client.post(url, series_fields())):
        assert response.status_code == 403
        assert "Only this series' hosts can edit it: ask Lena Leader." in unescape(response.text)
        assert ROLE_HINT not in response.text


def test_it_lists_many_series_in_constant_queries(
    hugo, lena, hugo_client, django_assert_max_num_queries
):
    for n in range(20):
        series = SeriesFactory(hosts=[hugo if n % 2 else lena], first_day=NOW.date())
        series.attendees.add(hugo, lena)
    hugo_client.get(reverse("meetings:list"))  # the first visit creates this week's meetings

    # As many as tests/meetings/test_queries.py allows a list of series: the links read the
    # hosts already fetched.
    with django_assert_max_num_queries(12):
        response = hugo_client.get(reverse("meetings:list"))

    assert response.text.count("/edit/") == 10


# --- Ticking off an action -----------------------------------------------------------------------


def test_it_offers_mark_done_only_to_the_owner_and_the_hosts(
    alice, alice_client, bob, bob_client, hugo_client, meeting
):
    alices = ActionItemFactory(meeting=meeting, owner=alice, story=meeting.opener.story)
    bobs = ActionItemFactory(meeting=meeting, owner=bob, story=meeting.opener.story)

    as_alice, as_bob, as_host = (
        client.get(page(meeting)).text for client in (alice_client, bob_client, hugo_client)
    )

    assert tick_button(alices) in as_alice
    assert tick_button(bobs) not in as_alice
    assert bobs.text in as_alice  # still listed, without the button
    assert tick_button(bobs) in as_bob
    assert tick_button(alices) not in as_bob
    assert tick_button(alices) in as_host
    assert tick_button(bobs) in as_host


def test_it_tells_why_someone_elses_action_cannot_be_marked_done(alice, bob_client, meeting):
    action = ActionItemFactory(meeting=meeting, owner=alice)

    response = bob_client.post(reverse("meetings:action_toggle", args=[action.pk]))

    assert response.status_code == 403
    assert "Only the action's owner or the meeting's hosts can mark it done." in unescape(
        response.text
    )
    assert ROLE_HINT not in response.text


def test_it_shows_many_actions_in_constant_queries(
    alice, alice_client, meeting, django_assert_max_num_queries
):
    ActionItemFactory.create_batch(30, meeting=meeting, story=meeting.opener.story)
    ActionItemFactory(meeting=meeting, owner=alice, story=meeting.opener.story)

    # As many as a host's meeting page with a kept opener (tests/meetings/test_queries.py).
    with django_assert_max_num_queries(11):
        response = alice_client.get(page(meeting))

    assert response.text.count("Mark done") == 1


# --- The empathy turn ----------------------------------------------------------------------------


def test_it_offers_write_it_down_to_the_sharer_and_the_hosts_alone(
    alice, alice_client, bob_client, hugo_client, meeting
):
    meeting.empathy_sharer = alice
    meeting.save()
    write = f'href="{reverse("meetings:empathy", args=[meeting.pk])}"'

    assert write in alice_client.get(page(meeting)).text
    assert write in hugo_client.get(page(meeting)).text
    assert write not in bob_client.get(page(meeting)).text


def test_it_tells_whose_turn_it_is_when_refusing(alice, bob_client, meeting):
    meeting.empathy_sharer = alice
    meeting.save()

    response = bob_client.get(reverse("meetings:empathy", args=[meeting.pk]))

    assert response.status_code == 403
    assert "It is Alice Staff's turn to share" in unescape(response.text)


# --- Running the meeting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fields", "reason"),
    [
        ("meetings:keep", {"story_id": "1"}, "Only this meeting's hosts can choose its opener."),
        (
            "meetings:takeaway",
            {"takeaway": "Ours", "resonated_with": "1"},
            "Only this meeting's hosts can write down what it means for us.",
        ),
        (
            "meetings:action_add",
            {"text": "Call back"},
            "Only this meeting's hosts can add actions.",
        ),
    ],
)
def test_it_tells_an_attendee_why_only_hosts_run_the_meeting(
    alice_client, meeting, name, fields, reason
):
    response = alice_client.post(reverse(name, args=[meeting.pk]), fields)

    assert response.status_code == 403
    assert reason in unescape(response.text)
    assert ROLE_HINT not in response.text


def test_it_offers_no_host_controls_to_attendees(alice_client, meeting):
    response = alice_client.get(page(meeting))

    assert reverse("meetings:takeaway", args=[meeting.pk]) not in response.text
    assert reverse("meetings:action_add", args=[meeting.pk]) not in response.text


def test_it_tells_staff_that_setting_up_meetings_needs_the_hosts_role(alice_client):
    response = alice_client.get(reverse("meetings:series_create"))

    assert response.status_code == 403
    assert "Only hosts and admins can set up meetings" in response.text
    assert ROLE_HINT in response.text
