"""`make bench`, the digest: compiling a week at 1,000,000 stories, and sending it to 10,000
people through a C SMTP sink.

Compiling: 1,000,000 demo stories, 20,000 of them logged in the bench week and the rest spread
over the five years before it, with their tags, reactions and executive reports, written once
with bulk inserts and then VACUUM ANALYZEd (autovacuum is off on these machines). The compile is
timed as `build_digest()` (what `digest_compile()` stores), with its query count.

Sending: Postfix's `smtp-sink` (C, it only counts) stands in for the relay. In the same run and
in turn, round after round: the ceiling (one pre-built digest message sent again and again over
one reused smtplib connection), the ledger alone (a claim and a mark per delivery, no SMTP), and
our pipeline (`runs.send_all()`: claim, re-check, build the person's message, send, mark).
Sending runs with DEBUG off, as in production: Django's query log would cost a write a query.
"""

import datetime
import random
import resource
import smtplib
import socket
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from insightboard.demo.bench import (
    Case,
    Timing,
    facts_list,
    machine,
    measure,
    postgres_version,
    timing_table,
    vacuum_analyze,
    write_lines,
)
from insightboard.demo.data.words import TAGS
from insightboard.demo.people import extra_people_seed, people_seed
from insightboard.demo.stories import batch_write, plan_stories
from insightboard.digest import runs
from insightboard.digest.builder import build_digest
from insightboard.digest.ledger import claim, mark
from insightboard.digest.messages import DigestMessage, shared_parts
from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.digest.relay import SMTP_BACKEND
from insightboard.digest.services import deliveries_create, featured_until, progress
from insightboard.weeks import WEEK, week_dates, week_span
from stories.models import ExecutiveReport, Reaction, Story
from stories.services import tags_for

BENCH_STORIES = 1_000_000
IN_THE_WEEK = 20_000
RECIPIENTS = 10_000
# The week compiled, and the stories before it spread over this many weeks (five years).
BENCH_WEEK = datetime.date(2026, 11, 16)
WEEKS_BEFORE = 5 * 52
# The digest the sending bench sends, its ledger made again for each measurement.
SEND_WEEK = datetime.date(2000, 1, 3)
SEED = 20_261_116
WRITE_BATCH = 5_000
ROUNDS = 3


# --- Seeding ----------------------------------------------------------------------------------


def moment_for(
    index: int, count: int, in_week: int, rng: random.Random, zone: datetime.tzinfo
) -> datetime.datetime:
    """The last `in_week` of `count` stories fall in the bench week, the others evenly over the
    weeks before it; in order, so that ids grow with time as in life."""
    start, end = week_span(BENCH_WEEK)
    if index >= count - in_week:
        share = (index - (count - in_week) + rng.random()) / in_week
        return start + (end - start) * share
    first = start - WEEK * WEEKS_BEFORE
    return first + (start - first) * ((index + rng.random()) / max(count - in_week, 1))


def digest_stories_seed(total: int, in_week: int, *, stdout: OutputWrapper) -> bool:
    """Stories up to `total`, `in_week` of them in the bench week; True if anything was written
    (and then analysed)."""
    have = Story.objects.count()
    if have >= total:
        stdout.write(f"The database has {have:,} stories already: no seeding.")
        return False
    count = total - have
    stdout.write(f"Seeding {count:,} stories, {in_week:,} in the bench week (once per database)…")
    started = time.perf_counter()
    people = [person.pk for person in people_seed()]
    tag_ids = {tag.name: tag.pk for tag in tags_for(list(TAGS))}
    rng = random.Random(SEED + have)  # noqa: S311 - demo data, not secrets
    report_rng = random.Random(SEED + 1 + have)  # noqa: S311 - demo data
    zone = timezone.get_current_timezone()
    week_end = week_span(BENCH_WEEK)[1]
    plans = plan_stories(rng, count, week_end)
    StoryTag = Story.tags.through
    done = 0
    while done < count:
        batch = [next(plans) for _ in range(min(WRITE_BATCH, count - done))]
        for offset, plan in enumerate(batch):
            story = plan.story
            moved = moment_for(done + offset, count, in_week, rng, zone) - story.created_at
            story.created_at += moved
            story.happened_on = (
                story.created_at - datetime.timedelta(days=rng.randint(0, 3))
            ).date()
            story.author_id = people[plan.author]
            plan.reactions = [(person, when + moved) for person, when in plan.reactions]
        batch_write(batch, people=people, tag_ids=tag_ids, report_rng=report_rng)
        previous, done = done, done + len(batch)
        if done // 100_000 > previous // 100_000:
            stdout.write(f"  {done:,} of {count:,} stories written")
    seeding = time.perf_counter() - started
    started = time.perf_counter()
    vacuum_analyze([Story, StoryTag, Reaction, ExecutiveReport])
    stdout.write(
        f"Seeded {count:,} stories in {seeding:.0f} s "
        f"(then VACUUM ANALYZE in {time.perf_counter() - started:.1f} s)."
    )
    return True


