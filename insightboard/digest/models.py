"""The weekly digest: one frozen snapshot per ISO week, and one delivery row per recipient.

A digest row is created once per week (unique), with everything the email shows frozen in
`contents`, so late sends, resends and the archive page carry exactly the same words. Deliveries
are the per-recipient ledger: created before anything is sent, each claimed with a token before
its message goes out and marked only by the holder of that token.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from insightboard.weeks import week_dates, week_label


class DigestStatus(models.TextChoices):
    COMPILED = "compiled", "Compiled, not sent yet"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class Digest(models.Model):
    week = models.DateField(unique=True, help_text="The Monday of the ISO week it reports on.")
    status = models.CharField(max_length=10, choices=DigestStatus)
    # Why it was skipped or failed, in words for the archive and the admins.
    reason = models.TextField(blank=True)
    contents = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    compiled_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"Digest {self.label}"

    @property
    def label(self) -> str:
        return week_label(self.week)

    @property
    def dates(self) -> str:
        return week_dates(self.week)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Delivery(models.Model):
    """One recipient of one week's digest. Its Message-ID and Date are fixed when it is created,
    so a resend of the same message is the same message."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    address = models.EmailField(max_length=254)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_deliveries",
    )
    # The name in the greeting, as it was when the ledger was made.
    name = models.CharField(max_length=100, blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    date = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A temporary failure (a 4xx, a timeout) waits until then before the next try.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The mail server's answer, or why it was skipped or failed.
    answer = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["digest", "address"], name="one_delivery_per_address")
        ]
        indexes = [models.Index(fields=["digest", "status"], name="delivery_progress")]

    def __str__(self) -> str:
        return f"{self.digest.label} to {self.address}"


class DistributionAddress(models.Model):
    """A mailing list that gets the digest too (all-staff@, a team list)."""

    address = models.EmailField(max_length=254, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # Someone clicked "unsubscribe" in a message the list received.
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class FeaturedStory(models.Model):
    """The ledger of stories a digest featured: one returns only with new activity since."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="featured")
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    featured_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "story"], name="feature_once_per_digest")
        ]
        indexes = [models.Index(fields=["story", "-featured_at"], name="featured_latest")]

    def __str__(self) -> str:
        return f"{self.digest.label} featured {self.story_id}"


class DigestPolicy(models.Model):
    """What admins decide about the digest; one row."""

    leaders_may_send = models.BooleanField(
        "leaders may preview and send the digest",
        default=False,
        help_text="Admins always may.",
    )

    class Meta:
        verbose_name_plural = "digest policy"

    def __str__(self) -> str:
        return "Digest policy"

    @classmethod
    def current(cls) -> "DigestPolicy":
        """The policy; until an admin saves one, the default (reading never writes)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
