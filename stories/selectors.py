"""Reads about stories that pages here and elsewhere (home, meetings, the API, the digest) build on.

`filtered_stories` is the one way to turn filters into the stories a person may see: the insights
page, its export, the API, a meeting's "find a specific story" and the digest all call it.
"""

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from stories import search
from stories.models import (
    Kind,
    Reaction,
    Sentiment,
    Spotlight,
    Story,
    StoryQuerySet,
    normalise_tag,
)


@dataclass(frozen=True)
class StoryFilters:
    """What someone narrows the stories to. Empty values filter nothing."""

    kind: str = ""
    sentiment: str = ""
    channel: str = ""
    # As typed: "Checkout", "#checkout" and "check out" find the stories tagged checkout.
    tag: str = ""
    author: int | None = None
    since: datetime.date | None = None  # happened on or after
    until: datetime.date | None = None  # happened on or before
    words: str = ""  # words in the title or body
    logged_from: datetime.datetime | None = None  # logged at or after
    logged_before: datetime.datetime | None = None  # logged before

    def __bool__(self) -> bool:
        return any(getattr(self, field.name) not in ("", None) for field in fields(self))


def filtered_stories(
    person: User | AnonymousUser | None,
    filters: StoryFilters,
    *,
    best_match_first: bool = False,
    among: StoryQuerySet | None = None,
) -> StoryQuerySet:
    """The stories the person may see that pass the filters (of `among`, if given); with no
    person, the stories the whole company may see (what the weekly digest shows).

    With search words and `best_match_first` they come best match first (the newest matches
    ranked, see stories.search); otherwise newest first, every match included.
    """
    stories = Story.objects.all() if among is None else among
    stories = stories.company_wide() if person is None else stories.visible_to(person)
    lookups = {
        "kind": filters.kind,
        "sentiment": filters.sentiment,
        "channel": filters.channel,
        "tags__name": normalise_tag(filters.tag),
        "author_id": filters.author,
        "happened_on__gte": filters.since,
        "happened_on__lte": filters.until,
        "created_at__gte": filters.logged_from,
        "created_at__lt": filters.logged_before,
    }
    stories = stories.filter(**{name: value for name, value in lookups.items() if value})
    words = filters.words.strip()
    if words and best_match_first:
        return search.ranked(stories, words)
    if words:
        stories = search.containing(stories, words)
    return stories.order_by("-created_at", "-id")


def story_for_reading(person: User | AnonymousUser, story_id: int) -> Story | None:
    """A story the person may see, with what its page shows (an empathy exercise's answers, a
    leader's report) in the same query; a story merged into another is still found by its id."""
    return (
        Story.objects.visible_to(person, include_merged=True)
        .for_listing()
        .select_related("empathy", "report__action_owner__profile")
        .filter(pk=story_id)
        .first()
    )


def stories_before(
    stories: StoryQuerySet, *, created_at: datetime.datetime, story_id: int
) -> StoryQuerySet:
    """The stories after a position in a newest-first list (where the last page ended)."""
    # The first condition alone bounds an index range; the second breaks ties.
    return stories.filter(
        Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=story_id),
        created_at__lte=created_at,
    )


def similar_stories(text: str, *, exclude: int | None = None) -> StoryQuerySet:
    """Company-wide stories most like a text someone is typing, best first."""
    stories = Story.objects.company_wide()
    if exclude is not None:
        stories = stories.exclude(pk=exclude)
    return search.alike(stories, text)


def kudos_stories() -> StoryQuerySet:
    """Company-wide successes that thank a colleague or team, newest first."""
    return (
        Story.objects.company_wide()
        .filter(sentiment=Sentiment.SUCCESS)
        .exclude(shout_out_to="")
        .order_by("-created_at", "-id")
    )


def reacted_story_ids(person: User, stories: Sequence[Story]) -> set[int]:
    """Which of these stories the person already hears too (one query, whatever the page size)."""
    return set(
        Reaction.objects.filter(person=person, story__in=stories).values_list("story_id", flat=True)
    )


# --- A week of stories, as the weekly digest reads it ------------------------------------------


def heard_in(start: datetime.datetime, end: datetime.datetime) -> set[int]:
    """The stories someone said "we hear this too" about in [start, end)."""
    reactions = Reaction.objects.counted().filter(created_at__gte=start, created_at__lt=end)
    return set(reactions.order_by().values_list("story_id", flat=True).distinct())


def active_in(
    start: datetime.datetime, end: datetime.datetime, *, also: Collection[int]
) -> StoryQuerySet:
    """Company-wide stories logged in [start, end), and those of `also` logged before `end`
    (heard too, or opening a meeting, that week)."""
    logged = Q(created_at__gte=start) | Q(pk__in=sorted(also))
    return Story.objects.company_wide().filter(logged, created_at__lt=end)


