"""Creating people: self sign-up, admin invitations and the demo company all come through here."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from insightboard.people.models import Profile
from insightboard.people.roles import Role
from insightboard.people.tasks import send_invitation


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


def person_invite(
    *, invited_by: User, email: str, display_name: str, team: str, roles: list[Role]
) -> User:
    """A new person, and their invitation email queued after commit (retried if the mail
    server is down: the person exists either way, and no email goes out for a rolled-back row)."""
    person = person_create(email=email, display_name=display_name, team=team, roles=roles)
    send_invitation.delay_on_commit(person.pk, invited_by.pk)
    return person
