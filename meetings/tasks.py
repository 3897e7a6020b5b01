"""Meeting emails in the background; the services they call make each send happen once."""

import datetime

from django.conf import settings

from insightboard.celery import background_task
from insightboard.emails import email_task
from meetings import notifications


@background_task(ignore_result=True)
def send_prebriefs() -> int:
    """Every ten minutes (beat): queue a pre-brief for each meeting coming up without an opener.

    Not retried: the next beat is its retry.
    """
    window = datetime.timedelta(hours=settings.INSIGHTBOARD_PREBRIEF_HOURS)
    meeting_ids = notifications.meetings_due_prebrief(within=window)
    for meeting_id in meeting_ids:
        send_prebrief.delay(meeting_id)
    return len(meeting_ids)


@email_task
def send_prebrief(meeting_id: int) -> bool:
    return notifications.meeting_send_prebrief(meeting_id=meeting_id)


@email_task
def notify_author_of_opener(opener_id: int) -> bool:
    return notifications.opener_notify_author(opener_id=opener_id)


@email_task
def notify_author_of_action(action_id: int) -> bool:
    return notifications.action_notify_author(action_id=action_id)


@email_task
def notify_owner_of_action(action_id: int, owner_id: int, assigned_by_id: int | None) -> bool:
    return notifications.action_notify_owner(
        action_id=action_id, owner_id=owner_id, assigned_by_id=assigned_by_id
    )
