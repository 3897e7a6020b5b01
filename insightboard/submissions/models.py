from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A form post claimed by its one-time token. The row exists while the post is being saved
    (saved_at empty) and after it was saved, so a second post with the same token finds it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    claimed_at = models.DateTimeField(db_index=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    # Where the first post sent the person (a redirect's address) ...
    outcome_url = models.TextField(blank=True)
    # ... or, for an htmx post, the fragment it answered with (its secrets blanked).
    outcome_html = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="submission_once_per_token")
        ]

    def __str__(self) -> str:
        return f"{self.token[:8]}… by {self.person_id}"
