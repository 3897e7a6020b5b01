"""How many requests the API takes a minute: per key, per signed-in person for reads in the
browser, and per address for requests that bring no valid key.

A fixed window (each minute on the clock) counted in Django's cache, so on Redis every web process
shares one count. The cache is a convenience, not a gate: when it fails the request goes through
uncounted, with a warning, rather than failing or waiting on a broken Redis.

Answers that were counted carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
(seconds until the window ends); a refusal is a 429 with `Retry-After`.
"""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# A window's count outlives its minute a little, so a late request never finds it gone and
# starts again from zero; each window has a key of its own, so nothing reuses an old count.
COUNT_TIMEOUT_SECONDS = WINDOW_SECONDS + 10
# After a cache error this process leaves the cache alone for a while: a hung Redis would
# otherwise cost every request its socket timeout, and the log a line per request.
REST_AFTER_ERROR_SECONDS = 30
# Where a request keeps what it spent, for the answer's headers.
BUDGET_ATTRIBUTE = "api_rate_budget"
# Where ApiKey leaves the id of the key that let a request in.
KEY_ATTRIBUTE = "api_key_id"


@dataclass(frozen=True)
class Budget:
    """What one requester has spent in the current window, this request included."""

    limit: int
    used: int
    reset_seconds: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def exhausted(self) -> bool:
        return self.used > self.limit


@dataclass
class CacheRest:
    """Until when (time.monotonic) this process counts nothing, after a cache error."""

    until: float = 0.0


cache_rest = CacheRest()


def requests_per_minute() -> int:
    limit: int = settings.INSIGHTBOARD_API_REQUESTS_PER_MINUTE
    return limit


def requester(request: HttpRequest) -> str:
    """Whose budget a request spends: its key's, its signed-in person's, or its address's."""
    key_id = getattr(request, KEY_ATTRIBUTE, None)
    if key_id is not None:
        return f"key:{key_id}"
    person = getattr(request, "auth", None)
    if isinstance(person, User):
        return f"person:{person.pk}"
    # REMOTE_ADDR, never X-Forwarded-For: a header the client writes would give it a fresh
    # budget with every request. Behind a proxy all key-less requests share the proxy's budget,
    # which only ever turns their 401 into a 429.
    return f"address:{request.META.get('REMOTE_ADDR', '')}"


def count_name(requester: str, now: float) -> str:
    """The cache key of a requester's count in the window holding `now` (a Unix time)."""
    return f"api-rate:{requester}:{int(now // WINDOW_SECONDS)}"


def count(name: str) -> int:
    # add then incr: on Redis both are single commands, so parallel workers never lose a count.
    cache.add(name, 0, timeout=COUNT_TIMEOUT_SECONDS)
    try:
        return cache.incr(name)
    except ValueError:
        # The count vanished between the two (evicted, or expired at that very moment).
        cache.add(name, 1, timeout=COUNT_TIMEOUT_SECONDS)
        return 1


def spend(request: HttpRequest) -> Budget | None:
    """Count the request against its requester's window; None when the cache could not count it.

    The budget is kept on the request, for the answer's headers."""
    if time.monotonic() < cache_rest.until:
        return None
    now = time.time()
    try:
        used = count(count_name(requester(request), now))
    except Exception as error:  # any backend's failure: a request is never refused for it
        cache_rest.until = time.monotonic() + REST_AFTER_ERROR_SECONDS
        logger.warning(
            "API rate limit not counted for %s s: the cache failed (%s)",
            REST_AFTER_ERROR_SECONDS,
            type(error).__name__,
        )
        return None
    window_end = (now // WINDOW_SECONDS + 1) * WINDOW_SECONDS
    reset_seconds = max(math.ceil(window_end - now), 1)
    budget = Budget(limit=requests_per_minute(), used=used, reset_seconds=reset_seconds)
    setattr(request, BUDGET_ATTRIBUTE, budget)
    return budget


def budget_of(request: HttpRequest) -> Budget | None:
    budget = getattr(request, BUDGET_ATTRIBUTE, None)
    return budget if isinstance(budget, Budget) else None


def add_headers(request: HttpRequest, response: HttpResponse) -> None:
    budget = budget_of(request)
    if budget is None:
        return
    response["RateLimit-Limit"] = str(budget.limit)
    response["RateLimit-Remaining"] = str(budget.remaining)
    response["RateLimit-Reset"] = str(budget.reset_seconds)


def refusal_detail(budget: Budget) -> str:
    return (
        f"Too many requests: at most {budget.limit} a minute. "
        f"Try again in {budget.reset_seconds} seconds."
    )


class ApiRateLimit(BaseThrottle):
    """Ninja's hook, run after authentication: it knows the key by then."""

    def allow_request(self, request: HttpRequest) -> bool:
        budget = spend(request)
        return budget is None or not budget.exhausted

    def wait(self) -> float | None:
        # One throttle serves every thread: the wait lives on the request, and the 429 handler
        # in errors.py writes Retry-After from it.
        return None
