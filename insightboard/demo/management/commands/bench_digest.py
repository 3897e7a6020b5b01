"""`python manage.py bench_digest [--sink 127.0.0.1:2526]`: compiling the weekly digest at
1,000,000 stories, and sending it to 10,000 people through Postfix's smtp-sink."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.bench import bench_database_ready, how_to_run
from insightboard.demo.bench_digest import (
    BENCH_STORIES,
    IN_THE_WEEK,
    RECIPIENTS,
    ROUNDS,
    digest_bench,
)


class Command(BaseCommand):
    help = (
        "Time compiling a week's digest with 1,000,000 demo stories (20,000 in the week) in "
        "PostgreSQL, and sending it to 10,000 demo people through a running smtp-sink next to "
        "the sink's ceiling and the ledger alone; print Markdown tables. `make bench` starts the "
        "sink and runs it against a database of its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sink", help="HOST:PORT of a running smtp-sink to send to.")
        parser.add_argument("--stories", type=int, default=BENCH_STORIES)
        parser.add_argument("--in-week", type=int, default=IN_THE_WEEK)
        parser.add_argument("--recipients", type=int, default=RECIPIENTS)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--warm-ups", type=int, default=1)
        parser.add_argument("--rounds", type=int, default=ROUNDS)

    def handle(
        self,
        *args: Any,
        sink: str | None,
        stories: int,
        in_week: int,
        recipients: int,
        runs: int,
        warm_ups: int,
        rounds: int,
        **options: Any,
    ) -> None:
        if runs < 1 or rounds < 1:
            raise CommandError("--runs and --rounds must be at least 1.")
        if not 0 < in_week <= stories:
            raise CommandError("--in-week must be between 1 and --stories.")
        bench_database_ready(
            how=how_to_run("The digest benchmark", "bench_digest", "insightboard_bench_digest"),
            would=f"add {stories:,} demo stories and {recipients:,} demo people to it",
        )
        digest_bench(
            stories=stories,
            in_week=in_week,
            recipients=recipients,
            sink=sink,
            runs_count=runs,
            warm_ups=warm_ups,
            rounds=rounds,
            stdout=self.stdout,
        )
