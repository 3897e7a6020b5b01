"""Every email, with the corpus in every field it shows: the HTML part has nothing that would run
(the forms' own emails are checked in test_pages.py), and the text part keeps the text exactly."""

import pytest
import time_machine
from django.core.mail import EmailMessage

from insightboard.people.invitations import invitation_send
from insightboard.people.models import Invitation
from insightboard.people.signups import signup_confirmation_send, signup_taken_send
from meetings.models import ActionItem
from meetings.notifications import (
    action_notify_author,
    action_notify_owner,
    meeting_send_prebrief,
    opener_notify_author,
)
from stories.models import Tag
from stories.reports.tasks import remind_leaders
from tests.hostile.corpus import STORABLE, executable
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory
from tests.stories.reports.leaders import NOW, report_filed

pytestmark = pytest.mark.django_db

# Short enough for every field an email shows (names are at most 100 characters).
SHORT = [vector for vector in STORABLE if len(vector) <= 100]


def hostile_person(n: int, **kwargs: object):
    return PersonFactory(profile__display_name=SHORT[n % len(SHORT)], **kwargs)


def html_of(email: EmailMessage) -> str:
    [(html, mimetype)] = email.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    return str(html)


def assert_only_text(emails: list[EmailMessage], *, at_least: int) -> None:
    assert len(emails) >= at_least
    for email in emails:
        assert executable(html_of(email)) == [], email.subject
        # The text part is not HTML: what was written is there as written.
        assert any(vector in email.body for vector in SHORT), email.subject


def test_no_meeting_email_runs_anything(mailoutbox):
    for n, vector in enumerate(SHORT[:20]):
        series = SeriesFactory(name=vector[:120], hosts=[hostile_person(n)])
        meeting = MeetingFactory(series=series, title=series.name)
        story = StoryFactory(author=hostile_person(n + 1), title=vector, tags=["hostile-input"])
        series.focus_tags.set(Tag.objects.all())
        opener = OpenerFactory(meeting=meeting, story=story, kept_by=hostile_person(n + 2))
        owner = hostile_person(n + 3)
        action = ActionItem.objects.create(meeting=meeting, story=story, text=vector, owner=owner)
        giver = hostile_person(n + 4)

        assert opener_notify_author(opener_id=opener.pk)
        assert action_notify_author(action_id=action.pk)
        assert action_notify_owner(action_id=action.pk, owner_id=owner.pk, assigned_by_id=giver.pk)
        # The pre-brief goes out for a meeting with no opener yet, offering one.
        assert meeting_send_prebrief(meeting_id=MeetingFactory(series=series).pk)

    assert_only_text(mailoutbox, at_least=80)


@time_machine.travel(NOW, tick=False)
def test_no_reminder_runs_anything(mailoutbox):
    for n in range(10):
        report_filed(hostile_person(n, roles=["Leaders"]), days=40)

    remind_leaders()

    assert_only_text(mailoutbox, at_least=10)


def test_no_invitation_or_sign_up_email_runs_anything(ada, mailoutbox):
    for n in range(10):
        invited = hostile_person(n, password=None)
        Invitation.objects.create(person=invited, invited_by=hostile_person(n + 1))
        pending = hostile_person(n + 2, is_active=False, profile__signup_pending=True)

        assert invitation_send(person_id=invited.pk)
        assert signup_confirmation_send(person_id=pending.pk)
        assert signup_taken_send(person_id=hostile_person(n + 3).pk)

    assert_only_text(mailoutbox, at_least=30)
