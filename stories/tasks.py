"""Friendly reminders to leaders who are behind on their executive reports (Celery beat)."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from stories import practice_services

# The same policy as the meetings emails: a mail server that is down for a moment is worth
# another try after about 30 s, then twice as long each time, up to half an hour.
MAIL_ERRORS = (SMTPException, OSError)


@shared_task(ignore_result=True)
def remind_leaders() -> int:
    """Daily (beat): queue one reminder for each leader behind and not yet reminded this period.

    Not retried: tomorrow's sweep is its retry.
    """
    due = practice_services.leaders_to_remind(today=timezone.localdate())
    for leader_id, due_since in due:
        send_report_reminder.delay(leader_id, due_since.isoformat())
    return len(due)


@shared_task(
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_report_reminder(leader_id: int, due_since: str) -> bool:
    return practice_services.leader_remind(
        leader_id=leader_id, due_since=datetime.date.fromisoformat(due_since)
    )
