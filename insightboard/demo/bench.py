"""What the benchmarks share: a PostgreSQL database of their own, seeded once with demo stories,
timings taken in turn round after round, and Markdown tables of the results.

Pages are timed through the whole Django stack with the test client (no network, no gunicorn),
next to a baseline measured in the same run: a busy moment on a shared machine is spread over
every row, so the ratios mean more than the milliseconds.
"""

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.db.models import Model
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from insightboard.demo.data.people import DEMO_DOMAIN
from insightboard.demo.stories import stories_seed
from stories.models import Reaction, Story

WARM_UPS = 5
RUNS = 50
# The project's URLs plus the bare page, the baseline every page is compared with.
BENCH_URLCONF = "insightboard.demo.bench_urls"
BARE_PAGE = "/bench/bare/"


def how_to_run(what: str, command: str, database: str = "insightboard_bench") -> str:
    return (
        f"{what} needs PostgreSQL, at the volume production will have. Run `make bench`: it "
        f"uses postgres://postgres@127.0.0.1:5432/{database} (created and migrated on first "
        "use), or set DATABASE_URL to a PostgreSQL database of its own and run "
        f"`python manage.py {command}`."
    )


def create_database_if_missing() -> None:
    """A benchmark keeps a PostgreSQL database of its own: make it on first use."""
    params = connection.get_connection_params()
    name = params.pop("dbname")
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"Creating the benchmark database {name}")
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bench_database_ready(*, how: str, would: str) -> None:
    """Check for PostgreSQL, create and migrate the database, and refuse one that has real
    people in it: `would` says what the benchmark is about to add to it."""
    if connection.vendor != "postgresql":
        raise CommandError(f"{how}\n(DATABASE_URL points at {connection.vendor}.)")
    create_database_if_missing()
    call_command("migrate", interactive=False, verbosity=0)
    if User.objects.exclude(username__endswith=f"@{DEMO_DOMAIN}").exists():
        raise CommandError(
            f"This database has people who are not demo people, and the benchmark would {would}. "
            f"{how}"
        )


def vacuum_analyze(models: list[type[Model]]) -> None:
    """Planner statistics and visibility map as autovacuum leaves them soon after a bulk load."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def bench_stories_seed(wanted: int, *, stdout: OutputWrapper) -> None:
    """Demo stories up to `wanted`, written once per database and kept for the next run."""
    have = Story.objects.count()
    if have >= wanted:
        stdout.write(f"The database has {have:,} stories already: no seeding.")
        return
    stdout.write(f"Seeding {wanted - have:,} demo stories (once per database)…")
    started = time.perf_counter()
    # VACUUM ANALYZE follows, as autovacuum would in time; the seed's own ANALYZE would repeat it.
    stories_seed(wanted - have, stdout=stdout, analyse=False)
    seeding = time.perf_counter() - started
    started = time.perf_counter()
    vacuum_analyze([Story, Story.tags.through, Reaction])
    stdout.write(
        f"Seeded {wanted - have:,} stories in {seeding:.0f} s "
        f"(then VACUUM ANALYZE in {time.perf_counter() - started:.1f} s)."
    )


@contextmanager
def bench_site() -> Iterator[None]:
    """The test client's host ("testserver") allowed, and the bare page among the URLs."""
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], ROOT_URLCONF=BENCH_URLCONF
    ):
        yield


@dataclass
class Timing:
    page: str
    url: str
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


@dataclass
class Case:
    """One thing to time. `run` takes the run's number (it seeds any randomness) and returns
    the id of what it picked, if it picks anything, so the table can say how many differed."""

    timing: Timing
    run: Callable[[int], int | None]
    picks: set[int] = field(default_factory=set)


def measure(cases: list[Case], *, runs: int, warm_ups: int) -> None:
    """Each case in turn, round after round, after warm-ups that are not timed."""
    for number in range(warm_ups):
        for case in cases:
            case.run(runs + number)
    for number in range(runs):
        for case in cases:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                picked = case.run(number)
                case.timing.times_ms.append((time.perf_counter() - started) * 1000)
            case.timing.query_counts.add(len(queries))
            if picked is not None:
                case.picks.add(picked)


def answer(client: Client, url: str, headers: dict[str, str] | None = None) -> None:
    response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}, not 200: nothing to time.")


def page_case(name: str, url: str, client: Client, headers: dict[str, str] | None = None) -> Case:
    def get(number: int) -> None:
        answer(client, url, headers)

    return Case(Timing(name, url), get)


def postgres_version() -> int:
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def machine() -> str:
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"


def facts_list(facts: list[str]) -> list[str]:
    """The facts that make a run's numbers comparable, as a Markdown list after a blank line."""
    return ["", *(f"- {fact}" for fact in facts)]


def timing_table(
    columns: tuple[str, str],
    cases: list[Case],
    *,
    ratio_to: str,
    code_urls: bool = False,
    picks: bool = False,
) -> list[str]:
    """A Markdown table of the cases, each median next to the first case's (the baseline)."""
    baseline = cases[0].timing.median_ms
    head = f"| {columns[0]} | {columns[1]} | Median ms | p95 ms | Queries | Ratio to {ratio_to} |"
    rule = "|---|---|---:|---:|---:|---:|"
    if picks:
        head, rule = f"{head} Different picks |", f"{rule}---:|"
    lines = [head, rule]
    for case in cases:
        timing = case.timing
        url = f"`{timing.url}`" if code_urls else timing.url
        row = (
            f"| {timing.page} | {url} | {timing.median_ms:.1f} | {timing.p95_ms:.1f} "
            f"| {timing.queries} | {timing.median_ms / baseline:.1f} |"
        )
        if picks:
            row += f" {len(case.picks) or '-'} |"
        lines.append(row)
    return lines


def write_lines(stdout: OutputWrapper, lines: list[str]) -> None:
    for line in lines:
        stdout.write(line)