def readers_seed(wanted: int, *, stdout: OutputWrapper) -> None:
    """Active demo people with addresses, up to `wanted` colleagues (written once)."""
    missing = wanted - User.objects.filter(username__startswith="colleague").count()
    if missing > 0:
        started = time.perf_counter()
        extra_people_seed(missing)
        stdout.write(f"Added {missing:,} demo colleagues in {time.perf_counter() - started:.0f} s.")


# --- Compiling --------------------------------------------------------------------------------


def compile_cases() -> list[Case]:
    story_pk = Story.objects.order_by("pk").values_list("pk", flat=True)[Story.objects.count() // 2]

    def by_primary_key(number: int) -> None:
        Story.objects.get(pk=story_pk)

    def compile_week(number: int) -> None:
        build_digest(BENCH_WEEK, featured=featured_until(BENCH_WEEK))

    return [
        Case(
            Timing("Story by primary key (baseline)", "`Story.objects.get(pk=…)`"), by_primary_key
        ),
        Case(
            Timing(f"Compile the week of {week_dates(BENCH_WEEK)}", "`build_digest()`"),
            compile_week,
        ),
    ]


def compile_facts(analysed: bool, runs_count: int, warm_ups: int) -> list[str]:
    start, end = week_span(BENCH_WEEK)
    in_week = Story.objects.filter(created_at__gte=start, created_at__lt=end).count()
    heard = Reaction.objects.filter(created_at__gte=start, created_at__lt=end).count()
    contents = build_digest(BENCH_WEEK, featured=featured_until(BENCH_WEEK))
    return [
        f"{Story.objects.count():,} stories, {in_week:,} of them logged in the week, "
        f"{Reaction.objects.count():,} reactions ({heard:,} in the week); no meetings or "
        "metrics (their queries run, over empty tables)",
        "Tables VACUUM ANALYZEd after the bulk load "
        + ("in this run" if analysed else "when they were seeded (an earlier run)"),
        f"The compile picked {len(contents['successes'])} successes and "
        f"{len(contents['frustrations'])} frustrations; {runs_count} timed runs after "
        f"{warm_ups} warm-up(s)",
        f"PostgreSQL {postgres_version()}, DEBUG={settings.DEBUG}",
    ]


# --- Sending ----------------------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@dataclass
class Throughput:
    name: str
    detail: str
    rates: list[float] = field(default_factory=list)
    queries_a_message: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    """How many queries ran, without DEBUG's query log (which costs a write each)."""
    count = [0]

    def counted(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        yield count


def sending_digest() -> Digest:
    """The digest the sending bench sends: the bench week's contents, in a week of its own."""
    contents = build_digest(BENCH_WEEK, featured=featured_until(BENCH_WEEK))
    digest, _ = Digest.objects.update_or_create(
        week=SEND_WEEK, defaults={"status": DigestStatus.SENDING, "contents": contents}
    )
    return digest


def ledger_anew(digest: Digest) -> list[int]:
    """A fresh ledger, every delivery waiting: each measurement sends to everyone."""
    Delivery.objects.filter(digest=digest).delete()
    Digest.objects.filter(pk=digest.pk).update(status=DigestStatus.SENDING, sent_at=None)
    deliveries_create(digest=digest)
    # As autovacuum would soon after (it is off here): without it every round would update a
    # table full of the rows the rounds before left behind.
    vacuum_analyze([Delivery])
    return list(Delivery.objects.filter(digest=digest).order_by("pk").values_list("pk", flat=True))


def ceiling(host: str, port: int, raw: bytes, sender: str, recipient: str, count: int) -> float:
    """Messages a second: the same bytes, over one reused smtplib connection."""
    smtp = smtplib.SMTP(host, port, timeout=10)
    smtp.ehlo()
    started = time.perf_counter()
    for _ in range(count):
        smtp.mail(sender)
        smtp.rcpt(recipient)
        code, _ = smtp.data(raw)
        if code != 250:
            raise CommandError(f"The sink answered {code} to DATA.")
    elapsed = time.perf_counter() - started
    smtp.quit()
    return count / elapsed


def ledger_alone(ids: list[int]) -> float:
    """Messages a second: a claim and a mark each, each committed, nothing sent."""
    started = time.perf_counter()
    for pk in ids:
        token = claim(pk, now=timezone.now())
        if token is None or not mark(pk, token, status=DeliveryStatus.SENT, answer="250"):
            raise CommandError(f"Delivery {pk} could not be claimed and marked.")
    return len(ids) / (time.perf_counter() - started)


def pipeline(digest: Digest, count: int, peaks: list[int], sampled: list[int]) -> float:
    """Messages a second through `runs.send_all()`; how much resident memory grew goes in
    peaks, and its highest in sampled."""
    before = rss_bytes()
    highest = [before]

    def sample(outcomes: object) -> None:
        highest[0] = max(highest[0], rss_bytes())

    started = time.perf_counter()
    runs.send_all(digest, on_batch=sample)
    elapsed = time.perf_counter() - started
    sample(None)
    peaks.append(highest[0] - before)
    sampled.append(highest[0])
    sent = progress(digest)["sent"]
    if sent != count:
        raise CommandError(f"The pipeline sent {sent:,} of {count:,}.")
    return count / elapsed


def sink_ready(host: str, port: int) -> None:
    """Wait for a sink started a moment ago (by `make bench`) to listen, up to ten seconds."""
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError as error:
            if time.monotonic() > deadline:
                raise CommandError(f"No smtp-sink answers at {host}:{port}: {error}") from None
            time.sleep(0.1)


def sending_bench(
    sink: str, *, recipients: int, rounds: int, stdout: OutputWrapper
) -> tuple[list[str], list[str]]:
    host, _, port_text = sink.rpartition(":")
    if not host or not port_text.isdigit():
        raise CommandError(f"--sink must be HOST:PORT, not {sink!r}.")
    port = int(port_text)
    sink_ready(host, port)
    readers_seed(recipients, stdout=stdout)
    mailers = {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": {"host": host, "port": port}}}
    top = Throughput("Ceiling: one pre-built message, one reused smtplib connection", "sink only")
    ledger = Throughput("The ledger alone: claim + mark each delivery", "no SMTP")
    ours = Throughput(
        "Our pipeline: `runs.send_all()`", "claim, re-check, build, send, mark, per message"
    )
    peaks: list[int] = []
    memory_before = rss_bytes()
    sampled = [memory_before]
    with override_settings(DEBUG=False, MAILERS=mailers, INSIGHTBOARD_DIGEST_RATE_PER_MINUTE=0):
        runs.process_relay_close()
        digest = sending_digest()
        for number in range(rounds):
            ids = ledger_anew(digest)
            count = len(ids)
            first = Delivery.objects.get(pk=ids[0])
            raw = DigestMessage.of(first, shared_parts(digest)).as_bytes()
            sender = DigestMessage.of(first, shared_parts(digest)).envelope_sender
            sampled.append(rss_bytes())
            top.rates.append(ceiling(host, port, raw, sender, first.address, count))
            with counting_queries() as queries:
                ledger.rates.append(ledger_alone(ids))
            ledger.queries_a_message = queries[0] / count
            ledger_anew(digest)
            with counting_queries() as queries:
                ours.rates.append(pipeline(digest, count, peaks, sampled))
            ours.queries_a_message = queries[0] / count
            stdout.write(
                f"Round {number + 1}: ceiling {top.rates[-1]:,.0f}/s, ledger "
                f"{ledger.rates[-1]:,.0f}/s, pipeline {ours.rates[-1]:,.0f}/s"
            )
        runs.process_relay_close()
        size = len(raw)
    lines = [
        "| What | Of | Median messages/s | Best | Queries a message | Ratio to the ceiling |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in (top, ledger, ours):
        lines.append(
            f"| {row.name} | {row.detail} | {row.median:,.0f} | {max(row.rates):,.0f} "
            f"| {row.queries_a_message:.1f} | {row.median / top.median:.2f} |"
        )
    facts = [
        f"{count:,} recipients ({count - recipients:,} of them the core demo people), one "
        f"message each of {size / 1024:.0f} KB, {rounds} rounds, each measurement in turn",
        f"Resident memory: {memory_before / 2**20:.0f} MB before the first round; while our "
        f"pipeline sent to everyone it grew by at most {max(peaks) / 2**20:.1f} MB; "
        f"{(max(sampled) - memory_before) / 2**20:.1f} MB at most over all rounds (each "
        f"ledger made anew for {count:,}, the ceiling, the ledger alone, the pipeline)",
        f"Postfix smtp-sink at {sink}; PostgreSQL {postgres_version()} "
        f"(synchronous_commit={synchronous_commit()}: every claim and mark is committed to disk "
        "before the next step), DEBUG=False while sending; the delivery table VACUUM ANALYZEd "
        "after each new ledger",
        machine(),
    ]
    return lines, facts


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


def digest_bench(
    *,
    stories: int,
    in_week: int,
    recipients: int,
    sink: str | None,
    runs_count: int,
    warm_ups: int,
    rounds: int,
    stdout: OutputWrapper,
) -> None:
    analysed = digest_stories_seed(stories, in_week, stdout=stdout)
    cases = compile_cases()
    measure(cases, runs=runs_count, warm_ups=warm_ups)
    stdout.write(f"\nCompiling the weekly digest, {datetime.date.today().isoformat()}:")
    write_lines(stdout, facts_list(compile_facts(analysed, runs_count, warm_ups)))
    stdout.write("")
    write_lines(stdout, timing_table(("What", "Of"), cases, ratio_to="baseline"))
    if sink is None:
        stdout.write("\nSending not measured: give the address of a running smtp-sink (--sink).")
        return
    lines, facts = sending_bench(sink, recipients=recipients, rounds=rounds, stdout=stdout)
    stdout.write(f"\nSending the weekly digest, {datetime.date.today().isoformat()}:")
    write_lines(stdout, facts_list(facts))
    stdout.write("")
    write_lines(stdout, lines)
