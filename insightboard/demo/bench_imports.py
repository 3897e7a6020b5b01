"""`make bench`: importing a CSV file of 50,000 insights into PostgreSQL, step by step.

The steps are the ones a person goes through: upload (decode, check the file, keep it),
preview (every row checked, nothing written) and confirm (every valid row imported in one
transaction). Each is timed on its own, then run again under tracemalloc for its peak Python
memory (tracing slows Python down, so that run is not timed). The imported stories are deleted
at the end, so the pages benchmark keeps its 200,000 stories.
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

from insightboard.demo.bench import (
    facts_list,
    machine,
    postgres_version,
    vacuum_analyze,
    write_lines,
)
from insightboard.demo.data.people import DEMO_DOMAIN
from insightboard.demo.stories import SEED, plan_stories
from stories.imports.columns import IMPORT_COLUMNS as COLUMNS
from stories.imports.selectors import ImportPreview, story_import_preview
from stories.imports.services import ImportOutcome, story_import_confirm, story_import_create
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
    peak_bytes: int = 0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def bench_csv(rows: int) -> bytes:
    """A file as a CRM export would give it: demo insights, half with a source id, dates in
    both formats the import reads, tags split by commas or semicolons."""
    rng = random.Random(SEED)  # noqa: S311 - demo text, the same every run
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for index, plan in enumerate(plan_stories(rng, rows, timezone.now())):
        story = plan.story
        day = story.happened_on
        writer.writerow(
            [
                story.title,
                story.sentiment,
                story.body,
                (", " if index % 3 else "; ").join(plan.tags),
                story.customer_name,
                story.customer_organisation,
                story.customer_segment,
                story.channel,
                day.isoformat() if index % 4 else f"{day:%d/%m/%Y}",
                story.visibility,
                "",
                f"crm-{index}" if index % 2 else "",
            ]
        )
    return out.getvalue().encode()


def timed[Result](step: Step, work: Callable[[], Result]) -> Result:
    started = time.perf_counter()
    result = work()
    step.seconds = time.perf_counter() - started
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
    confirm = Step("Confirm (check again, import in one transaction)", rows)
    story_import: StoryImport = measure(
        upload,
        lambda: story_import_create(person=importer, filename="bench.csv", data=data),
    )
    checked: ImportPreview = measure(
        preview, lambda: story_import_preview(story_import=story_import, person=importer)
    )
    if checked.rows_with_problems:
        raise CommandError(f"The benchmark's file has problems: {checked.problems[:3]}")
    outcome: ImportOutcome = measure(
        confirm, lambda: story_import_confirm(story_import=story_import, person=importer)
    )
    if outcome.imported != checked.to_import:
        raise CommandError(f"Imported {outcome.imported:,}, not {checked.to_import:,}.")
    return [upload, preview, confirm], outcome


def imported_clear(importer: User) -> float:
    """Delete the benchmark's stories and uploads; VACUUM so that the pages benchmark that
    follows meets the table as it was. Returns the seconds it took."""
    started = time.perf_counter()
    Story.objects.filter(author=importer).delete()
    StoryImport.objects.filter(person=importer).delete()
    vacuum_analyze([Story, Story.tags.through, Reaction])
    return time.perf_counter() - started


def import_table(
    steps: list[Step], outcome: ImportOutcome, *, data: bytes, stories: int
) -> list[str]:
    # Linux reports the peak resident size in kilobytes.
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    facts = [
        f"{steps[0].rows:,} rows, {len(data) / MEGABYTE:.1f} MB of CSV; "
        f"{outcome.imported:,} imported, {outcome.duplicates:,} repeated in the file, "
        f"into a table of {stories:,} stories",
        f"PostgreSQL {postgres_version()}, DEBUG={settings.DEBUG} (queries not logged), "
        f"{machine()}",
        f"Peak resident memory of the whole process: {max_rss:,.0f} MB",
    ]
    return [
        *facts_list(facts),
        "",
        "| Import step | Seconds | Rows/s | Peak Python memory (MB) |",
        "|---|---:|---:|---:|",
        *(
            f"| {step.name} | {step.seconds:.1f} | {step.rows_per_second:,.0f} | "
            f"{step.peak_bytes / MEGABYTE:.0f} |"
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
