"""The demo company's stories: planned from one seeded random generator, written in batches.

Two runs on fresh databases give the same stories, and `--stories 200000` takes minutes, not
hours: plans never touch the database, and each batch is a handful of bulk inserts.
"""

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.management.base import OutputWrapper
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from insightboard.demo.data.kudos import KUDOS, SHOUT_OUTS
from insightboard.demo.data.people import PEOPLE
from insightboard.demo.data.situations import (
    AFTERWORDS,
    EMPATHY,
    ENDINGS,
    EXECUTIVE,
    INSIGHTS,
    KIND_ENDINGS,
    KIND_OPENERS,
    OPENERS,
    REACTION_WEIGHTS,
    REACTIONS,
    REPORT_LESSONS,
    SECOND_SENTENCES,
    Situation,
)
from insightboard.demo.data.words import SEGMENT_WEIGHTS, SEGMENTS, SLOTS, TAGS
from insightboard.demo.people import people_seed
from insightboard.people.roles import Role
from insightboard.planner_statistics import bulk_write_analyse
from stories.models import (
    TITLE_MAX_LENGTH,
    ExecutiveReport,
    Kind,
    Reaction,
    ReportPlace,
    Sentiment,
    Story,
    Visibility,
)
from stories.selectors import kudos_stories
from stories.services import tags_for

SEED = 20_190_104
WEEKS = 8
BATCH_SIZE = 2_000
PROGRESS_EVERY = 20_000


def fill(rng: random.Random, template: str) -> str:
    """The template with each {slot} filled; a slot used twice gets the same word both times."""
    words = {
        name: rng.choice(options) for name, options in SLOTS.items() if f"{{{name}}}" in template
    }
    return template.format(**words)


def lower_first(text: str) -> str:
    if text.startswith(("I ", "{", "SIM")):
        return text
    return text[0].lower() + text[1:]


@dataclass
class StoryPlan:
    story: Story
    author: int  # Index in PEOPLE: plans never touch the database.
    tags: list[str]
    # (person index in PEOPLE, when): who hears this too.
    reactions: list[tuple[int, datetime.datetime]]


def plan_title(rng: random.Random, situation: Situation, kind: Kind) -> str:
    template = rng.choice(situation.titles)
    sentiment = Sentiment(situation.sentiment)
    # Drawn every time, so one story's choices never shift the next story's.
    opener, ending, second = rng.random() < 0.4, rng.random() < 0.5, rng.random() < 0.3
    if template.endswith("?"):
        return fill(rng, template)
    openers = OPENERS[sentiment] if kind == Kind.INSIGHT else KIND_OPENERS[kind]
    endings = ENDINGS[sentiment] if kind == Kind.INSIGHT else KIND_ENDINGS[kind]
    if opener:
        template = rng.choice(openers) + lower_first(template)
    if ending:
        template += rng.choice(endings)
    if second and kind == Kind.INSIGHT:
        template += ". " + rng.choice(SECOND_SENTENCES[sentiment])
    return fill(rng, template)[:TITLE_MAX_LENGTH]


def plan_body(rng: random.Random, situation: Situation, kind: Kind) -> str:
    if kind != Kind.INSIGHT:
        # Empathy and executive bodies answer their questions in order, as the forms ask them.
        chosen = [line for line in situation.details if rng.random() < 0.8] or [
            situation.details[0]
        ]
        return "\n\n".join(fill(rng, line) for line in chosen)
    if rng.random() < 0.12:
        return ""
    lines = rng.sample(situation.details, k=min(len(situation.details), rng.randint(1, 2)))
    if rng.random() < 0.5:
        lines.append(rng.choice(AFTERWORDS[Sentiment(situation.sentiment)]))
    return " ".join(fill(rng, line) for line in lines)


def plan_created_at(
    rng: random.Random, index: int, count: int, now: datetime.datetime, zone: datetime.tzinfo
) -> datetime.datetime:
    """Spread over the last weeks in order (ids grow with time, as in life), in office hours."""
    first_day = now.astimezone(zone).date() - datetime.timedelta(weeks=WEEKS)
    day = first_day + datetime.timedelta(days=int((index + rng.random()) * WEEKS * 7 / count) + 1)
    logged_on_friday = rng.random() < 0.8  # Drawn every time: the sequence never depends on dates.
    if day.weekday() >= 5 and logged_on_friday:
        day -= datetime.timedelta(days=day.weekday() - 4)
    clock = datetime.time(rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59))
    moment = datetime.datetime.combine(day, clock, tzinfo=zone)
    return min(moment, now - datetime.timedelta(minutes=rng.randint(1, 120)))


