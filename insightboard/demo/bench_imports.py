"""`make bench`: importing a CSV file of 50,000 insights into PostgreSQL, step by step.

The steps are the ones a person goes through: upload (decode, check the file, keep it), preview
(every row checked, nothing written), confirm (the request: claim the upload and queue the
import) and the import itself, the background task run as a worker runs it (every row checked
again and the valid ones written in chunks, each with the upload's progress). Each is timed on
its own, then run again under tracemalloc for its peak Python memory (tracing slows Python down,
so that run is not timed). The imported stories are deleted at the end, so the pages benchmark
keeps its 200,000 stories.
"""

import csv
import io
import random
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from insightboard.celery import app as celery_app
from insightboard.demo.bench import (
    facts_list,
    machine,
    postgres_version,
    vacuum_analyze,
    write_lines,
)
from insightboard.demo.data.people import DEMO_DOMAIN
from insightboard.demo.stories import SEED, plan_stories
from insightboard.outbox.models import Handover
from stories.imports.columns import IMPORT_COLUMNS as COLUMNS
from stories.imports.outcomes import ImportOutcome
from stories.imports.rows import BATCH_SIZE
from stories.imports.selectors import ImportPreview, story_import_outcome, story_import_preview
from stories.imports.services import story_import_confirm, story_import_create
from stories.imports.tasks import import_story_file
from stories.models import Reaction, Story, StoryImport

BENCH_ROWS = 50_000
# Its stories are the benchmark's alone, so deleting them afterwards touches nothing else.
IMPORTER = f"import-bench@{DEMO_DOMAIN}"
MEGABYTE = 1024 * 1024
# Two runs at once (two `make bench`) would delete each other's stories: the second waits.
ADVISORY_LOCK = 20_190_105


@dataclass
class Step:
    name: str
    rows: int
    seconds: float = 0.0
    # This process's own CPU time: on a busy shared machine, what the step cost Python here.
    cpu_seconds: float = 0.0
    peak_bytes: int = 0

    @property
    def rows_per_second(self) -> str:
        return f"{self.rows / self.seconds:,.0f}" if self.seconds and self.rows else "n/a"


def bench_csv(rows: int) -> bytes:
    """A file as a CRM export would give it: demo insights, half with a source id, dates in
    both formats the import reads, tags split by commas or semicolons."""
    rng = random.Random(SEED)  # noqa: S311 - demo text, the same every run
    out = io.StringIO()
    # Cells by column name: the import's columns may grow or move, the file keeps up.
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    for index, plan in enumerate(plan_stories(rng, rows, timezone.now())):
        story = plan.story
        day = story.happened_on
        writer.writerow(
            {
                "title": story.title,
                "sentiment": story.sentiment,
                "body": story.body,
                "tags": (", " if index % 3 else "; ").join(plan.tags),
                "customer_name": story.customer_name,
                "customer_organisation": story.customer_organisation,
                "customer_segment": story.customer_segment,
                "channel": story.channel,
                "happened_on": day.isoformat() if index % 4 else f"{day:%d/%m/%Y}",
                "visibility": story.visibility,
                "source_id": f"crm-{index}" if index % 2 else "",
            }
        )
    return out.getvalue().encode()


def timed[Result](step: Step, work: Callable[[], Result]) -> Result:
    started, cpu_started = time.perf_counter(), time.process_time()
    result = work()
    step.seconds = time.perf_counter() - started
    step.cpu_seconds = time.process_time() - cpu_started
    return result


def traced[Result](step: Step, work: Callable[[], Result]) -> Result:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = work()
    step.peak_bytes = tracemalloc.get_traced_memory()[1] - before
    return result


