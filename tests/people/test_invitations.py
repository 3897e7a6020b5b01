"""An admin invites someone: the person exists at once, and the invitation email goes through the
email task, retried while the mail server is down. Pending invitations can be sent again."""

import datetime
import re
import socket

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from insightboard.people.models import Invitation
from insightboard.people.tasks import send_invitation
from tests.isolates import without_isolates
from tests.people.factories import PersonFactory

SENT_AT = datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC)


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
    assert without_isolates(invitation.subject) == "Ada Admin invited you to InsightBoard"
    assert "https://insights.example.com/accounts/welcome/" in invitation.body
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


# --- Pending invitations and "Resend" ----------------------------------------------------------


def invite(client, **fields: str) -> User:
    client.post(reverse("invite"), {**INVITEE, **fields})
    return User.objects.get(email=fields.get("email", INVITEE["email"]))


def welcome_path(body: str) -> str:
    match = re.search(r"https?://\S+(/accounts/welcome/\S+/)", body)
    assert match, body
    return match.group(1)


@pytest.mark.django_db
@time_machine.travel(SENT_AT, tick=False)
def test_it_lists_pending_invitations_with_when_they_were_last_sent(
    ada_client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(ada_client)
        accepted = invite(ada_client, display_name="Omar In", email="omar@example.com")
        removed = invite(ada_client, display_name="Paula Gone", email="paula@example.com")
    accepted.set_password("chosen-already-1")
    accepted.save()
    User.objects.filter(pk=removed.pk).update(is_active=False)

    with time_machine.travel(SENT_AT + datetime.timedelta(hours=2), tick=False):
        page = ada_client.get(reverse("invite")).text

    pending = page[page.index('id="pending"') :]
    assert "<bdi>Nadia Newcomer</bdi></strong> nadia@example.com" in pending
    assert "by <bdi>Ada Admin</bdi>" in pending
    assert "2\N{NO-BREAK SPACE}hours ago" in pending
    assert "Resend" in pending
    assert "Omar In" not in pending
    assert "Paula Gone" not in pending
    assert "Alice Staff" not in pending


@pytest.mark.django_db
def test_it_resends_a_fresh_link_to_the_same_account(
    ada_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = invite(ada_client)
    [first] = mailoutbox
    invitation = Invitation.objects.get(person=person)

    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=SENT_AT)

    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(reverse("invitation_resend", args=[invitation.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('invite')}#pending"
    assert User.objects.filter(email="nadia@example.com").count() == 1
    first_link, second = welcome_path(first.body), mailoutbox[1]
    assert second.to == ["nadia@example.com"]
    assert without_isolates(second.subject) == "Ada Admin invited you to InsightBoard"
    assert welcome_path(second.body) != first_link
    invitation.refresh_from_db()
    assert invitation.last_sent_at > SENT_AT
    page = ada_client.get(response["Location"]).text
    assert "Sent Nadia Newcomer a new invitation at nadia@example.com." in page

    # The earlier link no longer works; the new one does.
    assert "This invitation has expired" in Client().get(first_link, follow=True).text
    newcomer = Client()
    welcome = newcomer.get(welcome_path(second.body), follow=True)
    assert "Welcome to InsightBoard, Nadia Newcomer" in welcome.text


@pytest.mark.django_db
def test_it_sends_nothing_to_someone_who_chose_a_password_meanwhile(
    ada_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = invite(ada_client)
    person.set_password("chosen-already-1")
    person.save()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(
            reverse("invitation_resend", args=[person.invitation.pk]), follow=True
        )

    assert "Nadia Newcomer has already chosen a password: they can sign in." in response.text
    assert mailoutbox == []
    person.refresh_from_db()
    assert person.check_password("chosen-already-1")


@pytest.mark.django_db
def test_it_lets_only_admins_resend(
    ada_client, alice_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = invite(ada_client)
    mailoutbox.clear()

    response = alice_client.post(reverse("invitation_resend", args=[person.invitation.pk]))

    assert response.status_code == 403
    assert mailoutbox == []


@pytest.mark.django_db
def test_it_shows_the_invite_page_in_few_queries(ada, ada_client, django_assert_max_num_queries):
    for _ in range(5):
        person = PersonFactory(password=None)
        Invitation.objects.create(person=person, invited_by=ada)

    with django_assert_max_num_queries(8):
        page = ada_client.get(reverse("invite")).text

    assert page.count("Resend") == 6  # five buttons, and the words above them