def stories_shown(story_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """What the digest shows of each story: its words, customer, author and team."""
    rows = Story.objects.filter(pk__in=sorted(story_ids)).values(
        "pk",
        "title",
        "body",
        "sentiment",
        "customer_name",
        "customer_organisation",
        "author__email",
        "author__profile__display_name",
        "author__profile__team",
    )
    return {row["pk"]: dict(row) for row in rows}


def with_hearing_until(stories: StoryQuerySet, end: datetime.datetime) -> StoryQuerySet:
    """Each story with `heard_by`: the people who said they hear it too before `end`."""
    heard = (
        Reaction.objects.filter(story=OuterRef("pk"), created_at__lt=end)
        .exclude(person=OuterRef("author"))  # nobody hears their own story too
        .order_by()
        .values("story")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return stories.annotate(heard_by=Coalesce(Subquery(heard), 0))


def hearing_teams(story_ids: Sequence[int], end: datetime.datetime) -> dict[int, int]:
    """How many teams the people who hear each story too are in (people without one aside)."""
    rows = (
        Reaction.objects.counted()
        .filter(story_id__in=story_ids, created_at__lt=end)
        .exclude(person__profile__team="")
        .values("story_id")
        .annotate(teams=Count("person__profile__team", distinct=True))
        .values_list("story_id", "teams")
    )
    return dict(rows)


def heard_at_latest(
    story_ids: Sequence[int], end: datetime.datetime
) -> dict[int, datetime.datetime]:
    """When each story was last heard too, before `end`."""
    rows = (
        Reaction.objects.counted()
        .filter(story_id__in=story_ids, created_at__lt=end)
        .values("story_id")
        .annotate(latest=Max("created_at"))
        .values_list("story_id", "latest")
    )
    return dict(rows)


@dataclass(frozen=True)
class WeekCounts:
    """What the company logged in a week: insights by sentiment, and who logged them."""

    by_sentiment: dict[str, int]
    insights: int
    contributors: int


def week_counts(start: datetime.datetime, end: datetime.datetime) -> WeekCounts:
    logged = Story.objects.current().filter(created_at__gte=start, created_at__lt=end)
    by_sentiment = dict(
        logged.order_by()
        .values("sentiment")
        .annotate(total=Count("pk"))
        .values_list("sentiment", "total")
    )
    totals = logged.aggregate(
        insights=Count("pk", filter=Q(kind=Kind.INSIGHT)),
        contributors=Count("author", distinct=True),
    )
    return WeekCounts(
        by_sentiment=by_sentiment, insights=totals["insights"], contributors=totals["contributors"]
    )


def tag_counts(start: datetime.datetime, end: datetime.datetime) -> dict[tuple[str, str], int]:
    """(sentiment, tag) -> how many company-wide stories logged in the week carry the tag."""
    rows = (
        Story.tags.through.objects.filter(
            story__in=Story.objects.company_wide().filter(created_at__gte=start, created_at__lt=end)
        )
        .values("story__sentiment", "tag__name")
        .annotate(total=Count("story", distinct=True))
    )
    return {(row["story__sentiment"], row["tag__name"]): row["total"] for row in rows}


def latest_logged(kind: str, start: datetime.datetime, end: datetime.datetime) -> Story | None:
    """The week's newest company-wide story of a kind (an executive report, an empathy story),
    with its report or answers."""
    return (
        Story.objects.company_wide()
        .filter(kind=kind, created_at__gte=start, created_at__lt=end)
        .select_related("author__profile", "empathy", "report")
        .order_by("-created_at", "-id")
        .first()
    )


def kudos_logged(start: datetime.datetime, end: datetime.datetime, *, limit: int) -> list[Story]:
    return list(
        kudos_stories()
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("author__profile")[:limit]
    )


def hear_too_received(start: datetime.datetime, end: datetime.datetime) -> dict[int, int]:
    """Author id -> how many times people said they hear the author's stories too this week."""
    rows = (
        Reaction.objects.counted()
        .filter(created_at__gte=start, created_at__lt=end, story__in=Story.objects.company_wide())
        .values("story__author")
        .annotate(total=Count("pk"))
        .values_list("story__author", "total")
    )
    return dict(rows)


def company_wide_ids(story_ids: Sequence[int]) -> set[int]:
    """Which of these stories the whole company may still see (checked again at send time)."""
    return set(Story.objects.company_wide().filter(pk__in=story_ids).values_list("pk", flat=True))


def spotlight_of(week: datetime.date) -> Spotlight | None:
    return Spotlight.objects.select_related("story").filter(week=week).first()


def story_authors(person: User) -> list[User]:
    """Everyone who logged a story this person can see, by name: the insights page's author
    filter. One query; an index lookup per person, never a scan of the stories."""
    logged = Story.objects.visible_to(person).filter(author=OuterRef("pk"))
    return list(
        User.objects.filter(Exists(logged))
        .select_related("profile")
        .order_by("profile__display_name", "username", "pk")
    )


@dataclass(frozen=True)
class DeleteEffects:
    """What deleting a story does beyond it, said on the confirm page before it happens."""

    hear_too: int
    meetings_opened: int  # they keep their record, and say their opener was deleted
    empathy_meetings: int  # meetings where it was shared as someone's own experience
    merged_in: int  # duplicates merged into it, which show again as stories of their own


def story_delete_effects(story: Story) -> DeleteEffects:
    # Meetings point at stories (Opener.story, Meeting.empathy_story); their reverse relations
    # are read here without importing the meetings app, which keeps the arrow one way.
    return DeleteEffects(
        hear_too=story.reactions.counted().count(),
        meetings_opened=story.openers.count(),
        empathy_meetings=story.empathy_meetings.count(),
        merged_in=story.merged_stories.count(),
    )
