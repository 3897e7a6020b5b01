"""Finding stories by their words: search, and the stories like one being typed.

The only module that asks which database it runs on. PostgreSQL matches words with a trigger-filled
`tsvector` (title weighted above body, see migrations/0002_search.py); SQLite, the embedded
default, compares text.
"""

import functools
import operator
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

from stories.models import TITLE_MAX_LENGTH, StoryQuerySet

# Search ranks the newest this many matches (20 pages), which keeps common words fast.
RANKED_MATCHES = 500
# "Hi" or "ok" is not an insight yet: suggest nothing until this many letters mean something.
MIN_CHARACTERS = 3
# The first words say what the insight is about; more only make the query longer.
MAX_WORDS = 12
# Like search, rank only the newest matches, so that a common word never ranks the archive.
SIMILAR_CANDIDATES = 1000

WORD = re.compile(r"[^\W_]+")
# Words that say nothing about what the customer meant (PostgreSQL drops them too).
STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be been but by can could did do does for
    from get got had has have he her him his how i if in into is it its just me more my no not
    now of on or our out she so some than that the their them then there they this to too up us
    very was we were what when where which who why will with would you your""".split()  # noqa: SIM905 - reads best as words
)
# SQLite has no stemmer: cutting these endings lets "invoices" find "invoice".
ENDINGS = ("ing", "ed", "es", "s")


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def containing(stories: StoryQuerySet, words: str) -> StoryQuerySet:
    """The stories with these words, in whatever order they were in."""
    if on_postgresql():
        query = SearchQuery(words, config="english", search_type="websearch")
        return stories.filter(search_vector=query)
    return stories.filter(Q(title__icontains=words) | Q(body__icontains=words))


def ranked(stories: StoryQuerySet, words: str) -> StoryQuerySet:
    """The stories with these words, best first: a title match ranks above a body match."""
    if on_postgresql():
        query = SearchQuery(words, config="english", search_type="websearch")
        # Ranking every match of a common word is a scan; rank only the newest matches.
        newest = (
            stories.filter(search_vector=query)
            .order_by("-created_at", "-id")
            .values("pk")[:RANKED_MATCHES]
        )
        return (
            stories.filter(pk__in=newest)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at", "-id")
        )
    in_title = Q(title__icontains=words)
    return (
        stories.filter(in_title | Q(body__icontains=words))
        .annotate(rank=Case(When(in_title, then=Value(1)), default=Value(0)))
        .order_by("-rank", "-created_at", "-id")
    )


def meaningful_words(text: str) -> list[str]:
    words: list[str] = []
    for word in WORD.findall(text[:TITLE_MAX_LENGTH].lower()):
        if len(word) > 1 and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def alike(stories: StoryQuerySet, text: str) -> StoryQuerySet:
    """The stories sharing the most words with a text someone is typing, best first.

    Any shared word makes a candidate (a duplicate is rarely worded the same way); more shared
    words, and words in the quote rather than the detail, rank higher.
    """
    words = meaningful_words(text)
    if sum(len(word) for word in words) < MIN_CHARACTERS:
        return stories.none()
    if on_postgresql():
        terms = list(words)
        # The last word may be half typed: "invoi" should already find "invoices".
        if text[-1:].isalnum() and len(terms[-1]) >= MIN_CHARACTERS:
            terms[-1] += ":*"
        query = SearchQuery(" | ".join(terms), config="english", search_type="raw")
        newest = (
            stories.filter(search_vector=query)
            .order_by("-created_at", "-id")
            .values("pk")[:SIMILAR_CANDIDATES]
        )
        return (
            stories.filter(pk__in=newest)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at", "-id")
        )
    stems = [stem(word) for word in words]
    shared = [
        Case(
            When(title__icontains=part, then=Value(2)),
            When(body__icontains=part, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for part in stems
    ]
    anywhere = [Q(title__icontains=part) | Q(body__icontains=part) for part in stems]
    return (
        stories.filter(functools.reduce(operator.or_, anywhere))
        .annotate(rank=functools.reduce(operator.add, shared))
        .order_by("-rank", "-created_at", "-id")
    )
