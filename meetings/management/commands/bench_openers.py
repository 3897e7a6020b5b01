"""`make bench`, second part: how long pulling a meeting's opener takes with 1,000,000 stories.

A pull never sorts the table at random. Each widening step walks the newest company-wide stories
down an index, steps over those already in the series' Opener ledger (NOT EXISTS against the
ledger's unique index) and stops at a pool of POOL_SIZE; the pool is scored in Python and the
pick is random among the best. So a pull costs what the walk steps over, not the table's size.

Every bench series has opened 5,000 meetings. Two ledgers hold the newest stories a pull would
otherwise offer, so every pull first steps over all 5,000 (the worst case); the third holds
stories spread over all time, as a series that has run for years would. Pulls are timed as the
service call and, when the meeting page exists, through the whole Django stack, each next to a
baseline measured in the same run, in turn, round after round, as the story pages bench does.
"""

import datetime
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from insightboard.people.roles import Role
from meetings.models import Meeting, MeetingSeries, Opener, Weekday
from meetings.openers import Candidate, opener_pull
from meetings.schedule import series_upcoming_meetings
from stories.management.commands import bench as story_bench
from stories.management.commands.seed_demo import DEMO_DOMAIN, PEOPLE, seed_stories
from stories.models import Kind, Reaction, Story
from stories.services import tags_for

BENCH_STORIES = 1_000_000
LEDGER = 5_000
WARM_UPS = 5
RUNS = 50
# "Another one" pressed this many times: the pull skips the stories already shown.
SKIPPED = 20
FOCUS_TAGS = ("checkout", "refunds")
HOW_TO_RUN = (
    "The opener benchmark needs PostgreSQL, at the volume production will have. Run "
    "`make bench`: it uses postgres://postgres@127.0.0.1:5432/insightboard_bench (created and "
    "migrated on first use), or set DATABASE_URL to a PostgreSQL database of its own and run "
    "`python manage.py bench_openers`."
)


@dataclass(frozen=True)
class SeriesPlan:
    """A bench series and what its ledger holds: insights, with a focus tag if it has focus."""

    name: str
    focus: tuple[str, ...]
    # The newest stories a pull would offer, so every pull steps over the whole ledger (the
    # worst case), or stories spread evenly over all time, as a series that has run for years.
    spread: bool

    @property
    def ledger(self) -> str:
        stories = "insights with a focus tag" if self.focus else "insights"
        return f"{'spread over all' if self.spread else 'the newest'} {stories}"


PLAIN = SeriesPlan("Bench series", (), spread=False)
FOCUSED = SeriesPlan("Bench series, focus on checkout and refunds", FOCUS_TAGS, spread=False)
FOCUSED_SPREAD = SeriesPlan(
    "Bench series, focus on checkout and refunds, ledger spread", FOCUS_TAGS, spread=True
)


@dataclass
class Case:
    """One thing to time; `run` takes the run's number, which seeds the pull's randomness."""

    timing: story_bench.Timing
    run: Callable[[int], object]
    picks: set[int] = field(default_factory=set)


def measure(cases: list[Case], *, runs: int, warm_ups: int) -> None:
    for number in range(warm_ups):
        for case in cases:
            case.run(runs + number)
    for number in range(runs):
        for case in cases:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                result = case.run(number)
                case.timing.times_ms.append((time.perf_counter() - started) * 1000)
            case.timing.query_counts.add(len(queries))
            if isinstance(result, Candidate):
                case.picks.add(result.story.pk)


def pull_case(plan: SeriesPlan, meeting: Meeting, skip: list[int] | None = None) -> Case:
    name = f"Another one, {len(skip)} skipped" if skip else "Pull"
    detail = f"{plan.name}: ledger {plan.ledger}"

    def pull(number: int) -> Candidate:
        pick = opener_pull(meeting=meeting, skip=skip or (), rng=random.Random(number))  # noqa: S311
        if pick is None:
            raise CommandError(f"{detail}: the pull found nothing, so there is nothing to time.")
        return pick

    return Case(story_bench.Timing(name, detail), pull)


