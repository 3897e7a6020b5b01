"""Importing insights from a CSV file: keep the upload, then import it in the background once it
is confirmed.

Nothing is written but the uploaded text until the person confirms the preview. The confirm
claims the upload and records the import's task in the same transaction (insightboard/outbox
hands it to Celery after commit), so it answers at once and a broker that is down loses nothing;
the task (stories/imports/runs.py) checks the stored file again and imports every valid row as
its uploader.
"""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from insightboard.csv_upload import UploadFileError, decode_upload, too_big_message
from stories.imports.rows import check_file
from stories.imports.tasks import import_story_file
from stories.models import StoryImport

# Room for a 10 MB cell and more, so that an overlong cell is a row's problem, not the file's.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Unimported previews are kept this long, then cleared when their person uploads again.
PENDING_DAYS = 1


class ImportRefused(Exception):
    """A confirm that must not import (confirmed already, not theirs); the message says why."""


def story_import_create(*, person: User, filename: str, data: bytes) -> StoryImport:
    """Keep an uploaded file for its preview, or raise UploadFileError saying what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadFileError(too_big_message(len(data), MAX_UPLOAD_BYTES))
    text = decode_upload(data)
    rows = check_file(text)
    StoryImport.objects.filter(
        person=person,
        confirmed_at__isnull=True,
        created_at__lt=timezone.now() - datetime.timedelta(days=PENDING_DAYS),
    ).delete()
    return StoryImport.objects.create(
        person=person, filename=filename[:255], content=text, rows_total=rows
    )


def story_import_confirm(*, story_import: StoryImport, person: User) -> None:
    """Queue the import of the file, once: raises ImportRefused for a second confirm."""
    if story_import.person_id != person.pk:
        raise ImportRefused("Only the person who uploaded a file can import it.")
    with transaction.atomic():
        # The claim: of two confirms at once, the second waits here, then finds it taken.
        claimed = StoryImport.objects.filter(pk=story_import.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        if not claimed:
            raise ImportRefused(already_confirmed_message(story_import))
        import_story_file.delay_on_commit(story_import.pk)


def already_confirmed_message(story_import: StoryImport) -> str:
    story_import.refresh_from_db()
    if story_import.importing:
        return (
            "This file is being imported already (its progress is below): nothing more was queued."
        )
    if story_import.failure:
        return "This file could not be imported: see why below. Upload it again once it is fixed."
    when = timezone.localtime(story_import.imported_at or story_import.confirmed_at)
    return f"This file was imported already on {when:%d %B %Y at %H:%M}: nothing more was added."
