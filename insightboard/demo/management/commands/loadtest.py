"""`python manage.py loadtest`: simulated staff against the production stack (`make loadtest`)."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insightboard.demo.load.run import (
    LOAD_STORIES,
    SECONDS,
    USERS,
    WEB_WORKERS,
    Settings,
    load_run,
    report_lines,
)


class Command(BaseCommand):
    help = (
        "Start gunicorn (production settings), a Celery worker with beat and locust on loopback, "
        f"let {USERS} simulated staff sign in, browse, filter, search, log insights, react and "
        f"keep openers for {SECONDS} s against {LOAD_STORIES:,} demo stories in PostgreSQL "
        "(seeded on first run), stop them all, and print the figures per endpoint and a "
        "reconciliation of the insights logged. Fails on any 5xx or lost or doubled insight."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=USERS)
        parser.add_argument("--seconds", type=int, default=SECONDS)
        parser.add_argument("--port", type=int, default=8800)
        parser.add_argument("--web-workers", type=int, default=WEB_WORKERS)
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            help="The broker and cache of the servers it starts.",
        )
        parser.add_argument("--stories", type=int, default=LOAD_STORIES)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["users"] < 1 or options["seconds"] < 1 or options["web_workers"] < 1:
            raise CommandError("--users, --seconds and --web-workers must be at least 1.")
        settings = Settings(
            users=options["users"],
            seconds=options["seconds"],
            port=options["port"],
            web_workers=options["web_workers"],
            redis_url=options["redis_url"],
            stories=options["stories"],
        )
        load_before = os.getloadavg()[0]
        try:
            outcome = load_run(settings, stdout=self.stdout)
        except KeyboardInterrupt:
            raise CommandError("Interrupted: what the load test started is stopped.") from None
        for line in report_lines(settings, outcome, load_before=load_before):
            self.stdout.write(line)
        server_errors = outcome.everything.server_errors
        if server_errors or outcome.reconciliation.problems:
            raise CommandError(
                f"{server_errors} answers were 5xx and {outcome.reconciliation.problems} "
                "insights did not reconcile."
            )
