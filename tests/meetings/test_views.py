"""Meetings through the browser's eyes: set up, pull, keep, present, take away, act, and who may.

Time is frozen on a Wednesday; the series meets on Thursdays, so "this week's meeting" is tomorrow.
Few stories keep the pull deterministic enough to say what it must and must never offer.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener, Weekday
from stories.models import Visibility
from tests.factories import StoryFactory
from tests.meetings.factories import ActionItemFactory, MeetingFactory, OpenerFactory, SeriesFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)  # a Wednesday
THURSDAY_MORNING = datetime.datetime(2026, 11, 19, 9, 30, tzinfo=datetime.UTC)
NEXT_THURSDAY_MORNING = THURSDAY_MORNING + datetime.timedelta(weeks=1)


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


def page(meeting: Meeting, **query: object) -> str:
    url = reverse("meetings:detail", args=[meeting.pk])
    return f"{url}?{urlencode(query)}" if query else url


def keep(client, meeting: Meeting, story_id: object, reason: str = "picked by a host"):
    return client.post(
        reverse("meetings:keep", args=[meeting.pk]),
        {"story_id": story_id, "reason": reason},
        follow=True,
    )


def series_fields(**overrides: object) -> dict[str, object]:
    return {
        "name": "Support weekly",
        "team": "Support",
        "cadence": "1",
        "weekday": str(Weekday.THURSDAY),
        "starts_at": "09:30",
        "ends_at": "10:00",
        "first_day": "2026-11-18",
        "focus_tags": "refunds",
        **overrides,
    }


def one_off_fields(**overrides: object) -> dict[str, object]:
    return {
        "title": "Refunds deep dive",
        "starts_at": "2026-11-20T14:00",
        "ends_at": "2026-11-20T15:00",
        **overrides,
    }


# --- The whole flow ------------------------------------------------------------------------------


def test_it_runs_a_meeting_from_setup_to_lineage(hugo, hugo_client, alice, alice_client):
    stories = StoryFactory.create_batch(2)

    response = hugo_client.post(
        reverse("meetings:series_create"),
        series_fields(hosts=[hugo.pk], attendees=[alice.pk]),
    )

    series = MeetingSeries.objects.get()
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == page(meeting)
    assert meeting.series == series
    assert meeting.starts_at == THURSDAY_MORNING
    assert list(series.hosts.all()) == [hugo]
    assert [tag.name for tag in series.focus_tags.all()] == ["refunds"]

    response = hugo_client.get(page(meeting))
    assert response.status_code == 200
    assert "Saved “Support weekly”." in response.text
    assert "Pull an opener" in response.text

    response = hugo_client.get(page(meeting, pull=1))
    pulled = response.context["candidate"]
    assert pulled.story in stories
    assert "Why this one: " in response.text
    assert "never opened a meeting yet" in response.text
    assert pulled.story.title in response.text

    response = hugo_client.get(page(meeting, pull=1, seen=pulled.story.pk))
    another = response.context["candidate"]
    assert {pulled.story, another.story} == set(stories)
    assert another.story.title in response.text
    assert not Opener.objects.exists()

    response = keep(hugo_client, meeting, another.story.pk, another.reason)
    assert "This meeting opens with that story. Present it when you start." in response.text
    opener = Opener.objects.get()
    assert (opener.meeting, opener.series, opener.story) == (meeting, series, another.story)
    assert opener.kept_by == hugo
    assert opener.reason == another.reason

    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]))
    assert response.status_code == 200
    assert another.story.title in response.text
    assert response.context["kept"] is True

    response = hugo_client.post(
        reverse("meetings:takeaway", args=[meeting.pk]),
        {"takeaway": "Refunds need one named owner", "resonated_with": "4"},
        follow=True,
    )
    assert "Saved what it means for us." in response.text
    meeting.refresh_from_db()
    assert (meeting.takeaway, meeting.resonated_with) == ("Refunds need one named owner", 4)

    response = hugo_client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"text": "Name an owner for refunds", "owner": alice.pk, "due_on": "2026-11-25"},
        follow=True,
    )
    assert "Added the action." in response.text
    action = ActionItem.objects.get()
    assert (action.meeting, action.story, action.owner) == (meeting, another.story, alice)
    assert action.due_on == datetime.date(2026, 11, 25)
    assert not action.done

    response = alice_client.post(reverse("meetings:action_toggle", args=[action.pk]))
    assert response.status_code == 302
    assert response.url == page(meeting)
    action.refresh_from_db()
    assert action.done

    response = alice_client.get(reverse("meetings:lineage", args=[another.story.pk]))
    assert response.status_code == 200
    assert "Support weekly" in response.text
    assert "Refunds need one named owner" in response.text
    assert "Name an owner for refunds" in response.text
    assert "Done:" in response.text


def test_it_never_offers_the_next_occurrence_a_story_the_series_already_kept(
    hugo_client, meeting, time_machine
):
    kept, fresh = StoryFactory.create_batch(2)
    keep(hugo_client, meeting, kept.pk)
    time_machine.move_to(THURSDAY_MORNING + datetime.timedelta(hours=2), tick=False)

    response = hugo_client.get(reverse("meetings:list"))

    [next_meeting] = response.context["upcoming"]
    assert next_meeting.starts_at == NEXT_THURSDAY_MORNING
    for _ in range(5):
        response = hugo_client.get(page(next_meeting, pull=1))
        assert response.context["candidate"].story == fresh
    response = hugo_client.get(page(next_meeting, offer=kept.pk))
    assert response.context["candidate"] is None
    response = hugo_client.get(page(next_meeting, pull=1, seen=fresh.pk))
    assert response.context["candidate"] is None
    assert "There is nothing fresh left to open with" in response.text
    response = keep(hugo_client, next_meeting, kept.pk)
    assert "already opened a meeting in this series" in response.text
    assert Opener.objects.filter(meeting=next_meeting).count() == 0


def test_another_one_offers_a_different_story_without_writing_the_ledger(hugo_client, meeting):
    first, second = StoryFactory.create_batch(2)

    response = hugo_client.get(page(meeting, pull=1, seen=first.pk))

    assert response.context["candidate"].story == second
    assert response.context["seen"] == f"{first.pk},{second.pk}"
    assert f"seen={first.pk},{second.pk}" in response.text
    response = hugo_client.get(page(meeting, pull=1, seen=second.pk))
    assert response.context["candidate"].story == first
    assert not Opener.objects.exists()


def test_it_shows_the_story_offered_in_the_pre_brief(hugo_client, meeting):
    StoryFactory.create_batch(3)
    offered = StoryFactory(title="The new invoice layout saved me an hour")

    response = hugo_client.get(page(meeting, offer=offered.pk))

    assert response.context["candidate"].story == offered
    assert "The new invoice layout saved me an hour" in response.text
    assert "Why this one: offered in your pre-brief" in response.text
    assert f'name="story_id" value="{offered.pk}"' in response.text
    assert not Opener.objects.exists()


def test_it_does_not_offer_a_private_story_from_a_forged_pre_brief_link(hugo_client, meeting):
    private = StoryFactory(visibility=Visibility.PRIVATE, title="Only mine to read")

    response = hugo_client.get(page(meeting, offer=private.pk))

    assert response.context["candidate"] is None
    assert "Only mine to read" not in response.text


def test_it_finds_only_fresh_company_wide_stories(hugo_client, meeting, series):
    fresh = StoryFactory(title="Refund took three weeks to arrive")
    StoryFactory(title="Refund form lost my details", visibility=Visibility.PRIVATE)
    used = StoryFactory(title="Refund button is hidden")
    OpenerFactory(meeting=MeetingFactory(series=series), story=used)
    StoryFactory(title="Loved the onboarding call")

    response = hugo_client.get(page(meeting, find="refund"))

    assert response.context["found"] == [fresh]
    assert "Refund took three weeks to arrive" in response.text
    assert "Refund form lost my details" not in response.text
    assert "Refund button is hidden" not in response.text
    assert "Loved the onboarding call" not in response.text
    response = hugo_client.get(page(meeting, find="invoices"))
    assert response.context["found"] == []
    assert "No fresh story matches “invoices”." in response.text


def test_it_swaps_in_just_the_opener_for_htmx(hugo_client, meeting):
    story = StoryFactory(title="Checkout kept timing out")

    response = hugo_client.get(
        page(meeting, pull=1), headers={"HX-Request": "true", "HX-Target": "opener"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<h1>" not in response.text
    assert "Checkout kept timing out" in response.text
    assert "Why this one:" in response.text
    assert f'name="story_id" value="{story.pk}"' in response.text
    assert "HX-Request" in response["Vary"]


def test_it_says_when_nothing_is_left_and_offers_logging_an_insight(hugo_client, meeting):
    StoryFactory(visibility=Visibility.PRIVATE)

    response = hugo_client.get(page(meeting, pull=1))

    assert response.context["candidate"] is None
    assert "There is nothing fresh left to open with" in response.text
    assert f'href="{reverse("stories:create")}"' in response.text
    assert "Log what a customer told you" in response.text


def test_it_presents_a_pulled_story_before_it_is_kept(hugo_client, meeting):
    story = StoryFactory(title="Support fixed it in five minutes")

    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]), {"story": story.pk})

    assert response.status_code == 200
    assert "Support fixed it in five minutes" in response.text
    assert response.context["kept"] is False
    assert "Use this" in response.text
    assert not Opener.objects.exists()


def test_it_sends_a_host_back_to_pull_when_there_is_nothing_to_present(hugo_client, meeting):
    response = hugo_client.get(reverse("meetings:present", args=[meeting.pk]), follow=True)

    assert response.redirect_chain == [(page(meeting), 302)]
    assert "There is no opener to present yet: pull one first." in response.text


def test_it_sets_up_a_one_off_meeting_hosted_by_its_creator(hugo, hugo_client):
    response = hugo_client.post(reverse("meetings:one_off_create"), one_off_fields())

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == page(meeting)
    assert (meeting.series, meeting.created_by, meeting.title) == (None, hugo, "Refunds deep dive")
    assert meeting.starts_at == datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)
    StoryFactory()
    response = hugo_client.get(page(meeting, pull=1))
    assert response.context["is_host"] is True
    assert response.context["candidate"] is not None


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
