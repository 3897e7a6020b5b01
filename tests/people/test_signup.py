"""Self sign-up by work email: the account opens only from the link emailed to the address, and
the page never says whether an address already has an account."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse

from tests.isolates import without_isolates
from tests.people.factories import PASSWORD, PersonFactory
from tests.people.test_auth import NEW_PASSWORD, sign_in, signed_in_person

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def signup_open(settings):
    settings.SIGNUP_DOMAINS = ["example.org", "example.com"]


def signup_fields(**overrides: str) -> dict[str, str]:
    return {
        "display_name": "Zoe Newcomer",
        "email": "Zoe@Example.org",
        "team": "Sales",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


@pytest.fixture
def sign_up(django_capture_on_commit_callbacks):
    """Post the sign-up form (its emails sent on commit) and follow it to the page that answers."""

    def post(client: Client, **overrides: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("signup"), signup_fields(**overrides))
        assert response.status_code == 302
        assert response["Location"] == reverse("signup_sent")
        return client.get(response["Location"])

    return post


def without_nonces(html: str) -> str:
    """A page's words, without what differs on every response (CSP nonces, CSRF tokens)."""
    return re.sub(r'(nonce="|value="|"X-CSRFToken": ")[\w-]+', r"\1", html)


def confirmation_link(body: str) -> str:
    match = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_it_opens_the_account_only_from_the_link_in_the_email(
    sign_up, mailoutbox, django_assert_max_num_queries
):
    client = Client()

    page = sign_up(client)

    assert "Check your email" in page.text
    assert "zoe@example.org" in page.text
    person = User.objects.get(username="zoe@example.org")
    assert not person.is_active
    assert person.profile.display_name == "Zoe Newcomer"
    assert signed_in_person(client) is None
    refused = sign_in(Client(), "zoe@example.org", NEW_PASSWORD)
    assert refused.status_code == 200
    assert "Follow the link in the email we sent you first." in refused.text

    [email] = mailoutbox
    assert email.to == ["zoe@example.org"]
    assert email.subject == "Confirm your email to finish signing up to InsightBoard"
    link = confirmation_link(email.body)
    assert link in email.alternatives[0][0]

    # Following it from another browser (the phone the email was read on) signs in there.
    phone = Client()
    with django_assert_max_num_queries(16):
        followed = phone.get(link)

    assert followed.status_code == 302
    assert followed["Location"] == reverse("home")
    person.refresh_from_db()
    assert person.is_active
    assert person.check_password(NEW_PASSWORD)
    assert "Welcome to InsightBoard, Zoe Newcomer." in phone.get(reverse("home")).text
    assert signed_in_person(phone) == person
    assert sign_in(Client(), "zoe@example.org", NEW_PASSWORD).status_code == 302


def test_it_answers_the_same_whether_or_not_the_address_has_an_account(sign_up, alice, mailoutbox):
    new = sign_up(Client(), email="zoe@example.com")
    taken = sign_up(Client(), email="ALICE@example.com", display_name="Not Alice")

    assert without_nonces(taken.text.replace("alice@example.com", "zoe@example.com")) == (
        without_nonces(new.text)
    )
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert alice.profile.display_name == "Alice Staff"
    assert User.objects.filter(username__iexact="alice@example.com").count() == 1

    confirmation, note = mailoutbox
    assert confirmation.to == ["zoe@example.com"]
    assert note.to == ["alice@example.com"]
    assert note.subject == "You already have an InsightBoard account"
    assert "tried to sign up to InsightBoard with alice@example.com" in without_isolates(note.body)
    assert "/accounts/login/" in note.body
    assert "/accounts/password_reset/" in note.body
    assert "/accounts/signup/confirm/" not in note.body


