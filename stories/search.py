"""Finding stories by their words: search, and the stories like one being typed.

The only module that asks which database it runs on. Both databases match whole words and their
other forms ("invoices" finds "invoice"; "VAT" never finds "activation") and rank a word in the
quote above one in the detail, with PostgreSQL's weights (title 1.0, body 0.4):
- PostgreSQL: a trigger-filled `tsvector`, title weighted A and body B (migrations/0002_search.py);
- SQLite: a porter-stemmed FTS5 index kept by triggers (migrations/0009_search_words_on_sqlite.py).
"""

import dataclasses
import functools
import operator
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL

from stories.models import TITLE_MAX_LENGTH, StoryQuerySet

# Search ranks the newest this many matches (20 pages), which keeps common words fast.
RANKED_MATCHES = 500
# "Hi" or "ok" is not an insight yet: suggest nothing until this many letters mean something.
MIN_CHARACTERS = 3
# The first words say what the insight is about; more only make the query longer.
MAX_WORDS = 12
# Like search, rank only the newest matches, so that a common word never ranks the archive.
SIMILAR_CANDIDATES = 1000
# PostgreSQL's ts_rank weighs a word in the title (A) 1.0 and one in the body (B) 0.4.
TITLE_WEIGHT = 1.0
BODY_WEIGHT = 0.4

WORD = re.compile(r"[^\W_]+")
# A word or a "quoted phrase", negated by a minus that starts it (not one inside "wi-fi").
SEARCH_TERM = re.compile(r'(?:(?<!\S)(-))?(?:"([^"]*)"?|([^\W_]+))')
# Words that say nothing about what the customer meant (PostgreSQL drops them too).
STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be been but by can could did do does for
    from get got had has have he her him his how i if in into is it its just me more my no not
    now of on or our out she so some than that the their them then there they this to too up us
    very was we were what when where which who why will with would you your""".split()  # noqa: SIM905 - reads best as words
)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def containing(stories: StoryQuerySet, words: str) -> StoryQuerySet:
    """The stories with these words, in whatever order they were in."""
    if on_postgresql():
        return stories.filter(search_vector=web_search_query(words))
    alternatives = web_search(words)
    if not alternatives:
        return stories.none()
    return stories.filter(pk__in=matching(fts_query(alternatives)))


def ranked(stories: StoryQuerySet, words: str) -> StoryQuerySet:
    """The stories with these words, best first: a title match ranks above a body match."""
    if on_postgresql():
        query = web_search_query(words)
        return best_first(
            stories,
            Q(search_vector=query),
            SearchRank(F("search_vector"), query),
            candidates=RANKED_MATCHES,
        )
    alternatives = web_search(words)
    if not alternatives:
        return stories.none()
    wanted = [term for alternative in alternatives for term in alternative.wanted]
    return best_first(
        stories,
        Q(pk__in=matching(fts_query(alternatives))),
        weight_of(wanted),
        candidates=RANKED_MATCHES,
    )


def meaningful_words(text: str) -> list[str]:
    words: list[str] = []
    for word in WORD.findall(text[:TITLE_MAX_LENGTH].lower()):
        if len(word) > 1 and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def alike(stories: StoryQuerySet, text: str) -> StoryQuerySet:
    """The stories sharing the most words with a text someone is typing, best first.

    Any shared word makes a candidate (a duplicate is rarely worded the same way); more shared
    words, and words in the quote rather than the detail, rank higher. The last word may be half
    typed: "invoi" already finds "invoices".
    """
    words = meaningful_words(text)
    if sum(len(word) for word in words) < MIN_CHARACTERS:
        return stories.none()
    half_typed = text[-1:].isalnum() and len(words[-1]) >= MIN_CHARACTERS
    if on_postgresql():
        terms = list(words)
        if half_typed:
            terms[-1] += ":*"
        query = SearchQuery(" | ".join(terms), config="english", search_type="raw")
        return best_first(
            stories,
            Q(search_vector=query),
            SearchRank(F("search_vector"), query),
            candidates=SIMILAR_CANDIDATES,
        )
    phrases = [fts_phrase([word]) for word in words]
    if half_typed:
        phrases[-1] += "*"
    return best_first(
        stories,
        Q(pk__in=matching(" OR ".join(phrases))),
        weight_of(phrases),
        candidates=SIMILAR_CANDIDATES,
    )


def best_first(
    stories: StoryQuerySet, matches: Q, rank: Expression, *, candidates: int
) -> StoryQuerySet:
    # Ranking every match of a common word is a scan; rank only the newest matches.
    newest = stories.filter(matches).order_by("-created_at", "-id").values("pk")[:candidates]
    return stories.filter(pk__in=newest).annotate(rank=rank).order_by("-rank", "-created_at", "-id")


# --- PostgreSQL ----------------------------------------------------------------------------------


def web_search_query(words: str) -> SearchQuery:
    return SearchQuery(words, config="english", search_type="websearch")


# --- SQLite --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Alternative:
    """One side of an "or" in a search: FTS5 phrases that must all be there, and ones that must
    not."""

    wanted: list[str] = dataclasses.field(default_factory=list)
    unwanted: list[str] = dataclasses.field(default_factory=list)


def web_search(text: str) -> list[Alternative]:
    """The search as PostgreSQL's websearch_to_tsquery reads it: words that must all be there,
    "a phrase" in that order, "or" between alternatives, and -word for a word that must not be."""
    alternatives = [Alternative()]
    for minus, quoted, word in SEARCH_TERM.findall(text.lower()):
        if word == "or" and not minus:
            alternatives.append(Alternative())
            continue
        words = WORD.findall(quoted) if quoted else [word]
        if all(part in STOP_WORDS for part in words):
            continue
        alternative = alternatives[-1]
        (alternative.unwanted if minus else alternative.wanted).append(fts_phrase(words))
    # FTS5 cannot ask for "everything but": an alternative with no wanted word finds nothing.
    return [alternative for alternative in alternatives if alternative.wanted]


def fts_phrase(words: list[str]) -> str:
    # Words are letters and digits only (WORD), so quoting them needs no escaping.
    return '"' + " ".join(words) + '"'


def fts_query(alternatives: list[Alternative]) -> str:
    """FTS5's spelling of the search: ((a AND b) NOT c) OR ((d))."""
    parts = []
    for alternative in alternatives:
        wanted = "(" + " AND ".join(alternative.wanted) + ")"
        unwanted = "".join(f" NOT {phrase}" for phrase in alternative.unwanted)
        parts.append(f"({wanted}{unwanted})")
    return " OR ".join(parts)


def matching(query: str) -> RawSQL:
    """The ids of the stories whose title or body matches an FTS5 query."""
    return RawSQL(
        "SELECT rowid FROM stories_story_words WHERE stories_story_words MATCH %s", (query,)
    )


def weight_of(phrases: list[str]) -> Expression:
    """PostgreSQL's rule: each phrase adds the weight of where it is, the title before the body."""
    return functools.reduce(
        operator.add,
        (
            Case(
                When(pk__in=matching(f"title : {phrase}"), then=Value(TITLE_WEIGHT)),
                When(pk__in=matching(phrase), then=Value(BODY_WEIGHT)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for phrase in phrases
        ),
    )
