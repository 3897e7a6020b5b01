"""Text people write is isolated in every email too, subject, text and HTML alike, so a
right-to-left override in it (U+202E) cannot reorder the email's own words around it. Emails use
Unicode's isolate marks (FSI … PDI): plain characters that every mail client keeps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.mail import EmailMessage

from insightboard.digest.services import digest_compile
from insightboard.metrics.models import GoodDirection, Metric, MetricValue
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
from stories.models import Sentiment, Tag
from stories.reports.tasks import remind_leaders
from tests.digest.email_week import AFTER, MIDWEEK, WEEK, message_for
from tests.meetings.factories import MeetingFactory, OpenerFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import EmpathyAnswersFactory, ExecutiveReportFactory, StoryFactory
from tests.stories.reports.leaders import NOW, report_filed

pytestmark = pytest.mark.django_db

OVERRIDE = "\u202e"
OPENS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI: each closed by a PDI
CLOSE = "\u2069"


def shouty(label: str) -> str:
    return f"{label} {OVERRIDE}drow"


def bare_overrides(text: str) -> list[str]:
    """The overrides outside every isolate, each with the text just before it."""
    depth, bare = 0, []
    for index, char in enumerate(text):
        if char in OPENS:
            depth += 1
        elif char == CLOSE:
            depth = max(depth - 1, 0)
        elif char == OVERRIDE and not depth:
            bare.append(text[max(index - 40, 0) : index])
    return bare


def assert_isolated(subject: str, text: str, html: str, *, subject_has_text: bool) -> None:
    for part in (text, html):
        assert OVERRIDE in part  # what they wrote is there...
        assert bare_overrides(part) == []  # ...and isolated
    assert (OVERRIDE in subject) is subject_has_text
    assert bare_overrides(subject) == []


def parts(email: EmailMessage) -> tuple[str, str, str]:
    [(html, mimetype)] = email.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    return email.subject, email.body, str(html)


def shouty_person(label: str, **kwargs: object):
    return PersonFactory(profile__display_name=shouty(label), **kwargs)


@pytest.fixture
def meeting():
    series = SeriesFactory(name=shouty("Weekly sync"), hosts=[shouty_person("Hugo")])
    return MeetingFactory(series=series, title=series.name)


@pytest.fixture
def story():
    return StoryFactory(author=shouty_person("Alice"), title=shouty("Checkout froze"))


def test_it_isolates_the_meeting_and_story_in_the_email_to_an_opener_s_author(
    meeting, story, mailoutbox
):
    opener = OpenerFactory(meeting=meeting, story=story, kept_by=shouty_person("Hugo"))

    assert opener_notify_author(opener_id=opener.pk) is True

    [email] = mailoutbox
    assert_isolated(*parts(email), subject_has_text=True)


def test_it_isolates_the_action_in_the_email_to_the_story_s_author(meeting, story, mailoutbox):
    action = ActionItem.objects.create(
        meeting=meeting, story=story, text=shouty("Refund"), owner=shouty_person("Lena")
    )

    assert action_notify_author(action_id=action.pk) is True

    [email] = mailoutbox
    assert_isolated(*parts(email), subject_has_text=True)


def test_it_isolates_the_action_in_the_email_to_its_owner(meeting, story, mailoutbox):
    owner = shouty_person("Lena")
    action = ActionItem.objects.create(
        meeting=meeting, story=story, text=shouty("Refund"), owner=owner
    )
    giver = shouty_person("Hugo")

    assert action_notify_owner(action_id=action.pk, owner_id=owner.pk, assigned_by_id=giver.pk)

    [email] = mailoutbox
    assert_isolated(*parts(email), subject_has_text=True)


def test_it_isolates_the_opener_and_its_reason_in_the_pre_brief(meeting, mailoutbox):
    StoryFactory(author=shouty_person("Alice"), title=shouty("Checkout"), tags=[shouty("pay")])
    meeting.series.focus_tags.set(Tag.objects.all())

    assert meeting_send_prebrief(meeting_id=meeting.pk) is True

    [email] = mailoutbox
    subject, text, html = parts(email)
    assert_isolated(subject, text, html, subject_has_text=True)
    assert f"matches focus tag \u2068{shouty('pay')}\u2069" in text


def test_it_isolates_the_meeting_in_a_pre_brief_with_nothing_to_pull(meeting, mailoutbox):
    assert meeting_send_prebrief(meeting_id=meeting.pk) is True

    [email] = mailoutbox
    subject, text, html = parts(email)
    assert_isolated(subject, text, html, subject_has_text=True)


@time_machine.travel(NOW, tick=False)
def test_it_isolates_the_leader_s_name_in_a_reminder(mailoutbox):
    report_filed(shouty_person("Lena", roles=["Leaders"]), days=40)

    remind_leaders()

    [email] = mailoutbox
    assert_isolated(*parts(email), subject_has_text=False)


def test_it_isolates_both_names_in_an_invitation(ada, mailoutbox):
    ada.profile.display_name = shouty("Ada")
    ada.profile.save()
    person = shouty_person("Nina", password=None)
    Invitation.objects.create(person=person, invited_by=ada)

    assert invitation_send(person_id=person.pk) is True

    [email] = mailoutbox
    assert_isolated(*parts(email), subject_has_text=True)


def test_it_isolates_the_name_in_both_sign_up_emails(mailoutbox):
    pending = shouty_person("Zoe", is_active=False, profile__signup_pending=True)
    taken = shouty_person("Alice")

    assert signup_confirmation_send(person_id=pending.pk) is True
    assert signup_taken_send(person_id=taken.pk) is True

    for email in mailoutbox:
        assert_isolated(*parts(email), subject_has_text=False)


def a_shouty_week():
    """Every field a digest shows, each with an override in it; compiled."""
    with time_machine.travel(MIDWEEK, tick=False):
        reader = shouty_person("Reader")
        author = PersonFactory(profile__display_name=shouty("Author"), profile__team=shouty("Ops"))
        for sentiment in (Sentiment.SUCCESS, Sentiment.FRUSTRATION):
            StoryFactory(
                author=author,
                sentiment=sentiment,
                title=shouty(sentiment),
                customer_name=shouty("Customer"),
                shout_out_to=shouty("Kudos") if sentiment == Sentiment.SUCCESS else "",
                tags=[shouty("checkout")],
            )
        ExecutiveReportFactory(
            story__author=author,
            story__title=shouty("Report"),
            spoke_with=shouty("Spoke with"),
            insight=shouty("Insight"),
            suggested_action=shouty("Action"),
        )
        EmpathyAnswersFactory(
            story__author=author,
            story__title=shouty("Empathy"),
            company=shouty("Company"),
            what_made_it=shouty("What made it"),
            meaning_for_us=shouty("Meaning"),
        )
        ActionItem.objects.create(
            meeting=MeetingFactory(starts_at=MIDWEEK),
            story=StoryFactory(author=author, title=shouty("Loop")),
            text=shouty("Done"),
            owner=author,
            done=True,
            done_at=MIDWEEK,
        )
    metric = Metric.objects.create(name=shouty("NPS"), good_direction=GoodDirection.UP)
    for weeks_ago, value in ((1, 40), (0, 42)):
        MetricValue.objects.create(
            metric=metric, week=WEEK - datetime.timedelta(weeks=weeks_ago), value=Decimal(value)
        )
    with time_machine.travel(AFTER, tick=False):
        return digest_compile(week=WEEK), reader


def test_it_isolates_every_field_of_the_digest():
    digest, reader = a_shouty_week()

    message = message_for(digest, reader)

    assert_isolated(message.subject, message.text, message.html, subject_has_text=False)
    # Every field made it into the email, each isolated on its own.
    assert message.text.count(OVERRIDE) >= 20
    assert message.text.count(OVERRIDE) <= message.text.count(CLOSE)
