"""Who may do what with meetings: hosts and admins run them, attendees see them, owners tick off
their actions, and outsiders do not learn a meeting exists."""

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener, Weekday
from tests.meetings.factories import ActionItemFactory, MeetingFactory, OpenerFactory, SeriesFactory
from tests.meetings.pages import NOW, THURSDAY_MORNING, keep, one_off_fields, page, series_fields
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def series(hugo, alice):
    """Hugo hosts, alice attends; bob is an outsider."""
    series = SeriesFactory(
        name="Support weekly", hosts=[hugo], weekday=Weekday.THURSDAY, first_day=NOW.date()
    )
    series.attendees.set([alice])
    return series


@pytest.fixture
def meeting(series):
    return MeetingFactory(series=series, starts_at=THURSDAY_MORNING)


# --- Who may do what -----------------------------------------------------------------------------


def test_an_attendee_sees_the_meeting_but_cannot_pull(alice_client, meeting):
    StoryFactory()

    response = alice_client.get(page(meeting, pull=1))

    assert response.status_code == 200
    assert response.context["candidate"] is None
    assert "The hosts have not picked the opener yet." in response.text
    assert "Pull an opener" not in response.text


def test_an_outsider_gets_404_on_a_meeting_they_do_not_attend(bob_client, meeting):
    assert bob_client.get(page(meeting)).status_code == 404
    assert bob_client.get(reverse("meetings:present", args=[meeting.pk])).status_code == 404


def test_only_the_creator_sees_a_one_off(hugo_client, alice_client, alice):
    one_off = MeetingFactory(series=None, created_by=alice, title="Alice's one-off")

    assert hugo_client.get(page(one_off)).status_code == 404
    assert alice_client.get(page(one_off)).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("bob", 404)])
def test_a_non_host_cannot_edit_a_series(request, series, persona, status):
    client = request.getfixturevalue(f"{persona}_client")
    url = reverse("meetings:series_edit", args=[series.pk])

    assert client.get(url).status_code == status
    response = client.post(url, series_fields(name="Taken over", hosts=[series.hosts.get().pk]))

    assert response.status_code == status
    series.refresh_from_db()
    assert series.name == "Support weekly"


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("bob", 404)])
def test_a_non_host_cannot_keep_an_opener(request, meeting, persona, status):
    client = request.getfixturevalue(f"{persona}_client")
    story = StoryFactory()

    response = client.post(reverse("meetings:keep", args=[meeting.pk]), {"story_id": story.pk})

    assert response.status_code == status
    assert not Opener.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("bob", 404)])
def test_a_non_host_cannot_write_the_takeaway_or_add_actions(
    request, meeting, hugo, persona, status
):
    client = request.getfixturevalue(f"{persona}_client")
    OpenerFactory(meeting=meeting, kept_by=hugo)

    takeaway = client.post(
        reverse("meetings:takeaway", args=[meeting.pk]),
        {"takeaway": "Not mine to say", "resonated_with": "1"},
    )
    action = client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"text": "Not mine to add", "owner": hugo.pk, "due_on": ""},
    )

    assert (takeaway.status_code, action.status_code) == (status, status)
    meeting.refresh_from_db()
    assert meeting.takeaway == ""
    assert not ActionItem.objects.exists()


def test_only_the_owner_or_a_host_ticks_off_an_action(
    meeting, alice, alice_client, bob, bob_client, hugo_client, series
):
    series.attendees.add(bob)
    action = ActionItemFactory(meeting=meeting, owner=alice)
    url = reverse("meetings:action_toggle", args=[action.pk])

    assert bob_client.post(url).status_code == 403
    action.refresh_from_db()
    assert not action.done
    assert alice_client.post(url).status_code == 302
    action.refresh_from_db()
    assert action.done
    assert hugo_client.post(url).status_code == 302
    action.refresh_from_db()
    assert not action.done


def test_an_outsider_gets_404_ticking_off_an_action(meeting, bob_client):
    action = ActionItemFactory(meeting=meeting)

    assert bob_client.post(reverse("meetings:action_toggle", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert not action.done


@pytest.mark.parametrize("persona", ["alice", "bob", "lena"])
def test_staff_without_the_host_role_cannot_set_up_meetings(request, persona):
    client = request.getfixturevalue(f"{persona}_client")
    person = request.getfixturevalue(persona)

    assert client.get(reverse("meetings:series_create")).status_code == 403
    assert client.get(reverse("meetings:one_off_create")).status_code == 403
    series = client.post(reverse("meetings:series_create"), series_fields(hosts=[person.pk]))
    one_off = client.post(reverse("meetings:one_off_create"), one_off_fields())

    assert (series.status_code, one_off.status_code) == (403, 403)
    assert not MeetingSeries.objects.exists()
    assert not Meeting.objects.exists()
    response = client.get(reverse("meetings:list"))
    assert reverse("meetings:series_create") not in response.text


def test_an_admin_can_do_everything_a_host_can(ada, ada_client, alice, meeting, series):
    story = StoryFactory()

    edited = ada_client.post(
        reverse("meetings:series_edit", args=[series.pk]),
        series_fields(name="Support weekly (new time)", hosts=[series.hosts.get().pk]),
    )
    created = ada_client.post(reverse("meetings:series_create"), series_fields(hosts=[ada.pk]))
    one_off = ada_client.post(reverse("meetings:one_off_create"), one_off_fields())
    pulled = ada_client.get(page(meeting, pull=1))
    kept = keep(ada_client, meeting, story.pk)
    takeaway = ada_client.post(
        reverse("meetings:takeaway", args=[meeting.pk]),
        {"takeaway": "Admins care too", "resonated_with": "2"},
    )
    action = ada_client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"text": "Write it up", "owner": alice.pk, "due_on": ""},
    )

    assert [edited.status_code, created.status_code, one_off.status_code] == [302, 302, 302]
    series.refresh_from_db()
    assert series.name == "Support weekly (new time)"
    assert MeetingSeries.objects.count() == 2
    assert Meeting.objects.filter(series=None, created_by=ada).exists()
    assert pulled.context["candidate"].story == story
    assert "This meeting opens with that story." in kept.text
    assert Opener.objects.get().kept_by == ada
    assert (takeaway.status_code, action.status_code) == (302, 302)
    meeting.refresh_from_db()
    assert meeting.takeaway == "Admins care too"
    assert ActionItem.objects.get().text == "Write it up"


def test_it_lets_an_owner_outside_the_series_see_and_tick_off_their_action(bob, bob_client):
    action = ActionItemFactory(owner=bob)
    home = bob_client.get(reverse("home"))
    response = bob_client.post(
        reverse("meetings:action_toggle", args=[action.pk]), {"next": reverse("home")}
    )
    action.refresh_from_db()
    assert action.text in home.text
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert action.done


def test_it_hides_other_peoples_actions_in_meetings_they_cannot_see(bob_client):
    action = ActionItemFactory()
    response = bob_client.post(reverse("meetings:action_toggle", args=[action.pk]))
    action.refresh_from_db()
    assert response.status_code == 404
    assert not action.done
