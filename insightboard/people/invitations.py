"""The invitation email: a link to choose a password, sent by the invitations task."""

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from insightboard.emails import absolute_url, send_email


def set_password_link(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return absolute_url("password_reset_confirm", uid, token)


def invitation_send(*, person_id: int, inviter_id: int) -> bool:
    """Email a new person their invitation; False if they can no longer be invited (they were
    removed, or have chosen a password meanwhile)."""
    person = User.objects.select_related("profile").filter(pk=person_id, is_active=True).first()
    if person is None or person.has_usable_password() or not person.email:
        return False
    inviter = User.objects.select_related("profile").filter(pk=inviter_id).first()
    context = {
        "person": person,
        "display_name": person.profile.display_name,
        "inviter": inviter,
        "link": set_password_link(person),
    }
    send_email(template="invitation", to=[person.email], context=context)
    return True
