"""GET /healthz: is this process able to serve? Used by compose healthchecks and load balancers.

It also says how much background work waits for the broker (insightboard/outbox) and for how
long: informative only, since the pages work while it waits.
"""

from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from insightboard.outbox.selectors import waiting_work


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def broker_status() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except redis.RedisError:
        return "down"
    return "ok"


def waiting_status() -> dict[str, Any] | None:
    try:
        waiting = waiting_work()
    except DatabaseError:
        return None
    return {"count": waiting.count, "oldest_seconds": waiting.oldest_seconds}


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = "down" not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks, "waiting": waiting_status()},
        status=200 if healthy else 503,
    )
