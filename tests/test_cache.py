"""The cache every web process shares: on Redis when REDIS_URL is set, in memory without it."""

from django.conf import settings
from django.core.cache import cache


def test_it_keeps_what_it_is_given_and_starts_each_test_empty():
    assert cache.get("opener-count") is None
    cache.set("opener-count", 3)
    assert cache.get("opener-count") == 3


def test_it_starts_this_test_empty_too():
    assert cache.get("opener-count") is None


def test_it_lives_on_redis_when_there_is_one():
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    assert backend == ("RedisCache" if settings.REDIS_URL else "LocMemCache")
