"""Creating people: self sign-up, admin invitations and the demo company all come through here."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from insightboard.emails import send_email
from insightboard.people.models import Profile
from insightboard.people.roles import Role


def email_is_taken(email: str) -> bool:
    return User.objects.filter(username__iexact=email).exists()


@transaction.atomic
def person_create(
    *,
    email: str,
    display_name: str,
    team: str = "",
    roles: list[Role] | None = None,
    password: str | None = None,
) -> User:
    """A person signs in with their email; without a password they must set one from an email."""
    email = email.strip().lower()
    roles = roles or []
    user = User.objects.create_user(
        username=email,
        email=email,
        password=password,
        # Admins manage everything, the Django admin included.
        is_staff=Role.ADMINS in roles,
        is_superuser=Role.ADMINS in roles,
    )
    Profile.objects.create(user=user, display_name=display_name.strip(), team=team.strip())
    if roles:
        user.groups.set(Group.objects.filter(name__in=roles))
    return user


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def person_invite(
    *, invited_by: User, email: str, display_name: str, team: str, roles: list[Role]
) -> User:
    person = person_create(email=email, display_name=display_name, team=team, roles=roles)
    context = {
        "person": person,
        "display_name": display_name,
        "inviter": invited_by,
        "link": set_password_link(person),
    }
    # Sent after commit: no invitation for a person whose row was rolled back.
    transaction.on_commit(
        lambda: send_email(template="invitation", to=[person.email], context=context)
    )
    return person