def plan_stories(rng: random.Random, count: int, now: datetime.datetime) -> Iterator[StoryPlan]:
    """Stories to write, without touching the database: authors are indexes into PEOPLE."""
    weights = [person.weight for person in PEOPLE]
    leaders = [i for i, person in enumerate(PEOPLE) if Role.LEADERS in person.roles]
    others = [[i for i in range(len(PEOPLE)) if i != author] for author in range(len(PEOPLE))]
    zone = timezone.get_current_timezone()
    for index in range(count):
        kind = rng.choices((Kind.INSIGHT, Kind.EMPATHY, Kind.EXECUTIVE), weights=(85, 10, 5))[0]
        if kind == Kind.INSIGHT:
            situation = rng.choice(INSIGHTS)
            author = rng.choices(range(len(PEOPLE)), weights=weights)[0]
        elif kind == Kind.EMPATHY:
            situation = rng.choice(EMPATHY)
            author = rng.randrange(len(PEOPLE))
        else:
            situation = rng.choice(EXECUTIVE)
            author = rng.choice(leaders)
        created_at = plan_created_at(rng, index, count, now, zone)
        # Leaders file their reports some days after the conversations they report.
        days_before = (
            (1, 2, 3, 4, 6, 8, 10, 13) if kind == Kind.EXECUTIVE else (0, 0, 0, 1, 1, 2, 3, 6)
        )
        happened_on = created_at.astimezone(zone).date() - datetime.timedelta(
            days=rng.choice(days_before)
        )
        customer_name = organisation = segment = ""
        if kind == Kind.INSIGHT:
            segment = rng.choices(SEGMENTS, weights=SEGMENT_WEIGHTS)[0]
            if rng.random() < 0.7:
                customer_name = f"{rng.choice(SLOTS['first'])} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
            if segment in ("Small business", "Enterprise"):
                organisation = rng.choice(SLOTS["org"])
        elif kind == Kind.EXECUTIVE:
            segment = rng.choice(("Small business", "Enterprise"))
            organisation = rng.choice(SLOTS["org"])
        story = Story(
            kind=kind,
            sentiment=situation.sentiment,
            title=plan_title(rng, situation, kind),
            body=plan_body(rng, situation, kind),
            customer_name=customer_name,
            customer_organisation=organisation,
            customer_segment=segment,
            channel=rng.choice(situation.channels),
            happened_on=happened_on,
            visibility=Visibility.PRIVATE if rng.random() < 0.04 else Visibility.COMPANY,
            created_at=created_at,
        )
        tags = rng.sample(situation.tags, k=rng.randint(1, len(situation.tags)))
        if rng.random() < 0.1:
            extra = rng.choice(TAGS)
            if extra not in tags:
                tags.append(extra)
        reactions: list[tuple[int, datetime.datetime]] = []
        if story.visibility == Visibility.COMPANY:
            howmany = rng.choices(REACTIONS, weights=REACTION_WEIGHTS)[0]
            for person in rng.sample(others[author], k=howmany):
                later = created_at + datetime.timedelta(minutes=rng.randint(5, 4 * 24 * 60))
                reactions.append((person, min(later, now)))
        yield StoryPlan(story=story, author=author, tags=tags, reactions=reactions)


