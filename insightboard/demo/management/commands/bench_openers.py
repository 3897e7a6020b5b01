"""`python manage.py bench_openers`: pulling a meeting's opener with 1,000,000 stories."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.bench import (
    RUNS,
    WARM_UPS,
    bench_database_ready,
    bench_stories_seed,
    how_to_run,
)
from insightboard.demo.bench_openers import BENCH_STORIES, openers_bench


class Command(BaseCommand):
    help = (
        "Time pulling a meeting's opener with 1,000,000 demo stories in PostgreSQL and series "
        "that have opened 5,000 meetings each (made on first run) and print Markdown tables. "
        "`make bench` runs it against a database of its own, after the story pages bench."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=int, default=BENCH_STORIES)
        parser.add_argument("--runs", type=int, default=RUNS)
        parser.add_argument("--warm-ups", type=int, default=WARM_UPS)

    def handle(self, *args: Any, stories: int, runs: int, warm_ups: int, **options: Any) -> None:
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        bench_database_ready(
            how=how_to_run("The opener benchmark", "bench_openers", "insightboard_bench_openers"),
            would=f"add {stories:,} demo stories and meeting series to it",
        )
        bench_stories_seed(stories, stdout=self.stdout)
        openers_bench(runs=runs, warm_ups=warm_ups, stdout=self.stdout)
