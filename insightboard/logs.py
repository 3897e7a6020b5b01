"""Structured logs, and the request id that ties a request's lines to the tasks it queued.

Every line carries `request_id` (a logging.Filter reads it from a context variable that the
middleware sets for a request and the Celery signals in insightboard/celery.py set for a task).
Lines name people by id only: never an email address, a message's text or a story's text.
"""

import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header a queued task carries its request's id in.
TASK_HEADER = "request_id"
# An incoming id is reused only if it is a short plain token (a proxy's uuid or trace id).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

access_logger = logging.getLogger("insightboard.requests")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
# Django's own lines attach the request, whose text has the query string (search words, addresses).
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


def sane_request_id(raw: str | None) -> str:
    """The incoming id if it is a sane token, else a new one."""
    if raw is not None and SANE_REQUEST_ID.fullmatch(raw):
        return raw
    return uuid.uuid4().hex


def task_request_id(task_request: Any) -> str | None:
    """The request id a Celery task was queued with: a worker puts message headers on the
    task's request, eager mode keeps them in its `headers`."""
    raw = getattr(task_request, TASK_HEADER, None) or (task_request.headers or {}).get(TASK_HEADER)
    return raw if isinstance(raw, str) and SANE_REQUEST_ID.fullmatch(raw) else None


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record, for either format."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and any `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def person_id(request: HttpRequest) -> int | None:
    """The signed-in person's id, if the request already looked them up: loading them here
    would cost pages that never ask (sign-in, health) their queries."""
    user = getattr(request, "user", None)
    loaded = user.__dict__.get("_wrapped", user) if user is not None else None
    if loaded is None or loaded is empty or not loaded.is_authenticated:
        return None
    return int(loaded.pk)


def request_id_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Gives each request an id (the response's X-Request-ID) and logs one line for it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        this_request = sane_request_id(request.headers.get(REQUEST_ID_HEADER))
        # Kept until the request is finished: Django logs an error answer after the middleware.
        request_id.set(this_request)
        started = time.perf_counter()
        response = get_response(request)
        response[REQUEST_ID_HEADER] = this_request
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                # The path only: a query string can hold search words or an address.
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "person_id": person_id(request),
            },
        )
        return response

    return middleware


@receiver(request_finished)
def request_id_forget(**_: Any) -> None:
    request_id.set(None)
