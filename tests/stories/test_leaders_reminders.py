"""Leaders' cadence: who is on track, who is behind, one friendly reminder per overdue period."""

import datetime
import threading
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections
from django.urls import reverse

from stories.models import LeaderReminder, Visibility
from stories.reports.selectors import leaders_cadence, leaders_to_remind
from stories.reports.services import leader_remind
from stories.reports.tasks import remind_leaders, send_report_reminder
from tests.factories import PersonFactory
from tests.stories.practice_factories import ExecutiveReportFactory
from tests.test_settings import manage

# A Wednesday noon; with the default target a leader is due 30 days after their last report.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def report_filed(leader, days: int, **kwargs):
    return ExecutiveReportFactory(story__author=leader, story__created_at=days_ago(days), **kwargs)


def leader(name: str, **kwargs):
    return PersonFactory(
        username=f"{name.split()[0].lower()}@example.com",
        profile__display_name=name,
        roles=["Leaders"],
        **kwargs,
    )


def cadence_row(response, name: str) -> str:
    """The text of a leader's row in the Leaders' corner table."""
    text = response.text
    start = text.index(f'<th scope="row">{name}</th>')
    return " ".join(text[start : text.index("</tr>", start)].split())


# --- The Leaders' corner ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_says_in_words_who_is_on_track_and_who_is_behind(alice_client, lena):
    report_filed(lena, days=10)
    report_filed(leader("Lee Late"), days=40)
    report_filed(leader("Dee Day"), days=31)
    leader("Nia New")

    response = alice_client.get(reverse("stories:leaders"))

    assert "The target for each leader: one report every 30 days." in response.text
    assert "On track" in cadence_row(response, "Lena Leader")
    assert 'next one due by <time datetime="2026-12-08">8 Dec</time>' in cadence_row(
        response, "Lena Leader"
    )
    assert "8 Nov 2026" in cadence_row(response, "Lena Leader")
    assert "Behind by 10 days" in cadence_row(response, "Lee Late")
    assert "Behind by 1 day</span>" in cadence_row(response, "Dee Day")
    assert "None yet" in cadence_row(response, "Nia New")
    assert "Behind: no report yet" in cadence_row(response, "Nia New")
    assert "One every 30 days" in cadence_row(response, "Nia New")


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_counts_the_last_day_of_the_period_as_on_track(lena):
    report_filed(lena, days=30)

    [cadence] = leaders_cadence(today=TODAY)

    assert (cadence.is_behind, cadence.days_left, cadence.due_on) == (False, 0, TODAY)


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_lists_role_holders_and_admins_who_filed_but_not_everyone(lena, alice, ada, hugo):
    leader("Gone Leader", is_active=False)
    admin_who_filed = PersonFactory(profile__display_name="Fay Founder", is_superuser=True)
    report_filed(admin_who_filed, days=3)
    report_filed(alice, days=2, story__visibility=Visibility.PRIVATE)

    names = [cadence.leader.profile.display_name for cadence in leaders_cadence(today=TODAY)]

    assert names == ["Fay Founder", "Lena Leader"]


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_follows_the_report_days_setting(alice_client, lena, settings):
    settings.INSIGHTBOARD_LEADER_REPORT_DAYS = 7
    report_filed(lena, days=10)

    response = alice_client.get(reverse("stories:leaders"))

    assert "one report every 7 days" in response.text
    assert "Behind by 3 days" in cadence_row(response, "Lena Leader")


@time_machine.travel(NOW, tick=False)
@pytest.mark.django_db
def test_it_counts_only_reports_shared_with_the_company(lena):
    report_filed(lena, days=5, story__visibility=Visibility.PRIVATE)
    report_filed(lena, days=50)

    [cadence] = leaders_cadence(today=TODAY)

    assert cadence.last_report_on == datetime.date(2026, 9, 29)
    assert cadence.behind_days == 20


def test_it_refuses_a_report_target_that_is_not_a_positive_number():
    for value in ("0", "monthly"):
        result = manage("check", INSIGHTBOARD_LEADER_REPORT_DAYS=value)

        assert result.returncode != 0
        assert "INSIGHTBOARD_LEADER_REPORT_DAYS" in result.stderr


def test_it_aims_for_a_report_a_month_by_default():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.INSIGHTBOARD_LEADER_REPORT_DAYS)",
    )

    assert result.stdout.strip().splitlines()[-1] == "30"


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
    start = threading.Barrier(2)
    results: list[bool] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(leader_remind(leader_id=lena.pk, due_since=datetime.date(2026, 11, 8)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

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
    assert "Hello Lena <O'Brien>," in email.body
    assert "Your last executive report was on 9 October 2026." in email.body
    assert report_url in email.body
    assert f'href="{report_url}"' in html
    assert "Hello Lena &lt;O'Brien&gt;," in html
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
