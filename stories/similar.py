"""Stories like the one someone is typing, so they can say "we hear this too" instead of
logging the same thing twice."""

import functools
import operator
import re

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from insightboard.htmx import HtmxHttpRequest
from insightboard.people.roles import signed_in
from stories.forms import QuickStoryForm
from stories.models import TITLE_MAX_LENGTH, Reaction, Story, StoryQuerySet
from stories.selectors import reacted_story_ids

SUGGESTIONS = 5
# "Hi" or "ok" is not an insight yet: suggest nothing until this many letters mean something.
MIN_CHARACTERS = 3
# The first words say what the insight is about; more only make the query longer.
MAX_WORDS = 12
# Like search, rank only the newest matches, so that a common word never ranks the archive.
CANDIDATES = 1000

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


def similar_stories(text: str, *, exclude: int | None = None) -> StoryQuerySet:
    """Company-wide, unmerged stories sharing the most words with the text, best first.

    Any shared word makes a candidate (a duplicate is rarely worded the same way); more shared
    words, and words in the quote rather than the detail, rank higher.
    """
    words = meaningful_words(text)
    stories = Story.objects.company_wide()
    if exclude is not None:
        stories = stories.exclude(pk=exclude)
    if sum(len(word) for word in words) < MIN_CHARACTERS:
        return stories.none()
    if connection.vendor == "postgresql":
        terms = list(words)
        # The last word may be half typed: "invoi" should already find "invoices".
        if text[-1:].isalnum() and len(terms[-1]) >= MIN_CHARACTERS:
            terms[-1] += ":*"
        query = SearchQuery(" | ".join(terms), config="english", search_type="raw")
        newest = (
            stories.filter(search_vector=query)
            .order_by("-created_at", "-id")
            .values("pk")[:CANDIDATES]
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


def story_same_as(*, story: Story, person: User) -> bool:
    """Record that the person hears this story too; returns False if they already did.

    Unlike the "we hear this too" toggle this never takes a reaction back: saying "this is the
    same as" twice means the same as saying it once.
    """
    if Reaction.objects.filter(story=story, person=person).exists():
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(story=story, person=person)
    except IntegrityError:
        # A double click got there first; the reaction is there, as asked.
        return False
    return True


def typed_title(request: HttpRequest) -> tuple[str, bool]:
    """The text in the title box, and whether it is the quick capture's (its names are prefixed)."""
    quick_name = f"{QuickStoryForm.prefix}-title"
    quick = quick_name in request.GET
    # PostgreSQL refuses NUL characters in a query, so a forged one must not reach it.
    text = str(request.GET.get(quick_name if quick else "title", ""))
    return text.replace("\x00", ""), quick


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The stories already logged that look like the one being typed, beneath its form."""
    text, quick = typed_title(request)
    stories = list(similar_stories(text).with_hear_too_count()[:SUGGESTIONS])
    context = {
        "stories": stories,
        "quick": quick,
        "reacted": reacted_story_ids(signed_in(request), stories) if stories else set(),
    }
    return render(request, "stories/similar.html", context)


@require_POST
@vary_on_headers("HX-Request")
def same_as(request: HtmxHttpRequest, story_id: int) -> HttpResponse:
    """ "This is the same as": a reaction on the existing story, and no new story."""
    story = get_object_or_404(Story.objects.company_wide(), pk=story_id)
    added = story_same_as(story=story, person=signed_in(request))
    noted = (
        "Noted: you hear this too — no new story was logged."
        if added
        else "You already hear this too — no new story was logged."
    )
    if request.htmx:
        # What they typed stays in the form, in case their story adds something after all.
        posted = {name: f"{QuickStoryForm.prefix}-{name}" for name in QuickStoryForm.base_fields}
        typed = {name: request.POST[key] for name, key in posted.items() if key in request.POST}
        context = {"story": story, "noted": noted, "quick_form": QuickStoryForm(initial=typed)}
        return render(request, "stories/similar.html#noted", context)
    messages.success(request, noted)
    return redirect(story)