def test_it_sends_an_invited_person_their_invitation_link_instead(
    sign_up, ada_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ada_client.post(reverse("invite"), {"display_name": "Nina", "email": "nina@example.com"})
    mailoutbox.clear()

    sign_up(Client(), email="nina@example.com")

    [note] = mailoutbox
    assert note.to == ["nina@example.com"]
    assert "You were invited and have not chosen a password yet." in note.body
    assert "/accounts/welcome/" in note.body


def test_it_never_reopens_the_account_of_someone_removed(sign_up, mailoutbox):
    removed = PersonFactory(username="gone@example.com", is_active=False)

    sign_up(Client(), email="gone@example.com")

    removed.refresh_from_db()
    assert not removed.is_active
    assert removed.check_password(PASSWORD)
    [note] = mailoutbox
    assert "The account was closed." in note.body
    assert "/accounts/signup/confirm/" not in note.body


def test_it_sends_a_new_link_to_someone_who_signs_up_again_before_confirming(sign_up, mailoutbox):
    sign_up(Client())
    sign_up(
        Client(),
        display_name="Zoe N.",
        password1="another-long-phrase",
        password2="another-long-phrase",
    )

    first, second = (confirmation_link(email.body) for email in mailoutbox)
    assert User.objects.filter(username="zoe@example.org").count() == 1

    stale = Client().get(first)
    assert stale.status_code == 200
    assert "This link has expired" in stale.text
    client = Client()
    assert client.get(second)["Location"] == reverse("home")
    person = signed_in_person(client)
    assert person.check_password("another-long-phrase")
    assert person.profile.display_name == "Zoe N."


def test_it_says_a_used_link_was_used_and_does_not_sign_in_again(sign_up, mailoutbox):
    sign_up(Client())
    link = confirmation_link(mailoutbox[0].body)
    Client().get(link)  # a mail scanner, or the first click

    again = Client()
    response = again.get(link)

    assert response.status_code == 200
    assert "Your email is confirmed already" in response.text
    assert signed_in_person(again) is None


def test_it_refuses_an_expired_or_forged_link(sign_up, mailoutbox):
    sign_up(Client())
    link = confirmation_link(mailoutbox[0].body)
    uid = link.split("/")[-3]

    with time_machine.travel(datetime.timedelta(days=4)):
        expired = Client().get(link)
    forged = Client().get(reverse("signup_confirm", args=[uid, "1-forged"]))
    nobody = Client().get(reverse("signup_confirm", args=["OTk5OTk", "1-forged"]))

    for response in (expired, forged, nobody):
        assert response.status_code == 200
        assert "This link has expired" in response.text
    assert not User.objects.get(username="zoe@example.org").is_active


def test_it_does_not_confirm_a_sign_up_with_a_password_reset_link(sign_up, mailoutbox):
    """Each kind of link is signed for its purpose: a reset token cannot open an account."""
    sign_up(Client())
    person = User.objects.get(username="zoe@example.org")
    uid = confirmation_link(mailoutbox[0].body).split("/")[-3]
    response = Client().get(
        reverse("signup_confirm", args=[uid, default_token_generator.make_token(person)])
    )

    assert "This link has expired" in response.text
    person.refresh_from_db()
    assert not person.is_active


def test_it_still_refuses_other_domains_and_keeps_what_was_typed(mailoutbox):
    response = Client().post(reverse("signup"), signup_fields(email="zoe@gmail.com"))

    assert response.status_code == 200
    assert "Sign up with your work email (@example.org, @example.com)." in response.text
    assert 'value="Zoe Newcomer"' in response.text
    assert not User.objects.filter(username="zoe@gmail.com").exists()
    assert mailoutbox == []


def test_it_sends_back_to_sign_up_when_there_is_no_address_to_check(
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(3):
        response = Client().get(reverse("signup_sent"))

    assert response["Location"] == reverse("signup")


def test_it_shows_where_the_email_went_in_few_queries(django_assert_max_num_queries):
    client = Client()
    client.post(reverse("signup"), signup_fields())

    with django_assert_max_num_queries(3):
        page = client.get(reverse("signup_sent"))

    assert "zoe@example.org" in page.text


def test_it_tells_an_admin_inviting_the_address_that_its_sign_up_waits(sign_up, ada_client):
    sign_up(Client())

    response = ada_client.post(
        reverse("invite"), {"display_name": "Zoe", "email": "zoe@example.org"}
    )

    assert response.status_code == 200
    assert "This address signed up and has not confirmed it yet" in response.text
