"""The import itself, run by a Celery worker once an upload is confirmed: every valid row of the
stored file written once, chunk by chunk, each chunk's stories committed together with the
upload's progress.

A run can be retried, delivered twice, run beside another or started again after a worker died
mid-way: each chunk claims its rows by moving the upload's done_through_row on from where the run
found it, under a row lock, in the transaction that writes them. A run that finds it moved stops;
a rerun checks the rows before the mark again (to know a later row that repeats one of them) but
writes only after it. The unique import key per person is the last guard against a second copy.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from insightboard.csv_upload import UploadFileError
from insightboard.planner_statistics import bulk_write_analyse
from stories.imports.batches import row_outcomes
from stories.imports.outcomes import ImportOutcome
from stories.imports.rows import CheckedRow, RowOutcome, read_rows
from stories.models import EmpathyAnswers, ExecutiveReport, Kind, Story, StoryImport
from stories.reports.selectors import may_file_reports
from stories.services import tags_for

logger = logging.getLogger(__name__)
# An import with no chunk committed for this long lost its worker: the sweep queues it again.
STALLED = datetime.timedelta(minutes=10)

# Rows another upload may win between the check and the write, tried again this often.
RACE_ATTEMPTS = 3


def story_import_run(*, story_import_id: int) -> int:
    """Import what is left of a confirmed upload; how many stories this run wrote."""
    story_import = StoryImport.objects.select_related("person").filter(pk=story_import_id).first()
    if story_import is None or not story_import.importing:
        return 0
    person = story_import.person
    mark = story_import.done_through_row
    outcome = ImportOutcome.from_stored(story_import.outcome, imported=story_import.imported_count)
    written = 0
    filled: Counter[type[Model]] = Counter()  # rows this run added, by table
    try:
        header, rows = read_rows(story_import.content)
        if mark == 0:
            outcome.notices.add_all(header.notices)
        files_reports = may_file_reports(person)
        for batch in row_outcomes(header, rows, person_id=person.pk, files_reports=files_reports):
            fresh = [row for row in batch if row.number > mark]
            if not fresh:
                continue  # committed by an earlier run
            chunk = chunk_import(
                story_import, person, fresh, mark=mark, outcome=outcome, filled=filled
            )
            if chunk is None:
                logger.info("Import %s: another run is further on; this stops.", story_import.pk)
                return written
            written += chunk
            mark = fresh[-1].number
    except UploadFileError as error:
        # Only a file that no longer reads (a rule changed since its preview) gets here.
        StoryImport.objects.filter(pk=story_import.pk, imported_at__isnull=True).update(
            failure=str(error)[:500], progress_at=timezone.now()
        )
        return written
    finished = StoryImport.objects.filter(
        pk=story_import.pk, imported_at__isnull=True, done_through_row=mark
    ).update(imported_at=timezone.now(), progress_at=timezone.now(), content="")
    if finished:
        # Planner statistics for the tables it filled, now, not whenever autovacuum gets to it.
        bulk_write_analyse({**filled, Story: outcome.imported})
    return written


def chunk_import(
    story_import: StoryImport,
    person: User,
    batch: list[RowOutcome],
    *,
    mark: int,
    outcome: ImportOutcome,
    filled: Counter[type[Model]],
) -> int | None:
    """Write one checked chunk and move the upload's progress past it, in one transaction; how
    many stories it wrote, or None when another run has moved the progress from `mark`."""
    with transaction.atomic():
        claimed = list(
            StoryImport.objects.select_for_update()
            .filter(pk=story_import.pk, done_through_row=mark, imported_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not claimed:
            return None
        new_rows = rows_to_write(batch, outcome)
        written, taken = stories_write(person, new_rows, filled=filled)
        outcome.already_imported += taken
        outcome.imported += written
        StoryImport.objects.filter(pk=story_import.pk).update(
            done_through_row=batch[-1].number,
            rows_done=F("rows_done") + len(batch),
            imported_count=outcome.imported,
            outcome=outcome.stored(),
            progress_at=timezone.now(),
        )
    return written


def rows_to_write(batch: list[RowOutcome], outcome: ImportOutcome) -> list[CheckedRow]:
    """The chunk's rows to write; the others counted, with their problems and notices."""
    new_rows = []
    for row in batch:
        if outcome.count(row) and row.row is not None:
            new_rows.append(row.row)
    return new_rows


