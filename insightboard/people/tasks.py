"""Emails about people, sent in the background with the email retry policy. Nothing else claims
them, so each is claimed by its hand-over: a message the broker delivers twice sends once."""

from insightboard.emails import email_task_once
from insightboard.people.invitations import invitation_send
from insightboard.people.signups import signup_confirmation_send, signup_taken_send


@email_task_once
def send_invitation(person_id: int, inviter_id: int | None = None) -> bool:
    # inviter_id: tasks queued before the invitation recorded its inviter still carry it.
    return invitation_send(person_id=person_id)


@email_task_once
def send_signup_confirmation(person_id: int) -> bool:
    return signup_confirmation_send(person_id=person_id)


@email_task_once
def send_signup_taken(person_id: int) -> bool:
    return signup_taken_send(person_id=person_id)
