"""`make bench`: how long the busiest pages take with 200,000 stories in PostgreSQL.

Each page is timed through the whole Django stack with the test client (no network, no
gunicorn), next to a bare page of the same layout that runs no queries of its own (its queries
are the layout's: session, person, permissions, profile): the ratio says what the page itself
costs on top of signing in and drawing the layout. Pages are timed in turn, round after round,
so a busy moment on a shared machine is spread over all of them.
"""

import os
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, include, path
from psycopg import sql

from insightboard.people.models import ApiToken
from insightboard.people.tokens import api_token_create
from stories import search
from stories.management.commands.seed_demo import DEMO_DOMAIN, PEOPLE, seed_stories
from stories.models import Reaction, Sentiment, Story

BENCH_STORIES = 200_000
WARM_UPS = 5
RUNS = 50
# A word in about one story in six, so the search ranks tens of thousands of matches; and a
# rarer one for comparison.
COMMON_WORD = "bill"
RARER_WORD = "refund"
FILTER_TAG = "checkout"
# The API is timed with a key of the signed-in staff person's own, made afresh each run.
BENCH_KEY_NAME = "Benchmark"
HOW_TO_RUN = (
    "The benchmark needs PostgreSQL, at the volume production will have. Run `make bench`: it "
    "uses postgres://postgres@127.0.0.1:5432/insightboard_bench (created and migrated on first "
    "use), or set DATABASE_URL to a PostgreSQL database of its own and run "
    "`python manage.py bench`."
)


def create_database_if_missing() -> None:
    """The benchmark keeps a PostgreSQL database of its own: make it on first use."""
    params = connection.get_connection_params()
    name = params.pop("dbname")
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"Creating the benchmark database {name}")
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bare_page(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/bare.html")


# The project's own URLs plus the bare page, so every request crosses the same middleware.
urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare/", bare_page, name="bench_bare"),
    path("", include("insightboard.urls")),
]


@dataclass
class Timing:
    page: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    times_ms: list[float] = field(default_factory=list)
    query_counts: set[int] = field(default_factory=set)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        if len(self.times_ms) == 1:
            return self.times_ms[0]
        return statistics.quantiles(self.times_ms, n=20, method="inclusive")[18]

    @property
    def queries(self) -> str:
        # A count that moves between identical requests deserves a look: show the range.
        low, high = min(self.query_counts), max(self.query_counts)
        return f"{low}" if low == high else f"{low}-{high}"


def measure(
    client: Client,
    pages: list[tuple[str, str] | tuple[str, str, dict[str, str]]],
    *,
    runs: int,
    warm_ups: int,
) -> list[Timing]:
    timings = [Timing(*page) for page in pages]
    for _ in range(warm_ups):
        for timing in timings:
            answer(client, timing.url, timing.headers)
    for _ in range(runs):
        for timing in timings:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                answer(client, timing.url, timing.headers)
                timing.times_ms.append((time.perf_counter() - started) * 1000)
            timing.query_counts.add(len(queries))
    return timings


def answer(client: Client, url: str, headers: dict[str, str] | None = None) -> None:
    response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}, not 200: nothing to time.")


