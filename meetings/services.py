"""Pulling and keeping a meeting's opening insight."""

import datetime
import random
from collections.abc import Collection
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from insightboard.people.roles import is_admin
from meetings.forms import ActionItemForm, OneOffMeetingForm, SeriesForm
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from stories.models import Kind, Sentiment, Story, StoryQuerySet, Tag
from stories.practice_services import empathy_exercise_create
from stories.services import tags_for

# How many fresh stories each widening step looks at, newest first (an index walk, not a sort
# of the table), and how many of the best of them the pick is random among.
POOL_SIZE = 100
BEST_OF = 5


class OpenerError(Exception):
    """A reason a story cannot be kept as a meeting's opener, in words for the host."""


@dataclass(frozen=True)
class Candidate:
    story: Story
    score: float
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Widening:
    """One step of "never empty": each step lets in more than the one before."""

    focus_only: bool
    insights_only: bool
    max_age_days: int | None


WIDENINGS = (
    Widening(focus_only=True, insights_only=True, max_age_days=30),
    Widening(focus_only=False, insights_only=True, max_age_days=90),
    Widening(focus_only=False, insights_only=False, max_age_days=None),
)


def tasks() -> ModuleType:
    """meetings.tasks, imported late: its services import this module."""
    from meetings import tasks as meeting_tasks

    return meeting_tasks


def fresh_stories(meeting: Meeting, skip: Collection[int]) -> StoryQuerySet:
    """Company-wide stories this meeting's series has never opened with."""
    stories = Story.objects.company_wide().exclude(pk__in=list(skip))
    if meeting.series_id is not None:
        used = Opener.objects.filter(series_id=meeting.series_id, story=OuterRef("pk"))
        stories = stories.filter(~Exists(used))
    return stories


def last_sentiment(meeting: Meeting) -> str | None:
    if meeting.series_id is None:
        return None
    return (
        Opener.objects.filter(series_id=meeting.series_id)
        .order_by("-kept_at")
        .values_list("story__sentiment", flat=True)
        .first()
    )


def score(
    story: Story, *, focus: set[str], avoid_sentiment: str | None, today: datetime.date
) -> Candidate:
    points = 0.0
    reasons: list[str] = []
    matched = sorted(tag.name for tag in story.tags.all() if tag.name in focus)
    if matched:
        points += 3
        reasons.append(f"matches focus tag {', '.join(matched)}")
    heard = getattr(story, "hear_too", 0)
    if heard:
        points += min(heard, 10) * 0.5
        reasons.append(f"{heard} {'person hears' if heard == 1 else 'people hear'} this too")
    age = (today - story.happened_on).days
    points += 2 if age <= 7 else 1 if age <= 30 else 0
    reasons.append("logged today" if age <= 0 else f"logged {age} day{'s' if age != 1 else ''} ago")
    if not getattr(story, "ever_opened", False):
        points += 1
        reasons.append("never opened a meeting yet")
    opposite = {Sentiment.SUCCESS: Sentiment.FRUSTRATION, Sentiment.FRUSTRATION: Sentiment.SUCCESS}
    if avoid_sentiment and story.sentiment == opposite.get(Sentiment(avoid_sentiment)):
        points += 1.5
        reasons.append(
            f"a {story.get_sentiment_display().lower()} after last time's {avoid_sentiment}"
        )
    return Candidate(story=story, score=points, reasons=tuple(reasons))


def opener_pull(
    *, meeting: Meeting, skip: Collection[int] = (), rng: random.Random | None = None
) -> Candidate | None:
    """A fresh opener for the meeting, or None when the company has nothing left to offer."""
    rng = rng or random.Random()  # noqa: S311 - fairness, not secrecy
    focus_tags: dict[int, str] = (
        dict(Tag.objects.filter(focused_series=meeting.series_id).values_list("pk", "name"))
        if meeting.series_id is not None
        else {}
    )
    focus = set(focus_tags.values())
    avoid = last_sentiment(meeting)
    today = timezone.localdate()
    fresh = fresh_stories(meeting, skip)
    for step in WIDENINGS:
        if step.focus_only and not focus:
            continue
        stories = fresh
        if step.focus_only:
            # EXISTS, not a join: a join needs DISTINCT, which sorts every matching story before
            # the LIMIT, where EXISTS lets the newest-first index walk stop at the pool's size.
            tagged = Story.tags.through.objects.filter(
                story=OuterRef("pk"), tag__in=list(focus_tags)
            )
            stories = stories.filter(Exists(tagged))
        if step.insights_only:
            stories = stories.filter(kind=Kind.INSIGHT)
        if step.max_age_days is not None:
            stories = stories.filter(
                happened_on__gte=today - datetime.timedelta(days=step.max_age_days)
            )
        opened = Opener.objects.filter(story=OuterRef("pk"))
        pool = list(
            stories.with_hear_too_count()
            .annotate(ever_opened=Exists(opened))
            .prefetch_related("tags")
            .select_related("author__profile")
            .order_by("-created_at", "-id")[:POOL_SIZE]
        )
        if pool:
            ranked = sorted(
                (score(story, focus=focus, avoid_sentiment=avoid, today=today) for story in pool),
                key=lambda candidate: (-candidate.score, -candidate.story.pk),
            )
            return rng.choice(ranked[:BEST_OF])
    return None


