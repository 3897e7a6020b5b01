"""Emails about people, sent in the background with the email retry policy."""

from insightboard.emails import email_task
from insightboard.people.invitations import invitation_send


@email_task
def send_invitation(person_id: int, inviter_id: int) -> bool:
    return invitation_send(person_id=person_id, inviter_id=inviter_id)
