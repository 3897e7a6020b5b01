"""`python manage.py bench_import`: a CSV import of 50,000 insights, step by step (`make bench`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.bench import bench_database_ready, how_to_run
from insightboard.demo.bench_imports import BENCH_ROWS, import_bench
from stories.imports.rows import MAX_ROWS


class Command(BaseCommand):
    help = (
        "Time a CSV import of 50,000 insights (upload, preview, confirm) and its peak memory in "
        "PostgreSQL, then delete what it imported. `make bench` runs it against its database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=BENCH_ROWS)

    def handle(self, *args: Any, rows: int, **options: Any) -> None:
        if not 1 <= rows <= MAX_ROWS:
            raise CommandError(f"--rows must be between 1 and {MAX_ROWS:,}, the import's limit.")
        # It shares the pages benchmark's database, and says how to run that one.
        bench_database_ready(
            how=how_to_run("The benchmark", "bench"),
            would=f"import {rows:,} stories into it",
        )
        import_bench(rows, stdout=self.stdout)