def page_case(name: str, url: str, client: Client) -> Case:
    return Case(story_bench.Timing(name, url), lambda number: story_bench.answer(client, url))


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
        if connection.vendor != "postgresql":
            raise CommandError(f"{HOW_TO_RUN}\n(DATABASE_URL points at {connection.vendor}.)")
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        story_bench.create_database_if_missing()
        call_command("migrate", interactive=False, verbosity=0)
        outsiders = get_user_model().objects.exclude(username__endswith=f"@{DEMO_DOMAIN}")
        if outsiders.exists():
            raise CommandError(
                "This database has people who are not demo people, and the benchmark would add "
                f"{stories:,} demo stories and meeting series to it. {HOW_TO_RUN}"
            )
        self.seed(stories)
        host = User.objects.get(username=next(p.email for p in PEOPLE if p.roles == (Role.HOSTS,)))
        series = {
            plan: self.bench_series(plan, host=host) for plan in (PLAIN, FOCUSED, FOCUSED_SPREAD)
        }
        self.report(series, host=host, runs=runs, warm_ups=warm_ups)

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
        vacuum_analyze([Story, Story.tags.through, Reaction])
        self.stdout.write(
            f"Seeded {wanted - have:,} stories in {seeding:.0f} s "
            f"(then VACUUM ANALYZE in {time.perf_counter() - started:.1f} s)."
        )

    def bench_series(self, plan: SeriesPlan, *, host: User) -> MeetingSeries:
        """The planned series with LEDGER openers, made on first use and kept for the next run."""
        series = MeetingSeries.objects.filter(name=plan.name).order_by("pk").first()
        if series is None:
            series = MeetingSeries.objects.create(
                name=plan.name,
                team="Bench",
                weekday=Weekday.MONDAY,
                starts_at=datetime.time(9, 30),
                ends_at=datetime.time(10, 0),
                # Far enough back for every meeting in the ledger to have a past weekly slot.
                first_day=timezone.localdate() - datetime.timedelta(weeks=LEDGER + 10),
            )
            series.hosts.set([host])
            series.focus_tags.set(tags_for(list(plan.focus)))
        missing = LEDGER - series.openers.count()
        if missing > 0:
            started = time.perf_counter()
            written = ledger_fill(series, plan, missing, host=host)
            vacuum_analyze([Meeting, Opener])
            self.stdout.write(
                f"{plan.name}: {written:,} past meetings and their openers written "
                f"in {time.perf_counter() - started:.1f} s."
            )
        return series

    def report(
        self, series: dict[SeriesPlan, MeetingSeries], *, host: User, runs: int, warm_ups: int
    ) -> None:
        meetings = {plan: series_upcoming_meetings(series=series[plan])[0] for plan in series}
        # What a host has been shown after pressing "another one" again and again.
        skip: list[int] = []
        while len(skip) < SKIPPED:
            rng = random.Random(len(skip))  # noqa: S311
            shown = opener_pull(meeting=meetings[PLAIN], skip=skip, rng=rng)
            if shown is None:
                break
            skip.append(shown.story.pk)
        story_pk = Story.objects.order_by("pk").values_list("pk", flat=True)[
            Story.objects.count() // 2
        ]
        service = [
            Case(
                story_bench.Timing("Story by primary key (baseline)", "`Story.objects.get(pk=…)`"),
                lambda number: Story.objects.get(pk=story_pk),
            ),
            *(pull_case(plan, meetings[plan]) for plan in series),
            pull_case(PLAIN, meetings[PLAIN], skip=skip),
        ]
        client = Client()
        client.force_login(host)
        # The test client's host is "testserver"; the story bench's URLconf adds the bare page.
        with override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            ROOT_URLCONF=story_bench.__name__,
        ):
            pages, no_pages = self.meeting_pages(client, meetings)
            measure(service + pages, runs=runs, warm_ups=warm_ups)
        self.print_facts(series, host=host, runs=runs, warm_ups=warm_ups)
        self.print_table("The service, `opener_pull()`", service, picks=True)
        if pages:
            self.print_table("Through HTTP, with Django's test client", pages, picks=False)
        else:
            self.stdout.write(f"\nNot timed through HTTP: {no_pages}")

    def meeting_pages(
        self, client: Client, meetings: dict[SeriesPlan, Meeting]
    ) -> tuple[list[Case], str]:
        """The meeting page without a pull and with one, when the project has that page."""
        page = f"/meetings/{meetings[PLAIN].pk}/"
        try:
            resolve(page)
        except Resolver404:
            return [], f"{page} is not a page of the project (yet)."
        cases = [
            page_case("Bare page (layout only, baseline)", "/bench/bare/", client),
            page_case(f"Meeting page, no pull: {PLAIN.name}", page, client),
            *(
                page_case(
                    f"Meeting page, pull: {plan.name}", f"/meetings/{meeting.pk}/?pull", client
                )
                for plan, meeting in meetings.items()
            ),
        ]
        for case in cases:
            status = client.get(case.timing.url).status_code
            if status != 200:
                return [], f"{case.timing.url} answered {status}, not 200."
        return cases, ""

    def print_facts(
        self, series: dict[SeriesPlan, MeetingSeries], *, host: User, runs: int, warm_ups: int
    ) -> None:
        visible = Story.objects.company_wide()
        insights = visible.filter(kind=Kind.INSIGHT)
        tagged = Story.tags.through.objects.filter(story=OuterRef("pk"), tag__name__in=FOCUS_TAGS)
        version = connection.pg_version // 10000  # type: ignore[attr-defined]
        facts = [
            f"{Story.objects.count():,} stories ({visible.count():,} company-wide, "
            f"{insights.count():,} of them insights, {insights.filter(Exists(tagged)).count():,} "
            f"of those tagged {' or '.join(FOCUS_TAGS)}), {Reaction.objects.count():,} reactions",
            *(
                f"“{plan.name}”: {series[plan].openers.count():,} openers in its ledger, "
                f"{plan.ledger}"
                for plan in series
            ),
            f"PostgreSQL {version}, DEBUG={settings.DEBUG}, signed in as {host.username} "
            f"(host of every bench series), {runs} timed runs of each after {warm_ups} warm-ups",
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        ]
        self.stdout.write("")
        for fact in facts:
            self.stdout.write(f"- {fact}")

    def print_table(self, title: str, cases: list[Case], *, picks: bool) -> None:
        baseline = cases[0].timing.median_ms
        self.stdout.write(f"\n{title}:\n")
        head = "| What | Of | Median ms | p95 ms | Queries | Ratio to baseline |"
        rule = "|---|---|---:|---:|---:|---:|"
        if picks:
            head, rule = f"{head} Different picks |", f"{rule}---:|"
        self.stdout.write(head)
        self.stdout.write(rule)
        for case in cases:
            timing = case.timing
            row = (
                f"| {timing.page} | {timing.url} | {timing.median_ms:.1f} | {timing.p95_ms:.1f} "
                f"| {timing.queries} | {timing.median_ms / baseline:.1f} |"
            )
            if picks:
                row += f" {len(case.picks) or '-'} |"
            self.stdout.write(row)


