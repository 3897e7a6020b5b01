import datetime
import re
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from meetings.models import ActionItem, Meeting, Opener, Weekday
from meetings.notifications import (
    action_notify_author,
    meeting_send_prebrief,
    meetings_due_prebrief,
    opener_notify_author,
)
from tests.isolates import without_isolates
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.races import at_once
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

# A Wednesday noon; "tomorrow morning" is 21.5 hours away.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TOMORROW_MORNING = datetime.datetime(2026, 11, 19, 9, 30, tzinfo=datetime.UTC)
SCRIPT_TITLE = "<script>alert('hi')</script> Checkout & returns took ages"
frozen = time_machine.travel(NOW, tick=False)


def upcoming_meeting(hosts, starts_at=TOMORROW_MORNING):
    series = SeriesFactory(hosts=hosts, weekday=Weekday.THURSDAY)
    return MeetingFactory(series=series, starts_at=starts_at)


def html_of(email):
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return html


def keep(meeting, story, person):
    return Opener.objects.create(
        meeting=meeting, series=meeting.series, story=story, reason="picked", kept_by=person
    )


# --- Pre-brief ----------------------------------------------------------------------------------


@frozen
def test_it_prebriefs_every_host_once(hugo, lena, alice, mailoutbox):
    story = StoryFactory(author=alice, title="The new invoice page confused me")
    meeting = upcoming_meeting([hugo, lena])

    assert meeting_send_prebrief(meeting_id=meeting.pk) is True
    assert meeting_send_prebrief(meeting_id=meeting.pk) is False

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["hugo@example.com", "lena@example.com"]
    assert without_isolates(email.subject) == f"Your opener for {meeting.title}, Thu 19 Nov, 09:30"
    meeting_url = f"{settings.SITE_URL}{reverse('meetings:detail', args=[meeting.pk])}"
    keep_url = f"{meeting_url}?offer={story.pk}"
    for part in map(without_isolates, (email.body, html_of(email))):
        assert "The new invoice page confused me" in part
        assert "Alice Staff" in part
        assert "never opened a meeting yet" in part
        assert "Frustration" in part
        assert keep_url in part
        assert meeting_url in part
    meeting.refresh_from_db()
    assert meeting.prebrief_sent_at == NOW


@frozen
def test_it_escapes_user_text_in_the_html_part(hugo, alice, mailoutbox):
    StoryFactory(author=alice, title=SCRIPT_TITLE)
    meeting = upcoming_meeting([hugo])

    meeting_send_prebrief(meeting_id=meeting.pk)

    html = html_of(mailoutbox[0])
    assert "<script>" not in html
    assert "&lt;script&gt;alert('hi')&lt;/script&gt; Checkout &amp; returns" in html
    # The text part is plain text, not HTML: the words arrive as written.
    assert SCRIPT_TITLE in mailoutbox[0].body


@frozen
def test_it_inlines_the_css_for_mail_clients(hugo, alice, mailoutbox):
    StoryFactory(author=alice)
    meeting = upcoming_meeting([hugo])

    meeting_send_prebrief(meeting_id=meeting.pk)

    html = html_of(mailoutbox[0])
    assert "<style" not in html
    assert re.search(
        r'<a class="button primary" href="[^"]+" style="[^"]*background: #2f5bd3', html
    )
    assert mailoutbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


@frozen
def test_it_says_so_when_nothing_is_left_to_pull(hugo, mailoutbox):
    meeting = upcoming_meeting([hugo])

    assert meeting_send_prebrief(meeting_id=meeting.pk) is True

    email = mailoutbox[0]
    assert without_isolates(email.subject) == f"{meeting.title} needs an opener"
    log_url = f"{settings.SITE_URL}{reverse('stories:create')}"
    for part in map(without_isolates, (email.body, html_of(email))):
        assert "nothing fresh to pull" in part
        assert log_url in part
        assert "?offer=" not in part


@frozen
def test_it_prebriefs_a_one_off_to_whoever_set_it_up(hugo, alice, mailoutbox):
    StoryFactory(author=alice)
    meeting = MeetingFactory(series=None, created_by=hugo, starts_at=TOMORROW_MORNING)

    assert meeting_send_prebrief(meeting_id=meeting.pk) is True

    assert mailoutbox[0].to == ["hugo@example.com"]


@frozen
def test_it_sends_no_prebrief_for_a_meeting_that_has_its_opener(hugo, alice, mailoutbox):
    meeting = upcoming_meeting([hugo])
    keep(meeting, StoryFactory(author=alice), hugo)

    assert meeting_send_prebrief(meeting_id=meeting.pk) is False

    assert mailoutbox == []
    meeting.refresh_from_db()
    assert meeting.prebrief_sent_at is None


@frozen
def test_it_sends_no_prebrief_for_a_meeting_already_started(hugo, alice, mailoutbox):
    StoryFactory(author=alice)
    meeting = upcoming_meeting([hugo], starts_at=NOW - datetime.timedelta(minutes=5))

    assert meeting_send_prebrief(meeting_id=meeting.pk) is False

    assert mailoutbox == []


@frozen
def test_it_skips_hosts_without_an_email(hugo, mailoutbox):
    nameless = PersonFactory(email="")
    meeting = upcoming_meeting([hugo, nameless])

    meeting_send_prebrief(meeting_id=meeting.pk)

    assert mailoutbox[0].to == ["hugo@example.com"]


