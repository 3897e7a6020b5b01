"""Reminders: one friendly email per overdue period to a leader who is behind, sent once however
often the sweep runs, retries or races."""

import datetime
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from stories.models import LeaderReminder
from stories.reports.notifications import leader_remind
from stories.reports.selectors import leaders_to_remind
from stories.reports.tasks import remind_leaders, send_report_reminder
from tests.isolates import without_isolates
from tests.races import at_once
from tests.stories.reports.leaders import NOW, TODAY, leader, report_filed

# --- Reminders -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_reminds_a_leader_who_is_behind_once_when_the_sweep_runs_twice(lena, mailoutbox):
    report_filed(lena, days=40)

    assert remind_leaders() == 1
    assert remind_leaders() == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lena@example.com"]
    reminder = LeaderReminder.objects.get()
    assert (reminder.leader, reminder.due_since) == (lena, datetime.date(2026, 11, 8))


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_reminds_a_leader_who_never_filed_once(lena, mailoutbox):
    assert remind_leaders() == 1
    assert remind_leaders() == 0

    assert [email.subject for email in mailoutbox] == ["Share your first customer story"]
    assert LeaderReminder.objects.get().due_since == lena.date_joined.date()


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_leaves_alone_everyone_not_behind_or_not_a_leader(lena, alice, ada, mailoutbox):
    report_filed(lena, days=29)
    report_filed(alice, days=90)  # filed once, long ago, without the role
    report_filed(ada, days=90)  # an admin who filed now and then is not chased
    leader("Gone Leader", is_active=False)
    leader("Nomail Leader", email="")

    assert remind_leaders() == 0

    assert mailoutbox == []
    assert not LeaderReminder.objects.exists()


@pytest.mark.django_db
def test_it_reminds_again_in_the_next_overdue_period_only(lena, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        report_filed(lena, days=40)
        assert remind_leaders() == 1
        report_filed(lena, days=0)
        assert remind_leaders() == 0
    for days_later in (30, 31, 32):
        with time_machine.travel(NOW + datetime.timedelta(days=days_later), tick=False):
            remind_leaders()

    assert len(mailoutbox) == 2
    assert sorted(LeaderReminder.objects.values_list("due_since", flat=True)) == [
        datetime.date(2026, 11, 8),
        datetime.date(2026, 12, 18),
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_sends_nothing_to_a_leader_who_filed_after_the_sweep_looked(lena, mailoutbox):
    report_filed(lena, days=40)
    [(leader_id, due_since)] = leaders_to_remind(today=TODAY)
    report_filed(lena, days=0)

    assert leader_remind(leader_id=leader_id, due_since=due_since) is False

    assert mailoutbox == []
    assert not LeaderReminder.objects.exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_sends_a_retried_reminder_once(lena, mailoutbox, monkeypatch):
    report_filed(lena, days=40)
    refusals = [SMTPServerDisconnected("Connection unexpectedly closed")]
    deliver = EmailBackend.send_messages

    def flaky(self, messages):
        if refusals:
            raise refusals.pop()
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)

    # The first attempt fails, gives its claim back and is retried (at once, when eager).
    first = send_report_reminder.apply(args=[lena.pk, "2026-11-08"], throw=False)
    duplicate = send_report_reminder.apply(args=[lena.pk, "2026-11-08"], throw=False)

    assert refusals == []
    assert (first.result, duplicate.result) == (True, False)
    assert len(mailoutbox) == 1
    assert LeaderReminder.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db(transaction=True)
def test_it_claims_a_reminder_once_when_two_workers_race(mailoutbox):
    # A transactional test flushes the roles the migration made; put the leaders' one back.
    leaders, _ = Group.objects.get_or_create(name="Leaders")
    leaders.permissions.add(Permission.objects.get(codename="file_executive_reports"))
    lena = leader("Lena Leader")
    report_filed(lena, days=40)

    def remind() -> bool:
        return leader_remind(leader_id=lena.pk, due_since=datetime.date(2026, 11, 8))

    results = at_once(remind, remind)

    assert sorted(results) == [False, True]
    assert len(mailoutbox) == 1
    assert LeaderReminder.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_writes_a_friendly_reminder_with_a_link_to_the_form(lena, mailoutbox):
    lena.profile.display_name = "Lena <O'Brien>"
    lena.profile.save()
    report_filed(lena, days=40)

    remind_leaders()

    [email] = mailoutbox
    html = email.alternatives[0].content
    report_url = f"{settings.SITE_URL}{reverse('stories:report_create')}"
    assert email.subject == "Time for your next customer story"
    assert "Hello Lena <O'Brien>," in without_isolates(email.body)
    assert "Your last executive report was on 9 October 2026." in email.body
    assert report_url in email.body
    assert f'href="{report_url}"' in html
    assert "Hello Lena &lt;O'Brien&gt;," in without_isolates(html)
    assert "<O'Brien>" not in html


def test_it_declares_retries_for_mail_errors():
    assert OSError in send_report_reminder.autoretry_for
    assert send_report_reminder.max_retries
    assert send_report_reminder.retry_backoff


def test_it_sweeps_every_morning_and_drops_a_sweep_stuck_until_the_next():
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == remind_leaders.name
    ]
    assert entry["schedule"] == crontab(hour=9, minute=0)
    assert 0 < entry["options"]["expires"] < 24 * 60 * 60
