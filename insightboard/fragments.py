"""Pieces of pages that are the same for everyone, kept in the shared cache (Redis in production,
local memory in `make run`) so that a list page renders them once, not on every request.

A cache that fails, Redis down or slower than its timeout, is a miss and never a broken page: the
caller renders the fragment as if it had never been cached, and the failure is logged. Only what
is the same for every reader may go in: per-person parts stay out of the cached HTML.
"""

import logging
from collections.abc import Callable, Collection, Hashable, Mapping

from django.conf import settings
from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# Keys name their content exactly (see stories.cards), so a fragment is never stale: a day only
# bounds how long fragments nobody reads any more keep their memory.
FRAGMENT_SECONDS = 60 * 60 * 24
CACHE_ALIAS = "default"


def fragments_get(keys: Collection[str]) -> dict[str, SafeString]:
    """The cached fragments among `keys`, in one round trip; {} when the cache cannot answer."""
    if not keys:
        return {}
    try:
        found = caches[CACHE_ALIAS].get_many(keys)
    # Each backend raises errors of its own (redis-py's, pymemcache's, OSError): any of them is a
    # miss here, because a page must not fail for want of a cache.
    except Exception:
        logger.warning("The fragment cache could not be read: rendering afresh.", exc_info=True)
        return {}
    # Only what fragments_set wrote is HTML we rendered ourselves, hence safe.
    return {
        key: mark_safe(html)  # noqa: S308
        for key, html in found.items()
        if isinstance(html, str)
    }


def fragments_set(fragments: Mapping[str, str]) -> None:
    """Keep rendered fragments for the next request, in one round trip; a failure is logged."""
    if not fragments:
        return
    try:
        caches[CACHE_ALIAS].set_many(dict(fragments), FRAGMENT_SECONDS)
    # As in fragments_get: the page goes on without the cache.
    except Exception:
        logger.warning("The fragment cache could not be written.", exc_info=True)


# --- Fragments that only code and their inputs decide, kept in this process --------------------

# Forms' widgets render through a template per field and per choice, the same HTML for the same
# inputs; a deploy restarts the process, so a changed form is never served from here. Bounded:
# past this many, the memo starts again empty.
PROCESS_FRAGMENTS_MAX = 512
process_fragments: dict[Hashable, SafeString] = {}


def process_fragment(key: Hashable, render: Callable[[], SafeString]) -> SafeString:
    """`render()`'s HTML, rendered once per process for each key: the key must hold every input
    the HTML depends on. In debug every call renders, so an edited template shows at once."""
    if settings.DEBUG:
        return render()
    html = process_fragments.get(key)
    if html is None:
        html = render()
        if len(process_fragments) >= PROCESS_FRAGMENTS_MAX:
            process_fragments.clear()
        process_fragments[key] = html
    return html
