"""Friendly reminders to leaders who are behind on their executive reports (Celery beat), and
telling people a leader's suggested action is theirs."""

import datetime

from celery import shared_task
from django.utils import timezone

from insightboard.emails import email_task
from stories.reports import notifications
from stories.reports.selectors import leaders_to_remind


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
    return notifications.leader_remind(
        leader_id=leader_id, due_since=datetime.date.fromisoformat(due_since)
    )


@email_task
def notify_action_owner(report_id: int, owner_id: int, named_by_id: int | None) -> bool:
    return notifications.report_notify_owner(
        report_id=report_id, owner_id=owner_id, named_by_id=named_by_id
    )