def import_steps(
    importer: User, data: bytes, rows: int, *, measure: Callable[[Step, Any], Any]
) -> tuple[list[Step], ImportOutcome]:
    upload = Step("Upload (decode, check the file, keep it)", rows)
    preview = Step("Preview (check every row, write nothing)", rows)
    # What the person waits for after pressing "Import": no row is read.
    confirm = Step("Confirm (the request: claim the upload, queue the import)", 0)
    background = Step("Import (the task: check again, write in chunks with progress)", rows)
    story_import: StoryImport = measure(
        upload,
        lambda: story_import_create(person=importer, filename="bench.csv", data=data),
    )
    checked: ImportPreview = measure(
        preview, lambda: story_import_preview(story_import=story_import, person=importer)
    )
    if checked.rows_with_problems:
        raise CommandError(f"The benchmark's file has problems: {checked.problems[:3]}")
    measure(confirm, lambda: confirmed_without_queuing(story_import, importer))
    # As a worker runs it (Celery's trace, retries declared), in this process.
    measure(background, lambda: import_story_file.apply(args=(story_import.pk,), throw=True))
    story_import.refresh_from_db()
    if story_import.imported_count != checked.to_import or story_import.imported_at is None:
        raise CommandError(f"Imported {story_import.imported_count:,}, not {checked.to_import:,}.")
    return [upload, preview, confirm, background], story_import_outcome(story_import)


def confirmed_without_queuing(story_import: StoryImport, importer: User) -> None:
    """The confirm as a request with a broker makes it (claim, hand-over recorded, published
    after commit), published to Celery's in-memory broker: the bench runs the task itself, and
    no worker elsewhere may take it."""
    conf = celery_app.conf
    kept = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url="memory://")
    try:
        story_import_confirm(story_import=story_import, person=importer)
    finally:
        conf.update(kept)


def imported_clear(importer: User) -> float:
    """Delete the benchmark's stories and uploads; VACUUM so that the pages benchmark that
    follows meets the table as it was. Returns the seconds it took."""
    started = time.perf_counter()
    Story.objects.filter(author=importer).delete()
    uploads = list(StoryImport.objects.filter(person=importer).values_list("pk", flat=True))
    for upload in uploads:
        Handover.objects.filter(task=import_story_file.name, args=[upload]).delete()
    StoryImport.objects.filter(pk__in=uploads).delete()
    vacuum_analyze([Story, Story.tags.through, Reaction])
    return time.perf_counter() - started


def import_table(
    steps: list[Step], outcome: ImportOutcome, *, data: bytes, stories: int
) -> list[str]:
    # Linux reports the peak resident size in kilobytes.
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    facts = [
        f"{steps[0].rows:,} rows, {len(data) / MEGABYTE:.1f} MB of CSV, written in chunks of "
        f"{BATCH_SIZE:,} rows; "
        f"{outcome.imported:,} imported, {outcome.duplicates:,} repeated in the file, "
        f"into a table of {stories:,} stories",
        f"PostgreSQL {postgres_version()}, DEBUG={settings.DEBUG} (queries not logged), "
        f"{machine()}",
        f"Peak resident memory of the whole process: {max_rss:,.0f} MB",
    ]
    return [
        *facts_list(facts),
        "",
        "| Import step | Seconds | CPU seconds (this process) | Rows/s | Peak Python memory (MB) |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {step.name} | {step.seconds:.2f} | {step.cpu_seconds:.2f} | "
            f"{step.rows_per_second} | {step.peak_bytes / MEGABYTE:.0f} |"
            for step in steps
        ),
    ]


def import_bench(rows: int, *, stdout: OutputWrapper) -> None:
    """Time the import's steps, then trace their memory, one run at a time across processes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
    try:
        steps_bench(rows, stdout=stdout)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])


def steps_bench(rows: int, *, stdout: OutputWrapper) -> None:
    importer, _ = User.objects.get_or_create(username=IMPORTER, defaults={"email": IMPORTER})
    imported_clear(importer)  # What an interrupted run may have left.
    data = bench_csv(rows)
    stories_before = Story.objects.count()
    # Production runs without DEBUG; with it, Django would keep the text of every query.
    with override_settings(DEBUG=False):
        steps, outcome = import_steps(importer, data, rows, measure=timed)
        stdout.write(f"Deleted the imported stories in {imported_clear(importer):.1f} s.")
        tracemalloc.start()
        try:
            memory, _ = import_steps(importer, data, rows, measure=traced)
        finally:
            tracemalloc.stop()
        imported_clear(importer)
    for step, traced_step in zip(steps, memory, strict=True):
        step.peak_bytes = traced_step.peak_bytes
    if Story.objects.filter(author=importer).exists():
        raise CommandError("The benchmark left stories behind.")
    write_lines(stdout, import_table(steps, outcome, data=data, stories=stories_before))
