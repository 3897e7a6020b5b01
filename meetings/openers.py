"""Choosing a meeting's opening insight: which stories are fresh for a series, and the pick.

Reading only: keeping the chosen story as the opener is meetings.services.opener_keep. A pull never
sorts the table at random: each widening step walks the newest stories down an index, skips those
the series has opened with, and scores a small pool; the pick is random among the best.
"""

import datetime
import random
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from insightboard.people.templatetags.people import isolated_text
from insightboard.weeks import week_start
from meetings.models import Meeting, Opener
from stories.models import Kind, Sentiment, Story, StoryQuerySet, Tag
from stories.selectors import spotlight_of

# How many fresh stories each widening step looks at, newest first (an index walk, not a sort
# of the table), and how many of the best of them the pick is random among.
POOL_SIZE = 100
BEST_OF = 5
# Above any score a pull gives: the insight of the week comes first.
SPOTLIGHT_SCORE = 100.0


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


def fresh_stories(meeting: Meeting, skip: Collection[int] = ()) -> StoryQuerySet:
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
        reasons.append(f"matches focus tag {', '.join(map(isolated_text, matched))}")
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


def insight_of_the_week(meeting: Meeting, fresh: StoryQuerySet) -> Candidate | None:
    """The story put forward for the meeting's week (the weekly digest's top frustration), if
    this series may still open with it: offered first, with the reason it was put forward."""
    spotlight = spotlight_of(week_start(timezone.localtime(meeting.starts_at).date()))
    if spotlight is None:
        return None
    story = (
        fresh.filter(pk=spotlight.story_id)
        .with_hear_too_count()
        .prefetch_related("tags")
        .select_related("author__profile")
        .first()
    )
    if story is None:
        return None
    return Candidate(story=story, score=SPOTLIGHT_SCORE, reasons=(spotlight.reason,))


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
    spotlit = insight_of_the_week(meeting, fresh)
    if spotlit is not None:
        return spotlit
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