@frozen
def test_it_releases_the_claim_when_the_mail_server_fails(hugo, alice, mailoutbox, monkeypatch):
    StoryFactory(author=alice)
    meeting = upcoming_meeting([hugo])

    def refuse(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(SMTPServerDisconnected):
            meeting_send_prebrief(meeting_id=meeting.pk)
    meeting.refresh_from_db()
    assert meeting.prebrief_sent_at is None

    # The retry delivers.
    assert meeting_send_prebrief(meeting_id=meeting.pk) is True
    assert len(mailoutbox) == 1


@frozen
def test_it_finds_only_meetings_due_a_prebrief(hugo, alice):
    due = upcoming_meeting([hugo])
    far = upcoming_meeting([hugo], starts_at=TOMORROW_MORNING + datetime.timedelta(days=2))
    started = upcoming_meeting([hugo], starts_at=NOW - datetime.timedelta(minutes=1))
    opened = upcoming_meeting([hugo], starts_at=TOMORROW_MORNING + datetime.timedelta(hours=1))
    keep(opened, StoryFactory(author=alice), hugo)
    briefed = upcoming_meeting([hugo], starts_at=TOMORROW_MORNING + datetime.timedelta(hours=2))
    Meeting.objects.filter(pk=briefed.pk).update(prebrief_sent_at=NOW)

    due_ids = meetings_due_prebrief(within=datetime.timedelta(hours=24))

    assert due.pk in due_ids
    assert not {far.pk, started.pk, opened.pk, briefed.pk} & set(due_ids)


@frozen
def test_it_creates_the_next_occurrence_of_each_series_to_prebrief_it(hugo):
    series = SeriesFactory(
        hosts=[hugo],
        weekday=Weekday.THURSDAY,
        starts_at=datetime.time(9, 30),
        first_day=datetime.date(2026, 11, 1),
    )

    due_ids = meetings_due_prebrief(within=datetime.timedelta(hours=24))

    meeting = Meeting.objects.get(series=series)
    assert meeting.starts_at == TOMORROW_MORNING
    assert due_ids == [meeting.pk]


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=True)
def test_it_prebriefs_once_when_two_workers_race(hugo, alice, mailoutbox):
    StoryFactory(author=alice)
    meeting = upcoming_meeting([hugo])

    def send() -> bool:
        return meeting_send_prebrief(meeting_id=meeting.pk)

    outcomes = at_once(send, send)

    assert sorted(outcomes) == [False, True]
    assert len(mailoutbox) == 1


# --- Closing the loop with the author ----------------------------------------------------------


@frozen
def test_it_tells_the_author_once_that_their_insight_opened_a_meeting(hugo, alice, mailoutbox):
    story = StoryFactory(author=alice, title=SCRIPT_TITLE)
    opener = keep(upcoming_meeting([hugo]), story, hugo)

    assert opener_notify_author(opener_id=opener.pk) is True
    assert opener_notify_author(opener_id=opener.pk) is False

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["alice@example.com"]
    assert without_isolates(email.subject) == f"Your insight opened {opener.meeting.title}"
    story_url = f"{settings.SITE_URL}{reverse('stories:detail', args=[story.pk])}"
    assert story_url in email.body
    assert "Hugo Host picked it" in without_isolates(email.body)
    html = html_of(email)
    assert story_url in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    opener.refresh_from_db()
    assert opener.author_notified_at == NOW


@frozen
def test_it_does_not_tell_authors_who_kept_their_own_insight(hugo, mailoutbox):
    opener = keep(upcoming_meeting([hugo]), StoryFactory(author=hugo), hugo)

    assert opener_notify_author(opener_id=opener.pk) is False

    assert mailoutbox == []


@frozen
def test_it_does_not_email_authors_without_an_address(hugo, mailoutbox):
    opener = keep(upcoming_meeting([hugo]), StoryFactory(author=PersonFactory(email="")), hugo)

    assert opener_notify_author(opener_id=opener.pk) is False

    assert mailoutbox == []


@frozen
def test_it_tells_the_author_once_about_an_action_from_their_insight(hugo, lena, alice, mailoutbox):
    story = StoryFactory(author=alice, title="Refunds take two weeks")
    meeting = upcoming_meeting([hugo])
    keep(meeting, story, hugo)
    action = ActionItem.objects.create(
        meeting=meeting,
        story=story,
        text="Ship <b>same-day</b> refunds",
        owner=lena,
        due_on=datetime.date(2026, 12, 4),
    )

    assert action_notify_author(action_id=action.pk) is True
    assert action_notify_author(action_id=action.pk) is False

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["alice@example.com"]
    assert without_isolates(email.subject) == f"Your insight led to an action in {meeting.title}"
    story_url = f"{settings.SITE_URL}{reverse('stories:detail', args=[story.pk])}"
    assert "The action: Ship <b>same-day</b> refunds" in without_isolates(email.body)
    assert "Lena Leader owns it, due Friday 4 December." in without_isolates(email.body)
    assert story_url in email.body
    html = html_of(email)
    assert "Ship &lt;b&gt;same-day&lt;/b&gt; refunds" in html
    assert story_url in html
    action.refresh_from_db()
    assert action.author_notified_at == NOW


@frozen
def test_it_does_not_tell_authors_about_actions_they_own(hugo, alice, mailoutbox):
    story = StoryFactory(author=alice)
    meeting = upcoming_meeting([hugo])
    action = ActionItem.objects.create(meeting=meeting, story=story, text="Call back", owner=alice)

    assert action_notify_author(action_id=action.pk) is False

    assert mailoutbox == []
