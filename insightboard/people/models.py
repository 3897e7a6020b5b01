from django.conf import settings
from django.contrib.auth.models import User
from django.db import models


class DigestPreference(models.TextChoices):
    WEEKLY = "weekly", "Send me the weekly digest"
    NONE = "none", "No digest email"


def display_name(person: User) -> str:
    """A person's name, falling back to their email for accounts made outside the app."""
    profile = getattr(person, "profile", None)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return person.email or person.get_username()


class Profile(models.Model):
    """What the company knows of a person beyond sign-in: how to name them and what to send."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=100)
    team = models.CharField(max_length=100, blank=True)
    digest = models.CharField(
        "digest email", max_length=10, choices=DigestPreference, default=DigestPreference.WEEKLY
    )
    # Signed up, and not yet followed the link that proves the address is theirs: the account
    # stays inactive until then. A person an admin removed is inactive too, and not waiting.
    signup_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        permissions = [
            ("host_meetings", "Can host meetings"),
            ("file_executive_reports", "Can file executive reports"),
            ("manage_everything", "Can manage everything"),
        ]

    def __str__(self) -> str:
        return self.display_name


class ApiToken(models.Model):
    """A person's key to the JSON API. Only a hash is stored; the key is shown once."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “Zendesk import”.")
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    """An admin's invitation: who asked, and when the email last went out. It is pending while
    the person has not chosen a password."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the email was handed to the mail server, not when it was queued.
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Invitation for {self.person}"
