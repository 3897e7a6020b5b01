"""People: sign-up by work email, invitations, passwords, sign-in lockout and the profile page."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from insightboard.people.models import DigestPreference, Profile
from tests.isolates import without_isolates
from tests.people.factories import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a-calm-and-long-passphrase"


def signed_in_person(client: Client):
    response = client.get(reverse("profile"))
    if response.status_code != 200:
        return None
    return response.wsgi_request.user


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def link_in(body: str) -> str:
    """The path of the set-password link in an email."""
    match = re.search(r"https?://\S+/accounts/reset/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def welcome_link_in(body: str) -> str:
    """The path of the welcome link in an invitation email."""
    match = re.search(r"https?://\S+/accounts/welcome/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def choose_password(client: Client, link: str, password: str = NEW_PASSWORD) -> None:
    """Follow a set-password link from an email and choose a password."""
    form_page = client.get(link)
    assert form_page.status_code == 302  # Django swaps the token for a session, then shows the form
    response = client.post(
        form_page["Location"], {"new_password1": password, "new_password2": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")


# --- Sign-up -----------------------------------------------------------------------------------


def signup_fields(**overrides: str) -> dict[str, str]:
    return {
        "display_name": "Zoe Newcomer",
        "email": "Zoe@Example.org",
        "team": "Sales",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def test_it_refuses_sign_up_when_the_passwords_differ(settings):
    settings.SIGNUP_DOMAINS = ["example.org"]

    response = Client().post(reverse("signup"), signup_fields(password2="something-else-1"))

    assert response.status_code == 200
    assert "The two password fields didn\N{RIGHT SINGLE QUOTATION MARK}t match." in response.text
    assert not User.objects.exists()


def test_it_says_accounts_are_by_invitation_when_no_domain_may_sign_up(settings):
    settings.SIGNUP_DOMAINS = []
    client = Client()

    page = client.get(reverse("signup"))
    posted = client.post(reverse("signup"), signup_fields())

    assert "Accounts are by invitation" in page.text
    assert "Accounts are by invitation" in posted.text
    assert not User.objects.exists()
    assert reverse("signup") not in client.get(reverse("login")).text


def test_it_links_to_sign_up_from_sign_in_when_sign_up_is_open(settings):
    settings.SIGNUP_DOMAINS = ["example.org"]

    assert reverse("signup") in Client().get(reverse("login")).text


# --- Invitations -------------------------------------------------------------------------------


def test_it_invites_a_person_who_then_chooses_a_password(
    ada_client, ada, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(
            reverse("invite"),
            {
                "display_name": "Nina New",
                "email": "Nina@Example.com",
                "team": "Product",
                "roles": ["Hosts"],
            },
        )

    person = User.objects.get(username="nina@example.com")
    assert response.status_code == 302
    assert not person.has_usable_password()
    assert person.profile.display_name == "Nina New"
    assert person.profile.team == "Product"
    assert list(person.groups.all()) == [Group.objects.get(name="Hosts")]
    assert not person.is_staff

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nina@example.com"]
    assert without_isolates(email.subject) == "Ada Admin invited you to InsightBoard"
    assert "Hello Nina New," in without_isolates(email.body)
    assert "Ada Admin invited you" in without_isolates(email.body)
    assert "ada@example.com" not in email.body

    # The link lands on a welcome page; choosing a password there signs the person in.
    newcomer = Client()
    welcome = newcomer.get(welcome_link_in(email.body), follow=True)
    assert "Welcome to InsightBoard, Nina New" in welcome.text
    assert "Ada Admin invited you." in welcome.text
    response = newcomer.post(
        welcome.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert "Welcome to InsightBoard, Nina New." in newcomer.get(reverse("home")).text
    assert signed_in_person(newcomer) == person
    # Used once: the link now says so, and signs nobody in.
    assert "This invitation has expired" in Client().get(welcome_link_in(email.body)).text


def test_it_lets_only_admins_invite(alice_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("invite"), {"display_name": "Mallory", "email": "mallory@example.com"}
        )

    assert response.status_code == 403
    assert not User.objects.filter(username="mallory@example.com").exists()
    assert mailoutbox == []


def test_it_refuses_to_invite_someone_already_here(
    ada_client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ada_client.post(
            reverse("invite"), {"display_name": "Alice Again", "email": "alice@example.com"}
        )

    assert response.status_code == 200
    assert "Someone already signs in with this email." in response.text
    assert mailoutbox == []


# --- Passwords ---------------------------------------------------------------------------------


def test_it_emails_a_password_reset_link_that_works(alice, mailoutbox):
    client = Client()

    response = client.post(reverse("password_reset"), {"email": "ALICE@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert mailoutbox[0].subject == "Choose a new InsightBoard password"

    choose_password(client, link_in(mailoutbox[0].body))
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_it_sends_no_reset_email_for_an_unknown_address(mailoutbox):
    response = Client().post(reverse("password_reset"), {"email": "stranger@example.com"})

    # Same answer as for a real address, so the page does not reveal who has an account.
    assert response.status_code == 302
    assert mailoutbox == []


def test_it_changes_the_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    alice.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert alice.check_password(NEW_PASSWORD)
    # Still signed in on this device after the change.
    assert signed_in_person(alice_client) == alice


def test_it_keeps_the_password_when_the_old_one_is_wrong(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    alice.refresh_from_db()
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.text
    assert alice.check_password(PASSWORD)


# --- Sign-in and lockout -----------------------------------------------------------------------


def test_it_signs_in_with_email_in_any_case(alice):
    client = Client()

    response = sign_in(client, "Alice@Example.COM", PASSWORD)

    assert response.status_code == 302
    assert signed_in_person(client) == alice


def test_it_says_when_the_email_and_password_do_not_match(alice):
    client = Client()

    response = sign_in(client, "alice@example.com", "wrong")

    assert response.status_code == 200
    assert "That email and password do not match an account." in response.text
    assert signed_in_person(client) is None


def test_it_locks_a_username_from_one_address_only_after_too_many_failures(settings, alice, bob):
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client()
    statuses = [
        sign_in(attacker, "alice@example.com", "guess", ip="10.0.0.66").status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]  # the failure that reaches the limit locks

    locked = sign_in(attacker, "alice@example.com", PASSWORD, ip="10.0.0.66")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.text
    assert signed_in_person(attacker) is None

    # Alice at her own desk is not locked out by the attacker.
    at_desk = Client()
    assert sign_in(at_desk, "alice@example.com", PASSWORD, ip="10.0.0.7").status_code == 302
    assert signed_in_person(at_desk) == alice

    # Nor is Bob, from the same address as the attacker.
    same_office = Client()
    assert sign_in(same_office, "bob@example.com", PASSWORD, ip="10.0.0.66").status_code == 302
    assert signed_in_person(same_office) == bob


def test_it_does_not_lock_below_the_failure_limit(settings, alice):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        sign_in(client, "alice@example.com", "guess")

    assert sign_in(client, "alice@example.com", PASSWORD).status_code == 302
    assert signed_in_person(client) == alice


# --- Profile -----------------------------------------------------------------------------------


def test_it_saves_the_profile(alice_client, alice):
    response = alice_client.post(
        reverse("profile"),
        {"display_name": "Alice Cooper", "team": "Success", "digest": DigestPreference.NONE},
    )

    profile = Profile.objects.get(user=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert profile.display_name == "Alice Cooper"
    assert profile.team == "Success"
    assert profile.digest == DigestPreference.NONE
    page = alice_client.get(reverse("profile")).text
    assert "Saved your profile." in page
    assert 'value="Alice Cooper"' in page


def test_it_keeps_the_profile_when_the_input_is_bad(alice_client, alice):
    response = alice_client.post(
        reverse("profile"), {"display_name": "", "team": "Success", "digest": "hourly"}
    )

    profile = Profile.objects.get(user=alice)
    assert response.status_code == 200
    assert "Please fill this in." in response.text
    assert "Choose one of the options in the list." in response.text
    assert profile.display_name == "Alice Staff"
    assert profile.digest == DigestPreference.WEEKLY


def test_it_makes_a_profile_for_people_created_outside_the_app(db):
    person = User.objects.create_user(username="root@example.com", password=PASSWORD)
    client = Client()
    client.force_login(person)

    response = client.get(reverse("profile"))

    assert response.status_code == 200
    assert Profile.objects.get(user=person).display_name == "root@example.com"
