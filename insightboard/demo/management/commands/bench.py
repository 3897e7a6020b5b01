"""`python manage.py bench`: the story pages with 200,000 stories in PostgreSQL (`make bench`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.bench import (
    RUNS,
    WARM_UPS,
    bench_database_ready,
    bench_stories_seed,
    how_to_run,
)
from insightboard.demo.bench_fresh_load import fresh_load_bench
from insightboard.demo.bench_pages import BENCH_STORIES, pages_bench


class Command(BaseCommand):
    help = (
        "Time the story pages with 200,000 demo stories in PostgreSQL (seeded on first run), "
        "then again on a fresh copy of them that nothing analysed (made afresh each run, in "
        "<database>_fresh_load), and print Markdown tables. `make bench` runs it against a "
        "database of its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=int, default=BENCH_STORIES)
        parser.add_argument("--runs", type=int, default=RUNS)
        parser.add_argument("--warm-ups", type=int, default=WARM_UPS)

    def handle(self, *args: Any, stories: int, runs: int, warm_ups: int, **options: Any) -> None:
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        bench_database_ready(
            how=how_to_run("The benchmark", "bench"),
            would=f"add {stories:,} demo stories to it",
        )
        bench_stories_seed(stories, stdout=self.stdout)
        pages_bench(runs=runs, warm_ups=warm_ups, stdout=self.stdout)
        fresh_load_bench(runs=runs, warm_ups=warm_ups, stdout=self.stdout)
