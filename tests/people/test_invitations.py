"""An admin invites someone: the person exists at once, and the invitation email goes through the
email task, retried while the mail server is down."""

import socket

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from insightboard.people.tasks import send_invitation


def closed_port() -> int:
    """A port on loopback where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mail_server_down(settings) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }


INVITEE = {"display_name": "Nadia Newcomer", "email": "nadia@example.com", "team": "Sales"}


@pytest.mark.django_db(transaction=True)
def test_it_invites_a_person_while_the_mail_server_is_down(ada_client, settings):
    mail_server_down(settings)

    response = ada_client.post(reverse("invite"), INVITEE)

    assert response.status_code == 302
    assert User.objects.filter(email="nadia@example.com", is_active=True).exists()
    page = ada_client.get(response["Location"]).text
    assert "Invited nadia@example.com: their invitation email is on its way." in page


def test_it_sends_invitations_with_the_email_retry_policy():
    assert any(issubclass(ConnectionRefusedError, kind) for kind in send_invitation.autoretry_for)
    assert send_invitation.max_retries == 6


@pytest.mark.django_db(transaction=True)
def test_it_sends_the_invitation_once_the_mail_server_answers(ada_client, settings):
    settings.SITE_URL = "https://insights.example.com"

    response = ada_client.post(reverse("invite"), INVITEE)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["nadia@example.com"]
    assert "ada@example.com invited you to InsightBoard" in invitation.subject
    assert "https://insights.example.com/accounts/reset/" in invitation.body
    assert "http://testserver" not in invitation.body


@pytest.mark.django_db
def test_it_sends_no_invitation_to_someone_who_chose_a_password_meanwhile(ada, mailoutbox):
    person = User.objects.create_user("late@example.com", "late@example.com", "chosen-already")

    assert send_invitation(person.pk, ada.pk) is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_it_links_a_password_reset_to_the_configured_site(alice, client, settings, mailoutbox):
    settings.SITE_URL = "https://insights.example.com"

    client.post(reverse("password_reset"), {"email": alice.email})

    assert len(mailoutbox) == 1
    assert "https://insights.example.com/accounts/reset/" in mailoutbox[0].body
    assert "testserver" not in mailoutbox[0].body
