"""Every email's HTML body, the digest's included, has no serious or critical axe-core finding and
no Nu HTML checker error."""

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
from stories.reports.notifications import report_notify_owner
from stories.reports.tasks import remind_leaders
from tests.a11y.conftest import axe_violations, vnu_errors
from tests.digest.email_week import full_hostile_week, message_for
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import ExecutiveReportFactory, StoryFactory
from tests.stories.reports.leaders import NOW, leader, report_filed

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "opener_author",
    "action_author",
    "action_owner",
    "prebrief",
    "report_reminder",
    "report_action_owner",
    "invitation",
    "signup_confirm",
    "signup_taken",
}


def html_of(email: EmailMessage) -> str:
    [(html, mimetype)] = email.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    return str(html)


def reminded() -> bool:
    """A leader 40 days behind their report gets the friendly reminder."""
    with time_machine.travel(NOW, tick=False):
        report_filed(leader("Leo Leader"), days=40)
        return remind_leaders() == 1


def every_email(alice, hugo, lena, ada, mailoutbox) -> dict[str, str]:
    """One of each email but the digest, as sent: by the name of its template."""
    series = SeriesFactory(name="Support weekly", hosts=[hugo])
    meeting = MeetingFactory(series=series, title=series.name)
    unopened = MeetingFactory(series=series, title=series.name)
    story = StoryFactory(author=alice, title="Checkout forgot my basket", tags=["checkout"])
    opener = OpenerFactory(meeting=meeting, story=story, kept_by=hugo)
    action = ActionItem.objects.create(meeting=meeting, story=story, text="Call back", owner=lena)
    series.focus_tags.set(Tag.objects.all())
    report = ExecutiveReportFactory(story__author=lena, action_owner=hugo)
    invited = PersonFactory(username="nina@example.com", password=None)
    Invitation.objects.create(person=invited, invited_by=ada)
    pending = PersonFactory(is_active=False, profile__signup_pending=True)
    sent = {
        "opener_author": opener_notify_author(opener_id=opener.pk),
        "action_author": action_notify_author(action_id=action.pk),
        "action_owner": action_notify_owner(
            action_id=action.pk, owner_id=lena.pk, assigned_by_id=hugo.pk
        ),
        "prebrief": meeting_send_prebrief(meeting_id=unopened.pk),
        "report_reminder": reminded(),
        "report_action_owner": report_notify_owner(
            report_id=report.pk, owner_id=hugo.pk, named_by_id=lena.pk
        ),
        "invitation": invitation_send(person_id=invited.pk),
        "signup_confirm": signup_confirmation_send(person_id=pending.pk),
        "signup_taken": signup_taken_send(person_id=alice.pk),
    }
    assert sent == dict.fromkeys(TEMPLATES, True)
    assert len(mailoutbox) == len(TEMPLATES)
    return {name: html_of(email) for name, email in zip(sent, mailoutbox, strict=True)}


def test_it_has_no_barrier_in_any_email(alice, hugo, lena, ada, mailoutbox, page, tmp_path):
    emails = every_email(alice, hugo, lena, ada, mailoutbox)
    week = full_hostile_week()
    emails["digest"] = message_for(week.digest, week.reader).html
    emails["digest, a test copy"] = message_for(week.digest, week.reader, test=True).html

    wrong: dict[str, object] = {}
    for name, html in emails.items():
        page.set_content(html)
        if violations := axe_violations(page):
            wrong[f"{name}: axe"] = violations
    for name, errors in vnu_errors(emails, tmp_path).items():
        wrong[f"{name}: Nu HTML checker"] = errors

    assert wrong == {}
    assert len(emails) == 11
