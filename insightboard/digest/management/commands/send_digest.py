"""`python manage.py send_digest [--week 2026-W47] [--dry-run] [--to ADDRESS] [--enqueue]`"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from insightboard.digest import runs
from insightboard.digest.messages import DigestMessage, shared_parts
from insightboard.digest.models import Digest, DigestStatus
from insightboard.digest.recipients import digest_recipients
from insightboard.digest.services import progress
from insightboard.digest.tasks import enqueue_batches
from insightboard.weeks import NotAWeek, last_complete_week, week_from_label, week_label

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Compile a week's digest (default: the last complete week) and send it to every "
        "recipient from this process, resuming what an earlier run left."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="An ISO week such as 2026-W47.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the text version and the recipient count; record and send nothing.",
        )
        parser.add_argument("--to", help="Send one test copy to this address; record nothing.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the sending to Celery workers."
        )

    def handle(
        self,
        *args: Any,
        week: str | None,
        dry_run: bool,
        to: str | None,
        enqueue: bool,
        **options: Any,
    ) -> None:
        try:
            monday = week_from_label(week) if week else last_complete_week()
        except NotAWeek as error:
            raise CommandError(str(error)) from None
        if to is not None:
            try:
                validate_email(to)
            except ValidationError:
                raise CommandError(f"{to!r} is not an email address.") from None
        if dry_run:
            self.dry_run(monday)
        elif to is not None:
            self.test_copy(monday, to)
        else:
            self.send(monday, enqueue=enqueue)

    def dry_run(self, monday: Any) -> None:
        digest = runs.digest_preview(week=monday)
        parts = shared_parts(digest)
        sample = DigestMessage.personal(
            parts,
            recipient="reader@example.com",
            name="reader",
            person_id=None,
            message_id="<dry-run@example.com>",
            date=digest.created_at,
        )
        self.stdout.write(f"Subject: {parts.subject}\n")
        self.stdout.write(sample.text)
        count = len(digest_recipients())
        plural = "s" if count != 1 else ""
        self.stdout.write(f"\nDry run: {count:,} recipient{plural}; nothing was recorded or sent.")

    def test_copy(self, monday: Any, to: str) -> None:
        digest = Digest.objects.filter(week=monday, contents__isnull=False).first()
        digest = digest or runs.digest_preview(week=monday)
        answer = runs.send_test(digest, to=to)
        self.stdout.write(
            f"Sent a test copy of {week_label(monday)} to {to}: {answer.code} {answer.text}"
        )

    def send(self, monday: Any, *, enqueue: bool) -> None:
        digest = runs.digest_send_now(week=monday)
        if digest.status == DigestStatus.FAILED:
            raise CommandError(f"{digest.label}: {digest.reason}")
        if digest.status == DigestStatus.SKIPPED:
            self.stdout.write(f"{digest.label} was skipped: {digest.reason}")
            return
        if enqueue:
            batches = enqueue_batches(digest)
            plural = "es" if batches != 1 else ""
            self.stdout.write(f"{digest.label}: queued {batches} batch{plural} for the workers.")
            return
        self.show(digest)
        runs.send_all(digest, on_batch=lambda outcomes: self.show(digest))
        self.show(digest, done=True)

    def show(self, digest: Digest, *, done: bool = False) -> None:
        counts = progress(digest)
        total = counts["total"] or 1
        finished = counts["sent"] + counts["failed"] + counts["skipped"]
        filled = round(BAR_WIDTH * finished / total)
        line = (
            f"\r{digest.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{finished:,}/{counts['total']:,}"
            f"  sent {counts['sent']:,}  failed {counts['failed']:,}  skipped {counts['skipped']:,}"
            f"  waiting {counts['pending'] + counts['claimed']:,}"
        )
        self.stdout.write(line, ending="\n" if done else "")
        self.stdout.flush()
