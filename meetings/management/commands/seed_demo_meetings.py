"""Demo meetings for the demo company: recurring series with a little history and what comes next.

Run after `seed_demo`: the series are hosted and attended by its demo people and open with its
stories. Nothing is random, so two fresh databases get the same meetings (dated from today).
Once any meeting series exists it does nothing, so `make run` calls it on every start.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from meetings.models import ActionItem, Cadence, Meeting, MeetingSeries, Opener, Weekday
from meetings.schedule import series_upcoming_meetings
from stories.management.commands.seed_demo import DEMO_DOMAIN
from stories.models import Kind, Story, StoryQuerySet
from stories.services import tags_for


@dataclass(frozen=True)
class DemoAction:
    text: str
    owner: str  # A demo person's first name, as in seed_demo's PEOPLE.
    done: bool = False
    due_after_days: int = 7  # Counted from the meeting.


@dataclass(frozen=True)
class PastMeeting:
    """A meeting that already happened: it opened with a story and decided something."""

    takeaway: str
    resonated_with: int
    empathy_sharer: str
    actions: tuple[DemoAction, ...] = ()


@dataclass(frozen=True)
class DemoSeries:
    name: str
    team: str
    hosts: tuple[str, ...]
    attendees: tuple[str, ...]
    weekday: Weekday
    starts_at: datetime.time
    ends_at: datetime.time
    focus_tags: tuple[str, ...]
    cadence: Cadence = Cadence.WEEKLY
    history: tuple[PastMeeting, ...] = ()  # Oldest first, one per past slot.
    next_opener_kept: bool = False  # Show both states: the next meeting has its opener, or not.


# Rotation picks whoever shared longest ago, so the histories below make the demo host, Hugo,
# the next to share at the huddle, and Priya the next at the product weekly.
SERIES = (
    DemoSeries(
        name="Monday customer huddle",
        team="Support",
        hosts=("Hugo",),
        attendees=("Alice", "Maria", "Omar", "Tom"),
        weekday=Weekday.MONDAY,
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(10, 0),
        focus_tags=("checkout", "onboarding"),
        history=(
            PastMeeting(
                takeaway=(
                    "People reach checkout and stall on the delivery options: make the cheapest "
                    "one the default and say when it arrives."
                ),
                resonated_with=4,
                empathy_sharer="Alice",
                actions=(
                    DemoAction(
                        "Write up the delivery-options confusion for Product", "Maria", True
                    ),
                    DemoAction(
                        "Ring back the three customers who gave up at checkout",
                        "Hugo",
                        due_after_days=5,
                    ),
                ),
            ),
            PastMeeting(
                takeaway=(
                    "New customers do not expect a part-month first bill: say so in the welcome "
                    "email, in plain words."
                ),
                resonated_with=5,
                empathy_sharer="Maria",
                actions=(
                    DemoAction(
                        "Draft a plainer welcome email that explains the first bill", "Hugo"
                    ),
                    DemoAction("Check the welcome emails read well on a phone", "Omar", True, 2),
                ),
            ),
        ),
    ),
    DemoSeries(
        name="Product weekly",
        team="Product",
        hosts=("Priya",),
        attendees=("Elena", "Kenji", "Nina", "Sofia", "Hugo"),
        weekday=Weekday.THURSDAY,
        starts_at=datetime.time(14, 0),
        ends_at=datetime.time(14, 45),
        focus_tags=("mobile-app", "notifications"),
        history=(
            PastMeeting(
                takeaway=(
                    "Some customers get every notification twice and switch them all off: fix "
                    "it before the next release."
                ),
                resonated_with=3,
                empathy_sharer="Hugo",
                actions=(
                    DemoAction("Reproduce the double notification on Android", "Kenji", True, 3),
                    DemoAction(
                        "Send Product the support calls about double notifications",
                        "Hugo",
                        due_after_days=10,
                    ),
                ),
            ),
        ),
        next_opener_kept=True,
    ),
    DemoSeries(
        name="Leadership customer hour",
        team="Leadership",
        hosts=("Grace",),
        attendees=("Lena", "Daniel", "Ada"),
        weekday=Weekday.FRIDAY,
        starts_at=datetime.time(11, 0),
        ends_at=datetime.time(12, 0),
        focus_tags=("cancellation", "pricing"),
        cadence=Cadence.FORTNIGHTLY,
    ),
)

FIRST_DAY_WEEKS_AGO = 6
NEXT_OCCURRENCES = 2


def demo_email(first_name: str) -> str:
    return f"{first_name.lower()}@{DEMO_DOMAIN}"


def demo_people() -> dict[str, User] | None:
    """The demo people these meetings name, by first name; None unless seed_demo made them all."""
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


class Command(BaseCommand):
    help = (
        "Add demo meeting series for seed_demo's people: a Monday customer huddle, a product "
        "weekly and a leadership hour, with past meetings (opener, takeaway, actions) and the "
        "next ones. Does nothing once any meeting series exists."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if MeetingSeries.objects.exists():
            self.stdout.write("There are meeting series already, so no demo meetings were added.")
            return
        people = demo_people()
        if people is None:
            self.stdout.write(
                "This database has no demo people, so no demo meetings were added "
                "(run `manage.py seed_demo` first)."
            )
            return
        now = timezone.now()
        total = Seeded()
        with transaction.atomic():
            for plan in SERIES:
                seeded = series_seed(plan, people, now)
                total.series += seeded.series
                total.past_meetings += seeded.past_meetings
                total.actions += seeded.actions
                total.upcoming += seeded.upcoming
        self.stdout.write(
            f"Added {total.series} demo meeting series with {total.past_meetings} past meetings, "
            f"{total.actions} actions and the next {total.upcoming} meetings. Sign in as "
            f"{demo_email('Hugo')} to see a host's home page."
        )