class Command(BaseCommand):
    help = (
        "Time the story pages with 200,000 demo stories in PostgreSQL (seeded on first run) "
        "and print a Markdown table. `make bench` runs it against a database of its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=int, default=BENCH_STORIES)
        parser.add_argument("--runs", type=int, default=RUNS)
        parser.add_argument("--warm-ups", type=int, default=WARM_UPS)

    def handle(self, *args: Any, stories: int, runs: int, warm_ups: int, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(f"{HOW_TO_RUN}\n(DATABASE_URL points at {connection.vendor}.)")
        create_database_if_missing()
        call_command("migrate", interactive=False, verbosity=0)
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        outsiders = get_user_model().objects.exclude(username__endswith=f"@{DEMO_DOMAIN}")
        if outsiders.exists():
            raise CommandError(
                "This database has people who are not demo people, and the benchmark would add "
                f"{stories:,} demo stories to it. {HOW_TO_RUN}"
            )
        self.seed(stories)
        self.report(runs=runs, warm_ups=warm_ups)

    def seed(self, wanted: int) -> None:
        have = Story.objects.count()
        if have >= wanted:
            self.stdout.write(f"The database has {have:,} stories already: no seeding.")
            return
        self.stdout.write(f"Seeding {wanted - have:,} demo stories (once per database)…")
        started = time.perf_counter()
        seed_stories(wanted - have, stdout=self.stdout)
        seeding = time.perf_counter() - started
        started = time.perf_counter()
        # Planner statistics and visibility map as autovacuum leaves them soon after a bulk load.
        with connection.cursor() as cursor:
            for model in (Story, Story.tags.through, Reaction):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"VACUUM ANALYZE {table}")
        self.stdout.write(
            f"Seeded {wanted - have:,} stories in {seeding:.0f} s "
            f"(then VACUUM ANALYZE in {time.perf_counter() - started:.1f} s)."
        )

    def report(self, *, runs: int, warm_ups: int) -> None:
        staff = next(person for person in PEOPLE if not person.roles)
        client = Client()
        person = get_user_model().objects.get(username=staff.email)
        client.force_login(person)
        ApiToken.objects.filter(person=person, name=BENCH_KEY_NAME).delete()
        _, raw_key = api_token_create(person=person, name=BENCH_KEY_NAME)
        # The key comes first among the API's ways in, so the session cookie is never read.
        with_key = {"Authorization": f"Bearer {raw_key}"}
        # A story from the middle of the table, with a body to render, as most readers open.
        candidates = Story.objects.company_wide().exclude(body="").order_by("pk").only("pk")
        story = candidates[candidates.count() // 2]
        pages: list[tuple[str, str] | tuple[str, str, dict[str, str]]] = [
            ("Bare page (layout only)", "/bench/bare/"),
            ("Home", "/"),
            ("Story list", "/stories/"),
            ("Search, common word", f"/stories/?q={COMMON_WORD}"),
            ("Search, rarer word", f"/stories/?q={RARER_WORD}"),
            ("Filtered list", f"/stories/?sentiment=frustration&tag={FILTER_TAG}"),
            ("Story detail", story.get_absolute_url()),
            ("API story list (key)", "/api/v1/stories", with_key),
        ]
        # The test client's host is "testserver"; ROOT_URLCONF adds the bare page.
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], ROOT_URLCONF=__name__
        ):
            timings = measure(client, pages, runs=runs, warm_ups=warm_ups)
        self.print_table(timings, runs=runs, warm_ups=warm_ups, signed_in=staff.email)

    def print_table(
        self, timings: list[Timing], *, runs: int, warm_ups: int, signed_in: str
    ) -> None:
        visible = Story.objects.company_wide()
        common = search.containing(visible, COMMON_WORD).count()
        rarer = search.containing(visible, RARER_WORD).count()
        filtered = visible.filter(sentiment=Sentiment.FRUSTRATION, tags__name=FILTER_TAG).count()
        version = connection.pg_version // 10000  # type: ignore[attr-defined]
        facts = [
            f"{Story.objects.count():,} stories ({visible.count():,} company-wide), "
            f"{Reaction.objects.count():,} reactions",
            f"“{COMMON_WORD}” matches {common:,} stories, “{RARER_WORD}” {rarer:,}, "
            f"the filter {filtered:,}",
            f"PostgreSQL {version}, DEBUG={settings.DEBUG}, signed in as {signed_in} (staff), "
            f"{runs} timed requests per page after {warm_ups} warm-ups",
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        ]
        bare = timings[0].median_ms
        self.stdout.write("")
        for fact in facts:
            self.stdout.write(f"- {fact}")
        self.stdout.write("")
        self.stdout.write("| Page | URL | Median ms | p95 ms | Queries | Ratio to bare page |")
        self.stdout.write("|---|---|---:|---:|---:|---:|")
        for timing in timings:
            self.stdout.write(
                f"| {timing.page} | `{timing.url}` | {timing.median_ms:.1f} | "
                f"{timing.p95_ms:.1f} | {timing.queries} | {timing.median_ms / bare:.1f} |"
            )