def lessons(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` report lessons, each used once before any comes back, so neighbouring reports
    say different things."""
    picked: list[tuple[str, str]] = []
    while len(picked) < count:
        round_ = list(REPORT_LESSONS)
        rng.shuffle(round_)
        picked.extend(round_)
    return picked[:count]


def report_details(plans: list[StoryPlan], rng: random.Random) -> list[ExecutiveReport]:
    """The executive report fields of the batch's executive stories (their own random stream,
    so that adding reports leaves the stories themselves as they were)."""
    executive = [plan.story for plan in plans if plan.story.kind == Kind.EXECUTIVE]
    return [
        ExecutiveReport(
            story_id=story.pk,
            spoke_with=f"{story.customer_organisation} ({story.customer_segment})",
            conversations=rng.randint(1, 5),
            place=rng.choice(ReportPlace.values),
            insight=insight,
            suggested_action=action,
            # The leader who filed it owns the action until they hand it on.
            action_owner_id=story.author_id,
        )
        for story, (insight, action) in zip(executive, lessons(len(executive), rng), strict=True)
    ]


def batch_write(
    batch: list[StoryPlan],
    *,
    people: list[int],
    tag_ids: dict[str, int],
    report_rng: random.Random,
) -> Counter[type[Model]]:
    """Write planned stories, their tags, reactions and report details, in one transaction;
    returns how many rows of each it wrote."""
    story_tag = Story.tags.through
    with transaction.atomic():
        stories = Story.objects.bulk_create([plan.story for plan in batch])
        tags = story_tag.objects.bulk_create(
            story_tag(story_id=plan.story.pk, tag_id=tag_ids[name])
            for plan in batch
            for name in plan.tags
        )
        reactions = Reaction.objects.bulk_create(
            Reaction(story_id=plan.story.pk, person_id=people[person], created_at=when)
            for plan in batch
            for person, when in plan.reactions
        )
        reports = ExecutiveReport.objects.bulk_create(report_details(batch, report_rng))
    return Counter(
        {
            Story: len(stories),
            story_tag: len(tags),
            Reaction: len(reactions),
            ExecutiveReport: len(reports),
        }
    )


def stories_seed(count: int, *, stdout: OutputWrapper | None = None, analyse: bool = True) -> int:
    """Write `count` more demo stories with their tags and reactions; returns how many.

    The demo people are created first when missing: every story needs its author. The tables
    it filled are analysed at the end (planner_statistics), unless `analyse` is False: the
    benchmark measures pages on a table fresh from a bulk load, before anyone analysed it.
    """
    people = [person.pk for person in people_seed()]
    tag_ids = {tag.name: tag.pk for tag in tags_for(list(TAGS))}
    # Seeded by how many stories exist, so adding more gives new stories, yet stays repeatable.
    rng = random.Random(SEED + Story.objects.count())  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    plans = plan_stories(rng, count, now)
    report_rng = random.Random(SEED + 1 + Story.objects.count())  # noqa: S311 - demo data
    done = 0
    written: Counter[type[Model]] = Counter()
    while done < count:
        batch = [next(plans) for _ in range(min(BATCH_SIZE, count - done))]
        for plan in batch:
            plan.story.author_id = people[plan.author]
        written += batch_write(batch, people=people, tag_ids=tag_ids, report_rng=report_rng)
        previous, done = done, done + len(batch)
        if stdout is not None and done // PROGRESS_EVERY > previous // PROGRESS_EVERY:
            stdout.write(f"  {done:,} of {count:,} stories written")
    if analyse:
        bulk_write_analyse(written)
    return done


def shout_out_for(tags: list[str]) -> str:
    """Who a success is thanks to, by its first tag that names someone; "" if none does."""
    return next((SHOUT_OUTS[tag] for tag in tags if tag in SHOUT_OUTS), "")


def tags_in_order(stories: list[Story]) -> dict[int, list[str]]:
    """Each story's tags in the order it was given them: its situation's own before any extra."""
    ordered: dict[int, list[str]] = {story.pk: [] for story in stories}
    rows = Story.tags.through.objects.filter(story__in=stories).order_by("pk")
    for story_id, name in rows.values_list("story_id", "tag__name"):
        ordered[story_id].append(name)
    return ordered


@transaction.atomic
def kudos_seed() -> str:
    """Thank a colleague or team in the newest demo successes, so Customer kudos has some.

    Kudos are successes the stories already hold, so `--stories N` still writes N stories.
    Does nothing once any kudos exist; returns what it did, in a sentence for the terminal.
    """
    if kudos_stories().exists():
        return "There are customer kudos already, so no demo kudos were added."
    successes = list(
        Story.objects.company_wide()
        .filter(kind=Kind.INSIGHT, sentiment=Sentiment.SUCCESS)
        .order_by("-created_at", "-pk")[:KUDOS]
    )
    thanked = 0
    for story_id, tags in tags_in_order(successes).items():
        if who := shout_out_for(tags):
            Story.objects.filter(pk=story_id).update(shout_out_to=who)
            thanked += 1
    if not thanked:
        return "There are no company-wide successes to thank anyone for, so no demo kudos."
    return f"Added {thanked} demo customer kudos (successes that thank a colleague or team)."
