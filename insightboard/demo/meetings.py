"""The demo company's meetings: recurring series with a little history and what comes next.

Series are hosted and attended by the demo people and open with the demo stories. Nothing is
random, so two fresh databases get the same meetings (dated from today).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from insightboard.demo.data.meetings import SERIES, DemoSeries
from insightboard.demo.people import demo_email
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from meetings.schedule import series_upcoming_meetings
from stories.models import Kind, Story, StoryQuerySet
from stories.services import tags_for

FIRST_DAY_WEEKS_AGO = 6
NEXT_OCCURRENCES = 2


def series_people() -> dict[str, User] | None:
    """The demo people the series name, by first name; None unless they all exist."""
    names = {name for series in SERIES for name in (*series.hosts, *series.attendees)}
    names |= {past.empathy_sharer for series in SERIES for past in series.history}
    names |= {
        action.owner for series in SERIES for past in series.history for action in past.actions
    }
    found = {
        person.get_username(): person
        for person in User.objects.filter(username__in=[demo_email(name) for name in names])
    }
    if len(found) != len(names):
        return None
    return {name: found[demo_email(name)] for name in names}


def opener_stories(focus: tuple[str, ...]) -> list[StoryQuerySet]:
    """Where openers come from, best first: insights on the focus, any insight, any story."""
    company = Story.objects.company_wide()
    return [
        company.filter(kind=Kind.INSIGHT, tags__name__in=focus).distinct(),
        company.filter(kind=Kind.INSIGHT),
        company,
    ]


def opener_story(series: DemoSeries, used: set[int], before: datetime.datetime) -> Story | None:
    """The newest story logged before the meeting that the series has not opened with yet."""
    for stories in opener_stories(series.focus_tags):
        story: Story | None = (
            stories.filter(created_at__lt=before)
            .exclude(pk__in=used)
            .order_by("-created_at", "-pk")
            .first()
        )
        if story is not None:
            used.add(story.pk)
            return story
    return None


def opener_reason(story: Story, focus: tuple[str, ...]) -> str:
    matched = sorted(tag.name for tag in story.tags.all() if tag.name in focus)
    return f"matches focus tag {', '.join(matched)}" if matched else "picked by a host"


def opener_create(
    *,
    meeting: Meeting,
    story: Story,
    host: User,
    focus: tuple[str, ...],
    kept_at: datetime.datetime,
) -> Opener:
    opener = Opener.objects.create(
        meeting=meeting,
        series=meeting.series,
        story=story,
        reason=opener_reason(story, focus),
        kept_by=host,
        # Demo history, not news: nobody gets an email about it.
        author_notified_at=timezone.now(),
    )
    # The ledger's order is when openers were kept (kept_at is set on create).
    Opener.objects.filter(pk=opener.pk).update(kept_at=kept_at)
    return opener


def past_slots(
    series: MeetingSeries, count: int, now: datetime.datetime
) -> list[datetime.datetime]:
    """The series' last `count` slots that are over by now, oldest first."""
    if not count:
        return []
    step = datetime.timedelta(weeks=series.cadence)
    slots = series.slots_after(now - step * (count + 1), count + 1)
    return [slot for slot in slots if slot + series.duration() <= now][-count:]


@dataclass
class Seeded:
    series: int = 0
    past_meetings: int = 0
    actions: int = 0
    upcoming: int = 0

    def add(self, other: "Seeded") -> None:
        self.series += other.series
        self.past_meetings += other.past_meetings
        self.actions += other.actions
        self.upcoming += other.upcoming


def series_seed(plan: DemoSeries, people: dict[str, User], now: datetime.datetime) -> Seeded:
    today = timezone.localdate(now)
    series = MeetingSeries.objects.create(
        name=plan.name,
        team=plan.team,
        cadence=plan.cadence,
        weekday=plan.weekday,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        first_day=today - datetime.timedelta(weeks=FIRST_DAY_WEEKS_AGO),
    )
    series.hosts.set([people[name] for name in plan.hosts])
    series.attendees.set([people[name] for name in plan.attendees])
    series.focus_tags.set(tags_for(list(plan.focus_tags)))
    host = people[plan.hosts[0]]
    seeded = Seeded(series=1)
    used: set[int] = set()
    for past, slot in zip(plan.history, past_slots(series, len(plan.history), now), strict=False):
        story = opener_story(plan, used, before=slot)
        if story is None:
            continue  # No stories to open with: a meeting without one is no demo of anything.
        sharer = people[past.empathy_sharer]
        meeting = Meeting.objects.create(
            series=series,
            title=series.name,
            starts_at=slot,
            ends_at=slot + series.duration(),
            takeaway=past.takeaway,
            resonated_with=past.resonated_with,
            empathy_sharer=sharer,
            empathy_story=Story.objects.company_wide()
            .filter(kind=Kind.EMPATHY, author=sharer, created_at__lt=slot)
            .order_by("-created_at", "-pk")
            .first(),
            prebrief_sent_at=slot - datetime.timedelta(days=1),
        )
        opener_create(
            meeting=meeting,
            story=story,
            host=host,
            focus=plan.focus_tags,
            kept_at=slot - datetime.timedelta(hours=1),
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                meeting=meeting,
                story=story,
                text=action.text,
                owner=people[action.owner],
                done=action.done,
                due_on=timezone.localdate(slot) + datetime.timedelta(days=action.due_after_days),
                author_notified_at=now,
            )
            for action in past.actions
        )
        seeded.past_meetings += 1
        seeded.actions += len(past.actions)
    upcoming = series_upcoming_meetings(series=series, count=NEXT_OCCURRENCES)
    seeded.upcoming = len(upcoming)
    if plan.next_opener_kept and upcoming:
        story = opener_story(plan, used, before=now)
        if story is not None:
            opener_create(
                meeting=upcoming[0], story=story, host=host, focus=plan.focus_tags, kept_at=now
            )
    return seeded


def meetings_seed() -> str:
    """Add the demo series with their past meetings (opener, takeaway, actions) and the next
    ones. Does nothing once any meeting series exists; returns what it did, in a sentence."""
    if MeetingSeries.objects.exists():
        return "There are meeting series already, so no demo meetings were added."
    people = series_people()
    if people is None:
        return (
            "This database has no demo people, so no demo meetings were added "
            "(run `manage.py seed_demo` first)."
        )
    now = timezone.now()
    total = Seeded()
    with transaction.atomic():
        for plan in SERIES:
            total.add(series_seed(plan, people, now))
    return (
        f"Added {total.series} demo meeting series with {total.past_meetings} past meetings, "
        f"{total.actions} actions and the next {total.upcoming} meetings. Sign in as "
        f"{demo_email('Hugo')} to see a host's home page."
    )
