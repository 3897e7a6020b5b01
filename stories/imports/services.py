"""Importing insights from a CSV file: keep the upload, then import it once it is confirmed.

Nothing is written but the uploaded text until the person confirms the preview. The confirm
checks the stored file again and imports every valid row in one transaction, as its uploader.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from insightboard.csv_upload import UploadFileError, decode_upload, too_big_message
from stories.imports.batches import row_outcomes
from stories.imports.rows import CheckedRow, check_file, read_rows
from stories.models import EmpathyAnswers, ExecutiveReport, Kind, Story, StoryImport
from stories.reports.selectors import may_file_reports
from stories.services import tags_for

# Room for a 10 MB cell and more, so that an overlong cell is a row's problem, not the file's.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Unimported previews are kept this long, then cleared when their person uploads again.
PENDING_DAYS = 1


class ImportRefused(Exception):
    """A confirm that must not import (already imported, nothing valid); the message says why."""


def story_import_create(*, person: User, filename: str, data: bytes) -> StoryImport:
    """Keep an uploaded file for its preview, or raise UploadFileError saying what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadFileError(too_big_message(len(data), MAX_UPLOAD_BYTES))
    text = decode_upload(data)
    check_file(text)
    StoryImport.objects.filter(
        person=person,
        imported_at__isnull=True,
        created_at__lt=timezone.now() - datetime.timedelta(days=PENDING_DAYS),
    ).delete()
    return StoryImport.objects.create(person=person, filename=filename[:255], content=text)


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    already_imported: int
    duplicates: int
    rows_with_problems: int
    already_here: int = 0


def story_import_confirm(*, story_import: StoryImport, person: User) -> ImportOutcome:
    """Import every valid row of the file in one transaction, as the person who uploaded it.

    Raises ImportRefused when the file was imported already or has nothing to import.
    """
    if story_import.person_id != person.pk:
        raise ImportRefused("Only the person who uploaded a file can import it.")
    try:
        with transaction.atomic():
            # The claim: of two confirms at once, the second waits here, then finds it taken.
            claimed = StoryImport.objects.filter(
                pk=story_import.pk, imported_at__isnull=True
            ).update(imported_at=timezone.now())
            if not claimed:
                raise ImportRefused(already_imported_message(story_import))
            outcome = import_rows(story_import, person)
            if outcome.imported == 0 and outcome.already_imported + outcome.already_here == 0:
                raise ImportRefused(
                    "Nothing was imported: no row of this file is valid. Fix the rows listed "
                    "below and upload the file again."
                )
            StoryImport.objects.filter(pk=story_import.pk).update(
                imported_count=outcome.imported, content=""
            )
    except UploadFileError as error:
        raise ImportRefused(str(error)) from None
    except IntegrityError:
        # Another import by the same person added some of these rows a moment ago.
        raise ImportRefused(
            "Some of these rows were imported by another upload at the same moment, so nothing "
            "was imported. Confirm again to import the rest."
        ) from None
    story_import.refresh_from_db()
    return outcome


def already_imported_message(story_import: StoryImport) -> str:
    story_import.refresh_from_db(fields=["imported_at", "imported_count"])
    when = timezone.localtime(story_import.imported_at) if story_import.imported_at else None
    at = f" on {when:%d %B %Y at %H:%M}" if when else ""
    return f"This file was imported already{at}: nothing more was added."


def import_rows(story_import: StoryImport, person: User) -> ImportOutcome:
    imported = already = here = duplicates = with_problems = 0
    header, rows = read_rows(story_import.content)
    batches = row_outcomes(
        header, rows, person_id=person.pk, files_reports=may_file_reports(person)
    )
    for batch in batches:
        new_rows = []
        for outcome in batch:
            if outcome.problems:
                with_problems += 1
            elif outcome.duplicate_of is not None:
                duplicates += 1
            elif outcome.already_here:
                here += 1
            elif outcome.already_imported:
                already += 1
            elif outcome.row is not None:
                new_rows.append(outcome.row)
        stories = [
            Story(
                author=person,
                kind=row.kind,
                import_key=row.import_key,
                **{name: value for name, value in row.values.items() if name != "tags"},
            )
            for row in new_rows
        ]
        Story.objects.bulk_create(stories)
        names = sorted({name for row in new_rows for name in row.values["tags"]})
        tags = {tag.name: tag.pk for tag in tags_for(names)} if names else {}
        Story.tags.through.objects.bulk_create(
            Story.tags.through(story_id=story.pk, tag_id=tags[name])
            for story, row in zip(stories, new_rows, strict=True)
            for name in row.values["tags"]
        )
        practices_create(stories, new_rows)
        imported += len(stories)
    return ImportOutcome(imported, already, duplicates, with_problems, here)


def practices_create(stories: list[Story], rows: list[CheckedRow]) -> None:
    """The empathy answers and executive reports of the stories just made (one query each)."""
    answers, reports = [], []
    for story, row in zip(stories, rows, strict=True):
        if row.practice is None:
            continue
        if row.kind == Kind.EMPATHY:
            answers.append(EmpathyAnswers(story=story, **row.practice.fields))
        elif row.kind == Kind.EXECUTIVE:
            reports.append(ExecutiveReport(story=story, **row.practice.fields))
    EmpathyAnswers.objects.bulk_create(answers)
    ExecutiveReport.objects.bulk_create(reports)
