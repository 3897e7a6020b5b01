"""A task with no claim of its own (an invitation, a sign-up email) is claimed by its hand-over:
delivered twice by the broker, it sends once; a run that fails gives the claim back."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core.mail.backends.locmem import EmailBackend

from insightboard.outbox.models import Handover
from insightboard.outbox.services import TASK_ID_PREFIX
from insightboard.people.services import person_invite
from insightboard.people.tasks import send_invitation, send_signup_confirmation, send_signup_taken
from tests.outbox.brokers import failing_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(ada) -> Handover:
    """Nadia's invitation, waiting for the broker."""
    with failing_broker("refusing"):
        person_invite(
            invited_by=ada, email="nadia@example.com", display_name="Nadia", team="", roles=[]
        )
    return Handover.objects.get(task=send_invitation.name)


def delivered(handover: Handover, **options: object) -> object:
    """The task run as a worker runs the message its hand-over published."""
    return send_invitation.apply(
        args=handover.args, task_id=f"{TASK_ID_PREFIX}{handover.pk}", **options
    )


def test_it_sends_an_invitation_delivered_twice_once(invitation, mailoutbox):
    assert delivered(invitation).result is True
    delivered(invitation)

    assert [email.to for email in mailoutbox] == [["nadia@example.com"]]
    invitation.refresh_from_db()
    assert invitation.received_at is not None


def test_a_failed_send_gives_the_claim_back(invitation, mailoutbox, monkeypatch):
    deliver = EmailBackend.send_messages

    def refused(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    # Its last retry: the failure is final for this run.
    assert delivered(invitation, retries=send_invitation.max_retries, throw=False).failed()
    invitation.refresh_from_db()
    assert invitation.received_at is None

    monkeypatch.setattr(EmailBackend, "send_messages", deliver)
    assert delivered(invitation).result is True
    assert len(mailoutbox) == 1


def test_a_task_run_another_way_is_not_held_back(ada, mailoutbox):
    person = person_invite(
        invited_by=ada, email="omar@example.com", display_name="Omar", team="", roles=[]
    )

    assert send_invitation.apply(args=[person.pk]).result is True
    assert send_invitation.apply(args=[person.pk]).result is True
    assert len(mailoutbox) == 2


def test_every_people_email_is_claimed_by_its_hand_over():
    for task in (send_invitation, send_signup_confirmation, send_signup_taken):
        assert task.once_per_handover
