"""The emails of self sign-up. The sign-up page answers the same whatever the address, so what
happens next is said only to whoever reads the address's mail: a link to confirm a new account,
or, when the address already has one, a note on how to get in."""

from django.contrib.auth.models import User

from insightboard.emails import absolute_url, send_email
from insightboard.people.invitations import waiting_for_password
from insightboard.people.links import signup_confirmation_link, welcome_link
from insightboard.people.models import Invitation, display_name


def is_signup_pending(person: User) -> bool:
    profile = getattr(person, "profile", None)
    return not person.is_active and profile is not None and profile.signup_pending


def signup_confirmation_send(*, person_id: int) -> bool:
    """Email the link that confirms a sign-up; False once there is nothing left to confirm."""
    person = User.objects.select_related("profile").filter(pk=person_id).first()
    if person is None or not person.email or not is_signup_pending(person):
        return False
    send_email(
        template="signup_confirm",
        to=[person.email],
        context={"display_name": display_name(person), "link": signup_confirmation_link(person)},
    )
    return True


def signup_taken_send(*, person_id: int) -> bool:
    """Tell the owner of an address that someone tried to sign up with it, and how to get in."""
    person = User.objects.select_related("profile").filter(pk=person_id).first()
    if person is None or not person.email:
        return False
    # Invited and not yet in: their own invitation link, since a password reset needs a password.
    invited = waiting_for_password(person) and Invitation.objects.filter(person=person).exists()
    send_email(
        template="signup_taken",
        to=[person.email],
        context={
            "display_name": display_name(person),
            "email": person.email,
            "active": person.is_active,
            "welcome_link": welcome_link(person) if invited else "",
            "login_url": absolute_url("login"),
            "reset_url": absolute_url("password_reset"),
        },
    )
    return True
