"""`make bench`: importing a CSV file of 50,000 insights into PostgreSQL, step by step.

The steps are the ones a person goes through: upload (decode, check the file, keep it),
preview (every row checked, nothing written) and confirm (every valid row imported in one
transaction). Each is timed on its own, then run again under tracemalloc for its peak Python
memory (tracing slows Python down, so that run is not timed). The imported stories are deleted
at the end, so the pages benchmark keeps its 200,000 stories.
"""

import csv
import io
import os
import random
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from stories.imports.columns import IMPORT_COLUMNS as COLUMNS
from stories.imports.rows import MAX_ROWS
from stories.imports.selectors import ImportPreview, story_import_preview
from stories.imports.services import ImportOutcome, story_import_confirm, story_import_create
from stories.management.commands.bench import HOW_TO_RUN, create_database_if_missing
from stories.management.commands.seed_demo import DEMO_DOMAIN, SEED, plan_stories
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


class Command(BaseCommand):
    help = (
        "Time a CSV import of 50,000 insights (upload, preview, confirm) and its peak memory in "
        "PostgreSQL, then delete what it imported. `make bench` runs it against its database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=BENCH_ROWS)

    def handle(self, *args: Any, rows: int, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(f"{HOW_TO_RUN}\n(DATABASE_URL points at {connection.vendor}.)")
        if not 1 <= rows <= MAX_ROWS:
            raise CommandError(f"--rows must be between 1 and {MAX_ROWS:,}, the import's limit.")
        create_database_if_missing()
        call_command("migrate", interactive=False, verbosity=0)
        outsiders = get_user_model().objects.exclude(username__endswith=f"@{DEMO_DOMAIN}")
        if outsiders.exists():
            raise CommandError(
                "This database has people who are not demo people, and the benchmark would "
                f"import {rows:,} stories into it. {HOW_TO_RUN}"
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
        try:
            self.bench(rows)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])

    def bench(self, rows: int) -> None:
        importer, _ = get_user_model().objects.get_or_create(
            username=IMPORTER, defaults={"email": IMPORTER}
        )
        self.clear(importer)  # What an interrupted run may have left.
        data = bench_csv(rows)
        stories_before = Story.objects.count()
        # Production runs without DEBUG; with it, Django would keep the text of every query.
        with override_settings(DEBUG=False):
            steps, outcome = self.run_steps(importer, data, rows, measure=timed)
            self.stdout.write(f"Deleted the imported stories in {self.clear(importer):.1f} s.")
            tracemalloc.start()
            try:
                memory, _ = self.run_steps(importer, data, rows, measure=traced)
            finally:
                tracemalloc.stop()
            self.clear(importer)
        for step, traced_step in zip(steps, memory, strict=True):
            step.peak_bytes = traced_step.peak_bytes
        if Story.objects.filter(author=importer).exists():
            raise CommandError("The benchmark left stories behind.")
        self.print_table(steps, outcome, data=data, stories=stories_before)

    def run_steps(
        self, importer: User, data: bytes, rows: int, *, measure: Callable[[Step, Any], Any]
    ) -> tuple[list[Step], ImportOutcome]:
        upload = Step("Upload (decode, check the file, keep it)", rows)
        preview = Step("Preview (check every row, write nothing)", rows)
        confirm = Step("Confirm (check again, import in one transaction)", rows)
        story_import: StoryImport = measure(
            upload,
            lambda: story_import_create(person=importer, filename="bench.csv", data=data),
        )
        checked: ImportPreview = measure(
            preview, lambda: story_import_preview(story_import=story_import)
        )
        if checked.rows_with_problems:
            raise CommandError(f"The benchmark's file has problems: {checked.problems[:3]}")
        outcome: ImportOutcome = measure(
            confirm, lambda: story_import_confirm(story_import=story_import, person=importer)
        )
        if outcome.imported != checked.to_import:
            raise CommandError(f"Imported {outcome.imported:,}, not {checked.to_import:,}.")
        return [upload, preview, confirm], outcome

    def clear(self, importer: User) -> float:
        """Delete the benchmark's stories and uploads; VACUUM so that the pages benchmark that
        follows meets the table as it was."""
        started = time.perf_counter()
        Story.objects.filter(author=importer).delete()
        StoryImport.objects.filter(person=importer).delete()
        with connection.cursor() as cursor:
            for model in (Story, Story.tags.through, Reaction):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return time.perf_counter() - started

    def print_table(
        self, steps: list[Step], outcome: ImportOutcome, *, data: bytes, stories: int
    ) -> None:
        version = connection.pg_version // 10000  # type: ignore[attr-defined]
        # Linux reports the peak resident size in kilobytes.
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        facts = [
            f"{steps[0].rows:,} rows, {len(data) / MEGABYTE:.1f} MB of CSV; "
            f"{outcome.imported:,} imported, {outcome.duplicates:,} repeated in the file, "
            f"into a table of {stories:,} stories",
            f"PostgreSQL {version}, DEBUG={settings.DEBUG} (queries not logged), "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
            f"Peak resident memory of the whole process: {max_rss:,.0f} MB",
        ]
        self.stdout.write("")
        for fact in facts:
            self.stdout.write(f"- {fact}")
        self.stdout.write("")
        self.stdout.write("| Import step | Seconds | Rows/s | Peak Python memory (MB) |")
        self.stdout.write("|---|---:|---:|---:|")
        for step in steps:
            self.stdout.write(
                f"| {step.name} | {step.seconds:.1f} | {step.rows_per_second:,.0f} | "
                f"{step.peak_bytes / MEGABYTE:.0f} |"
            )
