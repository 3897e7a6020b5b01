"""Links in emails that prove the reader holds the address: signed with the secret key, they
expire (PASSWORD_RESET_TIMEOUT) and stop working once used, so nothing about them is stored.

Each kind signs with its own salt: a password reset link cannot confirm a sign-up, nor the
reverse.
"""

from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from insightboard.emails import absolute_url


class SignupConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Valid while the sign-up waits: confirming it, or signing up again with another password,
    ends every earlier link."""

    key_salt = "insightboard.people.links.SignupConfirmationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Valid until the person chooses a password, or an admin sends a new invitation (which
    changes the unusable password the hash is made from)."""

    key_salt = "insightboard.people.links.InvitationTokenGenerator"


signup_tokens = SignupConfirmationTokenGenerator()
invitation_tokens = InvitationTokenGenerator()


def uid_of(person: User) -> str:
    return urlsafe_base64_encode(force_bytes(person.pk))


def person_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.select_related("profile").filter(pk=pk).first()


def signup_confirmation_link(person: User) -> str:
    return absolute_url("signup_confirm", uid_of(person), signup_tokens.make_token(person))


def welcome_link(person: User) -> str:
    return absolute_url("welcome", uid_of(person), invitation_tokens.make_token(person))
