"""Reads about stories that pages here and elsewhere (home, meetings, the API, the digest) build on.

`filtered_stories` is the one way to turn filters into the stories a person may see: the insights
page, its export, the API, a meeting's "find a specific story" and the digest all call it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, fields

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from stories import search
from stories.models import Reaction, Sentiment, Story, StoryQuerySet, normalise_tag


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

    def __bool__(self) -> bool:
        return any(getattr(self, field.name) not in ("", None) for field in fields(self))


def filtered_stories(
    person: User | AnonymousUser,
    filters: StoryFilters,
    *,
    best_match_first: bool = False,
    among: StoryQuerySet | None = None,
) -> StoryQuerySet:
    """The stories the person may see that pass the filters (of `among`, if given).

    With search words and `best_match_first` they come best match first (the newest matches
    ranked, see stories.search); otherwise newest first, every match included.
    """
    stories = (Story.objects.all() if among is None else among).visible_to(person)
    lookups = {
        "kind": filters.kind,
        "sentiment": filters.sentiment,
        "channel": filters.channel,
        "tags__name": normalise_tag(filters.tag),
        "author_id": filters.author,
        "happened_on__gte": filters.since,
        "happened_on__lte": filters.until,
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
