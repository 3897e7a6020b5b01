"""Every error is a page of ours: in the site's layout for people, `{"detail": "..."}` under /api/
for scripts, never a traceback or a setting, whatever raised it.

Django calls the handlers below (see handler400 and friends in insightboard/urls.py) for the errors
it catches; ErrorPagesMiddleware refuses requests too large to read and gives the blank answers a
method check makes (405) the same pages.
"""

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string

API_PREFIX = "/api/"
MEGABYTE = 1024 * 1024
# Room for the largest upload (a 20 MB CSV of insights) and the form around it. A bigger request
# is refused from its Content-Length, before any of it is read.
REQUEST_MAX_BYTES = 32 * MEGABYTE
RETRY_AFTER_SECONDS = 60
DATABASE_UNREACHABLE = "InsightBoard can't reach its database right now; try again in a minute."

# What the API says for each status; the site's pages say it in templates/<status>.html.
DETAILS = {
    400: "The request could not be read: check it and send it again.",
    403: "This key or account is not allowed to do this.",
    404: (
        "Nothing here: no such address, or nothing you can see at it. Every address of the API "
        "is listed at /api/v1/docs."
    ),
    405: "This address does not take that method; the Allow header lists the ones it takes.",
    413: "The request is too large.",
    429: "Too many requests: wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; try again in a minute.",
    503: DATABASE_UNREACHABLE,
}
# What a blank error answer says in its headers (the methods an address takes, when to retry).
HEADERS_KEPT = ("Allow", "Retry-After")


class RequestTooLarge(RequestDataTooBig):
    """A request bigger than any upload, refused before it is read."""


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(
    request: HttpRequest, status: int, *, detail: str = "", with_request: bool = True
) -> HttpResponse:
    """Our answer for `status`. Without `with_request` the page is drawn from the template alone,
    with no context processor, so that it shows even when the database cannot be reached."""
    if wants_json(request):
        return JsonResponse({"detail": detail or DETAILS[status]}, status=status)
    # Refused before authentication ran (a request too large, for another host): no one to greet.
    greeted = with_request and hasattr(request, "user")
    page = render_to_string(
        f"{status}.html", {"detail": detail}, request=request if greeted else None
    )
    return HttpResponse(page, status=status)


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g} MB"


def too_large_detail(exception: Exception) -> str:
    if isinstance(exception, TooManyFieldsSent):
        return f"A form can send at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields at once."
    if isinstance(exception, TooManyFilesSent):
        return f"A form can send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} files at once."
    if isinstance(exception, RequestTooLarge):
        return (
            f"InsightBoard takes at most {megabytes(REQUEST_MAX_BYTES)} in one request: "
            "split a large file into smaller ones."
        )
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return f"A form or request body can be at most {megabytes(limit)}, files aside."


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return error_response(request, 413, detail=too_large_detail(exception))
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The refusal's own reason ("Only admins can do this..."), when it gave one.
    return error_response(request, 403, detail=str(exception))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is at hand. A database that cannot be
    # reached is not a bug: say so, and when to come back.
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        response = error_response(request, 503, with_request=False)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_response(request, 500, with_request=False)


def is_blank_error(request: HttpRequest, response: HttpResponseBase) -> bool:
    """An error answered without a page of ours: no body, or not JSON under /api/."""
    if response.status_code not in DETAILS or response.streaming:
        return False
    if wants_json(request):
        is_json = response.get("Content-Type", "").startswith("application/json")
        return not is_json and response.status_code < 500
    return not response.content.strip()  # type: ignore[attr-defined]


class ErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH", "")
        if declared.isdigit() and int(declared) > REQUEST_MAX_BYTES:
            # Raised, so Django's handling (logging, the 400 handler) sees it as it sees its own.
            raise RequestTooLarge(f"Content-Length {declared} is over {REQUEST_MAX_BYTES}.")
        response = self.get_response(request)
        if not is_blank_error(request, response):
            return response
        ours = error_response(request, response.status_code)
        for header in HEADERS_KEPT:
            if header in response:
                ours[header] = response[header]
        return ours
