"""The invitation email: a link to the welcome page, where the person chooses a password and is
signed in. Sent by the invitations task, first by the admin's invitation, again on "Resend"."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from insightboard.emails import send_email
from insightboard.people.links import welcome_link
from insightboard.people.models import Invitation, display_name


def waiting_for_password(person: User) -> bool:
    return person.is_active and not person.has_usable_password() and bool(person.email)


def invitation_send(*, person_id: int) -> bool:
    """Email a person their invitation; False if they can no longer be invited (they were
    removed, or have chosen a password meanwhile)."""
    invitation = (
        Invitation.objects.select_related("person__profile", "invited_by__profile")
        .filter(person_id=person_id)
        .first()
    )
    if invitation is None or not waiting_for_password(invitation.person):
        return False
    person = invitation.person
    context = {
        "person": person,
        "display_name": display_name(person),
        "inviter_name": display_name(invitation.invited_by) if invitation.invited_by else "",
        "link": welcome_link(person),
    }
    send_email(template="invitation", to=[person.email], context=context)
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now())
    return True


def pending_invitations() -> QuerySet[Invitation]:
    """Invitations whose person is still here and has not chosen a password, newest first."""
    return (
        Invitation.objects.filter(
            person__is_active=True, person__password__startswith=UNUSABLE_PASSWORD_PREFIX
        )
        .select_related("person__profile", "invited_by__profile")
        .order_by("-created_at", "-pk")
    )
