"""`make bench`, the story pages right after a bulk load: the same stories, copied into a freshly
migrated database and not analysed, next to the analysed benchmark database.

A table filled in bulk keeps the planner statistics of its empty self until ANALYZE runs (the
bulk writes of the product run it themselves; autovacuum does, a minute later, where it is on).
This measures what a page costs in between, as a ratio to the same page on the analysed
database, timed in turn, round after round. Goal: the story list within 2x.
"""

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.db import connection
from django.db.models import Model
from django.test import Client
from psycopg import sql

from insightboard.demo.bench import answer, bench_site, facts_list, machine, write_lines
from insightboard.demo.bench_pages import COMMON_WORD, staff_client
from insightboard.people.models import Profile
from stories.models import EmpathyAnswers, ExecutiveReport, Reaction, Story, Tag

# What the story pages read, in the order their foreign keys need. Groups (roles) come with the
# migrations, with the same ids in both databases.
COPIED: tuple[type[Model], ...] = (
    User,
    User.groups.through,
    Profile,
    Tag,
    Story,
    Story.tags.through,
    Reaction,
    ExecutiveReport,
    EmpathyAnswers,
)
PAGES = (
    ("Story list", "/stories/"),
    ("Home", "/"),
    ("Search, common word", f"/stories/?q={COMMON_WORD}"),
)
GOAL_RATIO = 2.0
# An unanalysed page can take seconds: fewer rounds than the other tables keep `make bench` short.
MOST_RUNS = 10
MOST_WARM_UPS = 1


@dataclass
class PagePair:
    page: str
    url: str
    analysed_ms: list[float] = field(default_factory=list)
    fresh_ms: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.fresh_ms) / statistics.median(self.analysed_ms)


def fresh_name() -> str:
    return f"{connection.settings_dict['NAME']}_fresh_load"


@contextmanager
def database(name: str) -> Iterator[None]:
    """The default connection pointed at another database on the same server, for a while."""
    settings = connection.settings_dict
    previous = settings["NAME"]
    connection.close()
    settings["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        settings["NAME"] = previous


def server_params(name: str) -> dict[str, Any]:
    params = connection.get_connection_params()
    return {**params, "dbname": name}


def fresh_database_load(*, stdout: OutputWrapper) -> str:
    """Drop and re-create the fresh-load database, migrate it, and copy the benchmark's stories
    into it with COPY, as a bulk load would write them; nothing analysed. Returns its name."""
    source, fresh = connection.settings_dict["NAME"], fresh_name()
    started = time.perf_counter()
    with psycopg.connect(**server_params("postgres"), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(fresh)))
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fresh)))
    with database(fresh):
        call_command("migrate", interactive=False, verbosity=0)
    with (
        psycopg.connect(**server_params(source)) as reading,
        psycopg.connect(**server_params(fresh)) as writing,
    ):
        for model in COPIED:
            table = sql.Identifier(model._meta.db_table)
            writing.execute(sql.SQL("DELETE FROM {}").format(table))
            copy_out = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(table)
            copy_in = sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(table)
            with (
                reading.cursor().copy(copy_out) as out,
                writing.cursor().copy(copy_in) as into,
            ):
                for chunk in out:
                    into.write(chunk)
    stdout.write(
        f"Copied {len(COPIED)} tables into {fresh}, not analysed, in "
        f"{time.perf_counter() - started:.0f} s."
    )
    return fresh


def signed_in_client(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def fresh_load_bench(*, runs: int, warm_ups: int, stdout: OutputWrapper) -> None:
    """Time the pages on the analysed database and on the fresh copy, in turn, round after
    round (switching databases between requests, outside the timings)."""
    runs, warm_ups = min(runs, MOST_RUNS), min(warm_ups, MOST_WARM_UPS)
    analysed = str(connection.settings_dict["NAME"])
    fresh = fresh_database_load(stdout=stdout)
    analysed_client, person, _ = staff_client()
    with database(fresh):
        fresh_client = signed_in_client(User.objects.get(pk=person.pk))
    pairs = [PagePair(page, url) for page, url in PAGES]
    with bench_site():
        for number in range(warm_ups + runs):
            for pair in pairs:
                for client, times, name in (
                    (analysed_client, pair.analysed_ms, analysed),
                    (fresh_client, pair.fresh_ms, fresh),
                ):
                    with database(name):
                        connection.ensure_connection()
                        started = time.perf_counter()
                        answer(client, pair.url)
                        if number >= warm_ups:
                            times.append((time.perf_counter() - started) * 1000)
    stdout.write("\nRight after a bulk load, before ANALYZE (the same stories, copied):")
    write_lines(
        stdout,
        facts_list(
            [
                f"{Story.objects.count():,} stories in each; the fresh copy was migrated first, "
                "then filled with COPY, and nothing analysed it",
                f"{runs} timed requests per page and database after {warm_ups} warm-ups, in turn",
                machine(),
            ]
        ),
    )
    lines = [
        "",
        "| Page | URL | Analysed median ms | Fresh load median ms | Fresh load p95 ms | Ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for pair in pairs:
        p95 = (
            statistics.quantiles(pair.fresh_ms, n=20, method="inclusive")[18]
            if runs > 1
            else pair.fresh_ms[0]
        )
        lines.append(
            f"| {pair.page} | `{pair.url}` | {statistics.median(pair.analysed_ms):.1f} "
            f"| {statistics.median(pair.fresh_ms):.1f} | {p95:.1f} | {pair.ratio:.1f} |"
        )
    write_lines(stdout, lines)
    verdict = "within" if pairs[0].ratio <= GOAL_RATIO else "NOT within"
    stdout.write(f"\nThe story list on a fresh load is {verdict} {GOAL_RATIO:.0f}x of analysed.")
    # Made afresh each run: no need to keep a second copy of the stories on the server.
    with psycopg.connect(**server_params("postgres"), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(fresh)))
