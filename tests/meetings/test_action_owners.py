"""An action's owner is told it is theirs: when a host gives it to them in the meeting, and when
it is given to them later; never when they take it themselves."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from meetings.models import ActionItem
from meetings.notifications import action_notify_owner
from meetings.services import action_create, action_reassign
from tests.isolates import without_isolates
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(hugo, alice):
    """Hugo's meeting, opened with Alice's insight."""
    meeting = MeetingFactory(series=SeriesFactory(hosts=[hugo], name="Support weekly"))
    story = StoryFactory(author=alice, title="Refunds take two weeks")
    OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    return meeting


def emails_to(mailoutbox, person):
    return [email for email in mailoutbox if email.to == [person.email]]


def test_it_tells_the_owner_a_host_gives_an_action_to(
    hugo_client, meeting, alice, bob, mailoutbox, django_capture_on_commit_callbacks
):
    due = datetime.date.today() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = hugo_client.post(
            reverse("meetings:action_add", args=[meeting.pk]),
            {"text": "Ship <b>same-day</b> refunds", "owner": bob.pk, "due_on": due.isoformat()},
        )
    assert response.status_code == 302

    action = ActionItem.objects.get()
    [email] = emails_to(mailoutbox, bob)
    assert (
        without_isolates(email.subject)
        == "Hugo Host gave you an action: Ship <b>same-day</b> refunds"
    )
    assert "Hello Bob Staff," in without_isolates(email.body)
    assert "from Support weekly on" in without_isolates(email.body)
    assert "  Ship <b>same-day</b> refunds" in without_isolates(email.body)
    assert f"Due {due:%A} {due.day} {due:%B}." in email.body
    assert '"Refunds take two weeks"' in without_isolates(email.body)
    assert f"{settings.SITE_URL}{reverse('home')}" in email.body
    [(html, _)] = email.alternatives
    assert "Ship &lt;b&gt;same-day&lt;/b&gt; refunds" in html
    story_url = f"{settings.SITE_URL}{reverse('stories:detail', args=[action.story_id])}"
    assert story_url in html
    # The story's author hears about it too, as before.
    assert len(emails_to(mailoutbox, alice)) == 1
    action.refresh_from_db()
    assert action.owner_notified_at is not None


def test_it_does_not_tell_a_host_who_takes_an_action_themselves(
    hugo, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action_create(meeting=meeting, text="Call back", owner=hugo, due_on=None, assigned_by=hugo)

    assert emails_to(mailoutbox, hugo) == []


def test_it_tells_whoever_an_action_is_given_to_later(
    hugo, lena, bob, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action = action_create(
            meeting=meeting, text="Call back", owner=hugo, due_on=None, assigned_by=hugo
        )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        action_reassign(action=action, owner=lena, assigned_by=hugo)
    with django_capture_on_commit_callbacks(execute=True):
        action_reassign(action=action, owner=lena, assigned_by=hugo)  # no change: no email

    [email] = mailoutbox
    assert email.to == ["lena@example.com"]
    assert without_isolates(email.subject) == "Hugo Host gave you an action: Call back"

    # Bob takes it on himself: nobody needs telling.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action_reassign(action=action, owner=bob, assigned_by=bob)
    assert mailoutbox == []
    action.refresh_from_db()
    assert action.owner == bob


def test_it_tells_each_owner_once(hugo, bob, meeting, mailoutbox):
    action = ActionItem.objects.create(
        meeting=meeting, story=meeting.opener.story, text="Call back", owner=bob
    )

    assert action_notify_owner(action_id=action.pk, owner_id=bob.pk, assigned_by_id=hugo.pk)
    assert not action_notify_owner(action_id=action.pk, owner_id=bob.pk, assigned_by_id=hugo.pk)

    assert len(mailoutbox) == 1


def test_it_does_not_tell_someone_the_action_was_taken_from_before_the_email_went(
    hugo, bob, lena, meeting, mailoutbox
):
    action = ActionItem.objects.create(
        meeting=meeting, story=meeting.opener.story, text="Call back", owner=bob
    )
    action_reassign(action=action, owner=lena, assigned_by=hugo)

    # Bob's email, queued when it was his, finds it is Lena's now.
    assert not action_notify_owner(action_id=action.pk, owner_id=bob.pk, assigned_by_id=hugo.pk)
    assert action_notify_owner(action_id=action.pk, owner_id=lena.pk, assigned_by_id=hugo.pk)

    assert [email.to for email in mailoutbox] == [["lena@example.com"]]


def test_it_tells_the_new_owner_when_an_admin_changes_it_in_the_admin(
    ada_client, bob, lena, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    action = ActionItem.objects.create(
        meeting=meeting, story=meeting.opener.story, text="Call back", owner=bob
    )
    fields = {
        "meeting": meeting.pk,
        "story": action.story_id,
        "text": "Call back",
        "owner": lena.pk,
        "due_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(
            reverse("admin:meetings_actionitem_change", args=[action.pk]), fields
        )

    assert response.status_code == 302
    [email] = mailoutbox
    assert email.to == ["lena@example.com"]
    assert without_isolates(email.subject) == "Ada Admin gave you an action: Call back"
