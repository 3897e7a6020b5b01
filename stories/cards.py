"""Story cards on list pages: the part that is the same for every reader, rendered once and kept
in the fragment cache; the reader's own part ("we hear this too", the author's badge) is rendered
on every request and never cached.

A card's key names everything its shared part shows (title, sentiment, kind, visibility, channel,
date, customer, author's name, tags) and the templates that draw it, so an edit, a visibility
change, a renamed author, new tags or a new template is a new key: nothing is served stale and
nothing needs deleting. Reactions are counted in the reader's part, outside the cache.
"""

import functools
import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString

from insightboard.fragments import fragments_get, fragments_set
from insightboard.people.models import display_name
from stories.models import Story, StoryQuerySet

CARD_TEMPLATE = "includes/story_card.html"
# Every template the shared part draws with: a change to any of them starts new keys.
CARD_TEMPLATES = (CARD_TEMPLATE, "includes/sentiment.html", "includes/tags.html")
# Raise when code the templates call changes what a card shows (a filter such as `isolated`, a
# story's URL): the templates' digest below only covers the templates' own text.
CARD_FORMAT = 1
# Where a card's shared HTML waits on the story between story_cards_ready and the template.
SHARED_HTML = "_shared_card_html"


# Long columns no card shows: the body, and the search index's vector (larger still).
NOT_ON_A_CARD = ("body", "search_vector", "import_key")


def card_rows(stories: StoryQuerySet) -> StoryQuerySet:
    """Stories as a list of cards reads them: author, tags and "hear this too" count joined in,
    without the long columns no card shows."""
    return stories.for_listing().defer(*NOT_ON_A_CARD)


def templates_digest() -> str:
    if settings.DEBUG:
        # `make run` picks up an edited template at once, so its cards must too.
        return templates_digest_now()
    return templates_digest_once()


def templates_digest_now() -> str:
    sources = "\0".join(get_template(name).template.source for name in CARD_TEMPLATES)  # type: ignore[attr-defined]
    return hashlib.blake2b(sources.encode(), digest_size=6).hexdigest()


@functools.cache
def templates_digest_once() -> str:
    return templates_digest_now()


def card_key(story: Story, *, templates: str) -> str:
    """The cache key of a story's shared card: a digest of everything that part shows."""
    shown = (
        story.updated_at.isoformat(),
        story.visibility,
        story.kind,
        story.sentiment,
        story.channel,
        story.happened_on.isoformat(),
        story.title,
        story.customer_name,
        story.customer_organisation,
        story.author_id,
        display_name(story.author),
        # The prefetched tags, as for_listing() loads them: no query per card.
        tuple(tag.name for tag in story.tags.all()),
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"story-card:{CARD_FORMAT}:{templates}:{story.pk}:{digest}"


def shared_card_render(story: Story) -> SafeString:
    # No request and no user in this context: a per-person part could not render here if it tried.
    return render_to_string(f"{CARD_TEMPLATE}#shared", {"story": story})


def story_cards_ready(stories: Sequence[Story]) -> None:
    """Give each story its shared card HTML: one cache read for the page, the misses rendered
    and kept in one cache write."""
    templates = templates_digest()
    keys = {story.pk: card_key(story, templates=templates) for story in stories}
    cached = fragments_get(list(keys.values()))
    rendered: dict[str, str] = {}
    for story in stories:
        key = keys[story.pk]
        html = cached.get(key)
        if html is None:
            html = shared_card_render(story)
            rendered[key] = html
        setattr(story, SHARED_HTML, html)
    fragments_set(rendered)


def shared_card(story: Story) -> SafeString:
    """The story's shared card HTML: as story_cards_ready left it, or from the cache now."""
    html: SafeString | None = getattr(story, SHARED_HTML, None)
    if html is None:
        story_cards_ready([story])
        html = getattr(story, SHARED_HTML)
    return html
