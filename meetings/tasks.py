"""Meeting emails in the background; the services they call make each send happen once."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from meetings import notifications

# A mail server that is down or refuses for a moment is worth another try: after about 30 s,
# then twice as long each time, up to half an hour. SMTPException is an OSError too; both are
# named so the intent reads plainly.
MAIL_ERRORS = (SMTPException, OSError)
BACKOFF_SECONDS = 30
BACKOFF_MAX_SECONDS = 30 * 60
MAIL_MAX_RETRIES = 6
# The three email tasks share one retry policy.
mail_task = shared_task(
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=BACKOFF_SECONDS,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    max_retries=MAIL_MAX_RETRIES,
)


@shared_task(ignore_result=True)
def send_prebriefs() -> int:
    """Every ten minutes (beat): queue a pre-brief for each meeting coming up without an opener.

    Not retried: the next beat is its retry.
    """
    window = datetime.timedelta(hours=settings.INSIGHTBOARD_PREBRIEF_HOURS)
    meeting_ids = notifications.meetings_due_prebrief(within=window)
    for meeting_id in meeting_ids:
        send_prebrief.delay(meeting_id)
    return len(meeting_ids)


@mail_task
def send_prebrief(meeting_id: int) -> bool:
    return notifications.meeting_send_prebrief(meeting_id=meeting_id)


@mail_task
def notify_author_of_opener(opener_id: int) -> bool:
    return notifications.opener_notify_author(opener_id=opener_id)


@mail_task
def notify_author_of_action(action_id: int) -> bool:
    return notifications.action_notify_author(action_id=action_id)
