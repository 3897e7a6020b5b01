"""Friendly reminders to leaders who are behind on their executive reports (Celery beat)."""

import datetime

from celery import shared_task
from django.utils import timezone

from insightboard.emails import email_task
from stories.reports.selectors import leaders_to_remind
from stories.reports.services import leader_remind


@shared_task(ignore_result=True)
def remind_leaders() -> int:
    """Daily (beat): queue one reminder for each leader behind and not yet reminded this period.

    Not retried: tomorrow's sweep is its retry.
    """
    due = leaders_to_remind(today=timezone.localdate())
    for leader_id, due_since in due:
        send_report_reminder.delay(leader_id, due_since.isoformat())
    return len(due)


@email_task
def send_report_reminder(leader_id: int, due_since: str) -> bool:
    return leader_remind(leader_id=leader_id, due_since=datetime.date.fromisoformat(due_since))
