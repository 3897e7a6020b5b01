"""`python manage.py bench_under_load`: list pages served by gunicorn, under wrk (`make bench`)."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.bench import bench_database_ready, how_to_run
from insightboard.demo.bench_under_load import (
    BENCH_STORIES,
    CONNECTIONS,
    PORT,
    SECONDS,
    WORKERS,
    demo_company_ready,
    under_load_bench,
)


class Command(BaseCommand):
    help = (
        "Serve the project with gunicorn and the production settings, load every list page "
        "and the sign-in page with wrk, and print requests per second, p50, p99 and each "
        "page's ratio to the sign-in page as a Markdown table. Seeds the demo company with "
        "--stories stories on first use of the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=int, default=BENCH_STORIES)
        parser.add_argument("--port", type=int, default=PORT)
        parser.add_argument("--seconds", type=int, default=SECONDS)
        parser.add_argument("--connections", type=int, default=CONNECTIONS)
        parser.add_argument("--workers", type=int, default=WORKERS)
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("REDIS_URL", ""),
            help="The shared cache gunicorn uses (default: REDIS_URL; none: local memory).",
        )

    def handle(
        self,
        *args: Any,
        stories: int,
        port: int,
        seconds: int,
        connections: int,
        workers: int,
        redis_url: str,
        **options: Any,
    ) -> None:
        if seconds < 1 or connections < 1 or workers < 1:
            raise CommandError("--seconds, --connections and --workers must be at least 1.")
        bench_database_ready(
            how=how_to_run("The bench under load", "bench_under_load"),
            would=f"add {stories:,} demo stories and a demo company to it",
        )
        demo_company_ready(stories, stdout=self.stdout)
        under_load_bench(
            port=port,
            seconds=seconds,
            connections=connections,
            workers=workers,
            redis_url=redis_url,
            stdout=self.stdout,
        )