@transaction.atomic
def ledger_fill(series: MeetingSeries, plan: SeriesPlan, count: int, *, host: User) -> int:
    """Up to `count` past meetings, each opened with a story the plan says; returns how many."""
    in_ledger = Opener.objects.filter(series=series, story=OuterRef("pk"))
    stories = Story.objects.company_wide().filter(kind=Kind.INSIGHT).filter(~Exists(in_ledger))
    if plan.focus:
        tagged = Story.tags.through.objects.filter(story=OuterRef("pk"), tag__name__in=plan.focus)
        stories = stories.filter(Exists(tagged))
    newest_first = stories.order_by("-created_at", "-id").values_list("pk", flat=True)
    if plan.spread:
        every = list(newest_first)
        story_ids = every[:: max(1, len(every) // count)][:count]
    else:
        story_ids = list(newest_first[:count])
    taken = set(series.meetings.values_list("starts_at", flat=True))
    before_first = series.first_slot() - datetime.timedelta(seconds=1)
    slots = [
        slot for slot in series.slots_after(before_first, count + len(taken)) if slot not in taken
    ]
    meetings = Meeting.objects.bulk_create(
        Meeting(series=series, title=series.name, starts_at=slot, ends_at=slot + series.duration())
        for slot in slots[: len(story_ids)]
    )
    Opener.objects.bulk_create(
        Opener(meeting=meeting, series=series, story_id=story_id, reason="Bench", kept_by=host)
        for meeting, story_id in zip(meetings, story_ids, strict=True)
    )
    return len(meetings)


def vacuum_analyze(models: list[Any]) -> None:
    """Planner statistics and visibility map as autovacuum leaves them soon after a bulk load."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