def stories_write(
    person: User, rows: list[CheckedRow], *, filled: Counter[type[Model]]
) -> tuple[int, int]:
    """Write the rows' stories; how many were written, and how many another upload of the same
    rows wrote between the check and now (those are left as they are)."""
    taken = 0
    for _ in range(RACE_ATTEMPTS):
        try:
            with transaction.atomic():
                counts = stories_create(person, rows)
            filled.update(counts)
            return len(rows), taken
        except IntegrityError:
            keys = [row.import_key for row in rows]
            found = Story.objects.filter(author=person, import_key__in=keys).order_by()
            already = set(found.values_list("import_key", flat=True))
            if not already:
                raise
            taken += sum(row.import_key in already for row in rows)
            rows = [row for row in rows if row.import_key not in already]
    raise IntegrityError("Other uploads kept writing the same rows.")


def stories_create(person: User, rows: list[CheckedRow]) -> dict[type[Model], int]:
    """The rows' stories with their tags and practices; how many rows each table gained."""
    if connection.vendor == "postgresql":
        return stories_copy(person, rows)
    stories = [story_of(person, row) for row in rows]
    Story.objects.bulk_create(stories)
    names = sorted({name for row in rows for name in row.values["tags"]})
    tags = {tag.name: tag.pk for tag in tags_for(names)} if names else {}
    links = Story.tags.through.objects.bulk_create(
        Story.tags.through(story_id=story.pk, tag_id=tags[name])
        for story, row in zip(stories, rows, strict=True)
        for name in row.values["tags"]
    )
    answers, reports = practices_create(stories, rows)
    return {Story.tags.through: len(links), EmpathyAnswers: answers, ExecutiveReport: reports}


def story_of(person: User, row: CheckedRow) -> Story:
    fields = {name: value for name, value in row.values.items() if name != "tags"}
    return Story(author=person, kind=row.kind, import_key=row.import_key, **fields)


def stories_copy(person: User, rows: list[CheckedRow]) -> dict[type[Model], int]:
    """stories_create with PostgreSQL's COPY: a chunk's stories and tag links each go as one
    stream of rows, without an INSERT of thousands of parameters for Django to compile and
    psycopg to rewrite (most of the time a chunk took in Python). Their ids are taken from the
    sequence first, so the tags and practices can name them; the search trigger still runs."""
    stories = [story_of(person, row) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Story._meta.db_table, len(stories)],
        )
        for story, (pk,) in zip(stories, cursor.fetchall(), strict=True):
            story.pk = pk
    # The trigger fills the search vector.
    fields = [field for field in Story._meta.concrete_fields if field.name != "search_vector"]
    table_copy(
        Story,
        fields,
        (
            [field.get_db_prep_save(field.pre_save(story, True), connection) for field in fields]
            for story in stories
        ),
    )
    names = sorted({name for row in rows for name in row.values["tags"]})
    tags = {tag.name: tag.pk for tag in tags_for(names)} if names else {}
    links = [
        (story.pk, tags[name])
        for story, row in zip(stories, rows, strict=True)
        for name in row.values["tags"]
    ]
    through = Story.tags.through
    table_copy(
        through, [through._meta.get_field("story"), through._meta.get_field("tag")], iter(links)
    )
    answers, reports = practices_create(stories, rows)
    return {through: len(links), EmpathyAnswers: answers, ExecutiveReport: reports}


def table_copy(model: type[Model], fields: list[Any], rows: Iterator[Sequence[Any]]) -> None:
    """COPY these rows into the model's table, its errors raised as Django's (IntegrityError)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def practices_create(stories: list[Story], rows: list[CheckedRow]) -> tuple[int, int]:
    """The empathy answers and executive reports of the stories just made (one query each);
    how many of each."""
    answers, reports = [], []
    for story, row in zip(stories, rows, strict=True):
        if row.practice is None:
            continue
        if row.kind == Kind.EMPATHY:
            answers.append(EmpathyAnswers(story=story, **row.practice.fields))
        elif row.kind == Kind.EXECUTIVE:
            reports.append(ExecutiveReport(story=story, **row.practice.fields))
    if answers:
        EmpathyAnswers.objects.bulk_create(answers)
    if reports:
        ExecutiveReport.objects.bulk_create(reports)
    return len(answers), len(reports)


def stalled_imports_resume(*, queue: Callable[[int], object]) -> int:
    """Queue again (with `queue`: the import task's delay_on_commit) each confirmed import that
    has not moved for STALLED (its worker died, or its
    message was lost); the run carries on after its last committed chunk. Each is claimed by
    moving its progress_at, so two sweeps at once queue it once. How many were queued."""
    cutoff = timezone.now() - STALLED
    stalled = StoryImport.objects.filter(
        Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, confirmed_at__lt=cutoff),
        confirmed_at__isnull=False,
        imported_at__isnull=True,
        failure="",
    )
    queued = 0
    for story_import_id in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            if stalled.filter(pk=story_import_id).update(progress_at=timezone.now()):
                queue(story_import_id)
                queued += 1
    return queued
