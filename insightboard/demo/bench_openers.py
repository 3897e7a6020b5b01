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
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import CommandError, OutputWrapper
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from insightboard.demo.bench import (
    BARE_PAGE,
    Case,
    Timing,
    bench_site,
    facts_list,
    machine,
    measure,
    page_case,
    postgres_version,
    timing_table,
    vacuum_analyze,
    write_lines,
)
from insightboard.demo.data.people import PEOPLE
from insightboard.people.roles import Role
from meetings.models import Meeting, MeetingSeries, Opener, Weekday
from meetings.openers import opener_pull
from meetings.schedule import series_upcoming_meetings
from stories.models import Kind, Reaction, Story
from stories.services import tags_for

BENCH_STORIES = 1_000_000
LEDGER = 5_000
# "Another one" pressed this many times: the pull skips the stories already shown.
SKIPPED = 20
FOCUS_TAGS = ("checkout", "refunds")


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


def bench_host() -> User:
    return User.objects.get(username=next(p.email for p in PEOPLE if p.roles == (Role.HOSTS,)))


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


def bench_series(plan: SeriesPlan, *, host: User, stdout: OutputWrapper) -> MeetingSeries:
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
        stdout.write(
            f"{plan.name}: {written:,} past meetings and their openers written "
            f"in {time.perf_counter() - started:.1f} s."
        )
    return series


def pull_case(plan: SeriesPlan, meeting: Meeting, skip: list[int] | None = None) -> Case:
    name = f"Another one, {len(skip)} skipped" if skip else "Pull"
    detail = f"{plan.name}: ledger {plan.ledger}"

    def pull(number: int) -> int:
        pick = opener_pull(meeting=meeting, skip=skip or (), rng=random.Random(number))  # noqa: S311
        if pick is None:
            raise CommandError(f"{detail}: the pull found nothing, so there is nothing to time.")
        return pick.story.pk

    return Case(Timing(name, detail), pull)


def shown_after_another_one(meeting: Meeting) -> list[int]:
    """What a host has been shown after pressing "another one" again and again."""
    skip: list[int] = []
    while len(skip) < SKIPPED:
        rng = random.Random(len(skip))  # noqa: S311
        shown = opener_pull(meeting=meeting, skip=skip, rng=rng)
        if shown is None:
            break
        skip.append(shown.story.pk)
    return skip


def service_cases(meetings: dict[SeriesPlan, Meeting]) -> list[Case]:
    story_pk = Story.objects.order_by("pk").values_list("pk", flat=True)[Story.objects.count() // 2]

    def by_primary_key(number: int) -> None:
        Story.objects.get(pk=story_pk)

    return [
        Case(
            Timing("Story by primary key (baseline)", "`Story.objects.get(pk=…)`"),
            by_primary_key,
        ),
        *(pull_case(plan, meeting) for plan, meeting in meetings.items()),
        pull_case(PLAIN, meetings[PLAIN], skip=shown_after_another_one(meetings[PLAIN])),
    ]


def meeting_page_cases(
    client: Client, meetings: dict[SeriesPlan, Meeting]
) -> tuple[list[Case], str]:
    """The meeting page without a pull and with one, when the project has that page; else why
    not. Called under `bench_site()`, so the bare page is there."""
    page = f"/meetings/{meetings[PLAIN].pk}/"
    try:
        resolve(page)
    except Resolver404:
        return [], f"{page} is not a page of the project (yet)."
    cases = [
        page_case("Bare page (layout only, baseline)", BARE_PAGE, client),
        page_case(f"Meeting page, no pull: {PLAIN.name}", page, client),
        *(
            page_case(f"Meeting page, pull: {plan.name}", f"/meetings/{meeting.pk}/?pull", client)
            for plan, meeting in meetings.items()
        ),
    ]
    for case in cases:
        status = client.get(case.timing.url).status_code
        if status != 200:
            return [], f"{case.timing.url} answered {status}, not 200."
    return cases, ""


def facts(
    series: dict[SeriesPlan, MeetingSeries], *, host: User, runs: int, warm_ups: int
) -> list[str]:
    visible = Story.objects.company_wide()
    insights = visible.filter(kind=Kind.INSIGHT)
    tagged = Story.tags.through.objects.filter(story=OuterRef("pk"), tag__name__in=FOCUS_TAGS)
    return [
        f"{Story.objects.count():,} stories ({visible.count():,} company-wide, "
        f"{insights.count():,} of them insights, {insights.filter(Exists(tagged)).count():,} "
        f"of those tagged {' or '.join(FOCUS_TAGS)}), {Reaction.objects.count():,} reactions",
        *(
            f"“{plan.name}”: {series[plan].openers.count():,} openers in its ledger, {plan.ledger}"
            for plan in series
        ),
        f"PostgreSQL {postgres_version()}, DEBUG={settings.DEBUG}, signed in as {host.username} "
        f"(host of every bench series), {runs} timed runs of each after {warm_ups} warm-ups",
        machine(),
    ]


def openers_bench(*, runs: int, warm_ups: int, stdout: OutputWrapper) -> None:
    """Make the bench series (first run only), time pulls and meeting pages, print tables."""
    host = bench_host()
    series = {
        plan: bench_series(plan, host=host, stdout=stdout)
        for plan in (PLAIN, FOCUSED, FOCUSED_SPREAD)
    }
    meetings = {plan: series_upcoming_meetings(series=series[plan])[0] for plan in series}
    service = service_cases(meetings)
    client = Client()
    client.force_login(host)
    with bench_site():
        pages, no_pages = meeting_page_cases(client, meetings)
        measure(service + pages, runs=runs, warm_ups=warm_ups)
    write_lines(stdout, facts_list(facts(series, host=host, runs=runs, warm_ups=warm_ups)))
    stdout.write("\nThe service, `opener_pull()`:\n")
    write_lines(stdout, timing_table(("What", "Of"), service, ratio_to="baseline", picks=True))
    if pages:
        stdout.write("\nThrough HTTP, with Django's test client:\n")
        write_lines(stdout, timing_table(("What", "Of"), pages, ratio_to="baseline"))
    else:
        stdout.write(f"\nNot timed through HTTP: {no_pages}")
