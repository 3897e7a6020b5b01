"""Creating people: self sign-up, admin invitations and the demo company all come through here."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction

from insightboard.people.invitations import waiting_for_password
from insightboard.people.models import Invitation, Profile
from insightboard.people.roles import Role
from insightboard.people.signups import is_signup_pending
from insightboard.people.tasks import (
    send_invitation,
    send_signup_confirmation,
    send_signup_taken,
)


def email_is_taken(email: str) -> bool:
    return User.objects.filter(username__iexact=email).exists()


def signup_waits_for_confirmation(email: str) -> bool:
    return User.objects.filter(
        username__iexact=email, is_active=False, profile__signup_pending=True
    ).exists()


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
    with transaction.atomic():
        person = person_create(email=email, display_name=display_name, team=team, roles=roles)
        Invitation.objects.create(person=person, invited_by=invited_by)
        send_invitation.delay_on_commit(person.pk)
    return person


@transaction.atomic
def invitation_resend(*, invitation: Invitation, resent_by: User) -> bool:
    """A fresh invitation email, for the same account; the links sent before stop working.

    False if there is nobody left to invite: they chose a password meanwhile, or were removed.
    """
    person = User.objects.select_for_update().get(pk=invitation.person_id)
    if not waiting_for_password(person):
        return False
    # A new unusable password changes what invitation links are signed over: old ones expire.
    person.set_unusable_password()
    person.save(update_fields=["password"])
    if invitation.invited_by_id is None:
        Invitation.objects.filter(pk=invitation.pk).update(invited_by=resent_by)
    send_invitation.delay_on_commit(person.pk)
    return True


# --- Self sign-up ------------------------------------------------------------------------------


@transaction.atomic
def signup_request(*, email: str, display_name: str, team: str, password: str) -> None:
    """Someone asks for an account. Whatever the address, the caller answers the same; the
    address's mailbox hears what happens: a link to confirm a new account (inactive until
    then), or, if the address already has one, a note on how to sign in."""
    email = email.strip().lower()
    # Hashed on every path, so a taken address answers no faster than a new one.
    password_hash = make_password(password)
    person = User.objects.select_related("profile").filter(username__iexact=email).first()
    if person is None:
        try:
            with transaction.atomic():
                person = person_create(email=email, display_name=display_name, team=team)
                User.objects.filter(pk=person.pk).update(is_active=False, password=password_hash)
                Profile.objects.filter(user=person).update(signup_pending=True)
        except IntegrityError:
            # A double click created it a moment ago: treat this as signing up again.
            person = User.objects.select_related("profile").get(username__iexact=email)
        else:
            send_signup_confirmation.delay_on_commit(person.pk)
            return
    if is_signup_pending(person):
        # Signing up again before confirming (the first email lost, or another password):
        # the latest details stand, and only the newest link works.
        User.objects.filter(pk=person.pk).update(password=password_hash)
        Profile.objects.filter(user=person).update(
            display_name=display_name.strip(), team=team.strip()
        )
        send_signup_confirmation.delay_on_commit(person.pk)
    else:
        send_signup_taken.delay_on_commit(person.pk)


def signup_confirm(*, person: User) -> bool:
    """The link in the confirmation email was followed: the account opens. False if it was
    already open (a second click, or a mail scanner before the person)."""
    with transaction.atomic():
        opened = Profile.objects.filter(user=person, signup_pending=True).update(
            signup_pending=False
        )
        if opened:
            User.objects.filter(pk=person.pk).update(is_active=True)
            person.is_active = True
    return bool(opened)