def opener_keep(*, meeting: Meeting, story_id: int, person: User, reason: str = "") -> Opener:
    """Make a story the meeting's opener; the database refuses a second opener or a repeat."""
    with transaction.atomic():
        # Two hosts pressing "Use this" at once queue here; the second sees the first's opener.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if Opener.objects.filter(meeting=locked).exists():
            raise OpenerError("This meeting already has its opener.")
        story = Story.objects.company_wide().filter(pk=story_id).first()
        if story is None:
            raise OpenerError(
                "That story is not visible to the whole company, so it cannot open a meeting."
            )
        try:
            with transaction.atomic():
                opener = Opener.objects.create(
                    meeting=locked,
                    series_id=locked.series_id,
                    story=story,
                    reason=reason[:300],
                    kept_by=person,
                )
        except IntegrityError:
            raise OpenerError(
                "That story already opened a meeting in this series; pull another one."
            ) from None
        transaction.on_commit(lambda: tasks().notify_author_of_opener.delay(opener.pk))
        return opener


def series_members(series: MeetingSeries) -> list[User]:
    return list(
        User.objects.filter(Q(hosted_series=series) | Q(attended_series=series))
        .distinct()
        .order_by("pk")
    )


def next_empathy_sharer(series: MeetingSeries) -> User | None:
    """Whoever shared longest ago (never, first) shares next; ties go to the longest member."""
    members = series_members(series)
    last_turns = dict(
        Meeting.objects.filter(series=series, empathy_sharer__in=members)
        .values("empathy_sharer")
        .annotate(last=Max("starts_at"))
        .values_list("empathy_sharer", "last")
    )
    never = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return min(
        members, key=lambda person: (last_turns.get(person.pk, never), person.pk), default=None
    )


def series_upcoming_meetings(*, series: MeetingSeries, count: int = 2) -> list[Meeting]:
    """The series' next occurrences, created on first need with the next empathy sharer each."""
    meetings = []
    for slot in series.slots_after(timezone.now(), count):
        with transaction.atomic():
            meeting = (
                Meeting.objects.select_for_update().filter(series=series, starts_at=slot).first()
            )
            if meeting is None:
                try:
                    with transaction.atomic():
                        meeting = Meeting.objects.create(
                            series=series,
                            title=series.name,
                            starts_at=slot,
                            ends_at=slot + series.duration(),
                            empathy_sharer=next_empathy_sharer(series),
                        )
                except IntegrityError:
                    # Another request created this occurrence a moment ago: use theirs.
                    meeting = Meeting.objects.get(series=series, starts_at=slot)
        meetings.append(meeting)
    return meetings


def series_upcoming_ensure(*, series_list: list[MeetingSeries], count: int = 1) -> None:
    """Create any missing next occurrences of many series; one read when they all exist."""
    now = timezone.now()
    slots = {series.pk: series.slots_after(now, count) for series in series_list}
    wanted = {slot for series_slots in slots.values() for slot in series_slots}
    if not wanted:
        return
    existing = set(
        Meeting.objects.filter(series__in=list(slots), starts_at__in=wanted).values_list(
            "series_id", "starts_at"
        )
    )
    for series in series_list:
        if any((series.pk, slot) not in existing for slot in slots[series.pk]):
            series_upcoming_meetings(series=series, count=count)


def can_host(person: User | AnonymousUser, meeting: Meeting) -> bool:
    """Hosts of the series (or whoever set up a one-off) and admins run the meeting."""
    if is_admin(person):
        return True
    if not isinstance(person, User):
        return False
    if meeting.series_id is None:
        return meeting.created_by_id == person.pk
    return meeting.series.hosts.filter(pk=person.pk).exists()  # type: ignore[union-attr]


@transaction.atomic
def series_save(*, form: SeriesForm) -> MeetingSeries:
    series = form.save(commit=False)
    series.save()
    # Not form.save_m2m(): it would hand the focus tags' names to the Tag relation as ids.
    series.hosts.set(form.cleaned_data["hosts"])
    series.attendees.set(form.cleaned_data["attendees"])
    series.focus_tags.set(tags_for(form.cleaned_data["focus_tags"]))
    return series


def meeting_create_one_off(*, form: OneOffMeetingForm, person: User) -> Meeting:
    meeting = form.save(commit=False)
    meeting.created_by = person
    meeting.save()
    return meeting


@transaction.atomic
def action_create(*, meeting: Meeting, form: ActionItemForm) -> ActionItem:
    opener = Opener.objects.get(meeting=meeting)
    action = form.save(commit=False)
    action.meeting = meeting
    action.story_id = opener.story_id
    action.save()
    transaction.on_commit(lambda: tasks().notify_author_of_action.delay(action.pk))
    return action


def action_toggle_done(*, action: ActionItem) -> ActionItem:
    action.done = not action.done
    action.save(update_fields=["done"])
    return action


@transaction.atomic
def empathy_story_create(*, meeting: Meeting, person: User, fields: dict[str, Any]) -> Story:
    """A shared experience becomes an empathy story, shown in the meeting after the opener."""
    story = empathy_exercise_create(author=person, **fields)
    Meeting.objects.filter(pk=meeting.pk).update(empathy_story=story)
    return story
