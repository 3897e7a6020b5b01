"""Claiming a form post by its one-time token, and remembering how the first post ended."""

import datetime
import re
import secrets
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from insightboard.submissions.models import Submission

SUBMISSION_FIELD = "submission"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Long enough for anyone to press "Back" and send the same form again.
KEEP_FOR = datetime.timedelta(days=1)
# A claim still unsaved after this long lost its process (killed, timed out): it may be taken over.
ABANDONED_AFTER = datetime.timedelta(minutes=10)
POLL_SECONDS = 0.1
CLAIM_ATTEMPTS = 3

# The secrets in a saved htmx answer: blanked when stored, filled afresh when it is shown again.
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
TOKEN_INPUT = re.compile(rf'(name="{SUBMISSION_FIELD}" value=")[^"]*(")')


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Claim:
    submission: Submission
    # True: this post holds the claim and does the work. False: an earlier post has it.
    held: bool


def submission_claim(*, person_id: int, token: str) -> Claim:
    """Insert the token's row, committed at once so a second post sees it; or find the earlier."""
    now = timezone.now()
    Submission.objects.filter(claimed_at__lt=now - KEEP_FOR).delete()
    earlier: Submission | None = None
    for _ in range(CLAIM_ATTEMPTS):
        try:
            with transaction.atomic():
                row = Submission.objects.create(person_id=person_id, token=token, claimed_at=now)
            return Claim(submission=row, held=True)
        except IntegrityError:
            earlier = Submission.objects.filter(person_id=person_id, token=token).first()
        if earlier is not None:
            break
        # Released between our insert and our read: claim it again.
    if earlier is None:
        raise IntegrityError(f"Could not claim submission token for person {person_id}.")
    if earlier.saved_at is None and earlier.claimed_at < now - ABANDONED_AFTER:
        taken = Submission.objects.filter(
            pk=earlier.pk, saved_at=None, claimed_at=earlier.claimed_at
        ).update(claimed_at=now)
        if taken:
            earlier.claimed_at = now
            return Claim(submission=earlier, held=True)
    return Claim(submission=earlier, held=False)


def submission_save(*, submission: Submission, url: str, html: str = "") -> None:
    Submission.objects.filter(pk=submission.pk).update(
        saved_at=timezone.now(), outcome_url=url, outcome_html=blank_secrets(html)
    )


def submission_release(*, submission: Submission) -> None:
    """The post was turned down (a form error): the corrected form may use the same token."""
    Submission.objects.filter(pk=submission.pk).delete()


def submission_outcome(*, submission: Submission, wait: float) -> Submission | None:
    """The earlier post's row once it is saved or released (None), waiting at most `wait`
    seconds while it is still being saved; still unsaved after that, the row as it is."""
    deadline = time.monotonic() + wait
    while True:
        row = Submission.objects.filter(pk=submission.pk).first()
        if row is None or row.saved_at is not None or time.monotonic() >= deadline:
            return row
        time.sleep(POLL_SECONDS)


def blank_secrets(html: str) -> str:
    return TOKEN_INPUT.sub(r"\1\2", CSRF_INPUT.sub(r"\1\2", html))


def fill_secrets(html: str, *, csrf_token: str) -> str:
    """A stored answer shown again: this request's CSRF token, and fresh one-time tokens."""
    html = CSRF_INPUT.sub(lambda found: f"{found[1]}{csrf_token}{found[2]}", html)
    return TOKEN_INPUT.sub(lambda found: f"{found[1]}{new_token()}{found[2]}", html)
