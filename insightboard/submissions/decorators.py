"""`@submitted_once`: a view that creates something does it once per form, however often the
form is sent. Posts without a token (the JSON API, scripts) are served as before."""

import functools
from collections.abc import Callable
from typing import Concatenate
from weakref import WeakKeyDictionary

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from insightboard.submissions.models import Submission
from insightboard.submissions.services import (
    SUBMISSION_FIELD,
    TOKEN_PATTERN,
    fill_secrets,
    submission_claim,
    submission_outcome,
    submission_release,
    submission_save,
)

ALREADY_SAVED = "That was already saved: it was sent twice, and saved once."
# A second post waits this long for the first to finish, so it can answer as the first did.
IN_FLIGHT_WAIT_SECONDS = 5.0
REDIRECTS = {301, 302, 303, 307, 308}

# Views wrapped here, so a test can find every creating view that is not.
GUARDED_VIEWS: set[Callable[..., HttpResponse]] = set()
# Answers a view marked as saved though they are not redirects, with where the thing lives.
_saved_answers: WeakKeyDictionary[HttpResponse, str] = WeakKeyDictionary()


def mark_saved(response: HttpResponse, *, url: str = "") -> HttpResponse:
    """Mark an answer that is not a redirect as a success (an htmx fragment, a page shown once).
    A second post for it goes to `url`, or is answered with the fragment again if htmx."""
    _saved_answers[response] = url
    return response


def posted_token(request: HttpRequest) -> str | None:
    if request.method != "POST":
        return None
    token = str(request.POST.get(SUBMISSION_FIELD, ""))
    return token if TOKEN_PATTERN.fullmatch(token) else None


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def submitted_once[Q: HttpRequest, **P](
    view: Callable[Concatenate[Q, P], HttpResponse],
) -> Callable[Concatenate[Q, P], HttpResponse]:
    @functools.wraps(view)
    def guarded(request: Q, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        token = posted_token(request)
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        claim = submission_claim(person_id=request.user.pk, token=token)
        if not claim.held:
            earlier = submission_outcome(submission=claim.submission, wait=IN_FLIGHT_WAIT_SECONDS)
            if earlier is not None:
                return answer_again(request, earlier)
            # The first post was turned down meanwhile: this one is heard in its own right.
            claim = submission_claim(person_id=request.user.pk, token=token)
            if not claim.held:
                return answer_again(request, claim.submission)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            submission_release(submission=claim.submission)
            raise
        remember(request, response, claim.submission)
        return response

    GUARDED_VIEWS.add(guarded)
    return guarded


def remember(request: HttpRequest, response: HttpResponse, submission: Submission) -> None:
    """A redirect or a marked answer is a success; anything else (a form with errors shown
    again, a refusal) releases the token so the corrected form can be sent."""
    if response in _saved_answers:
        html = response.content.decode(response.charset) if is_htmx(request) else ""
        submission_save(submission=submission, url=_saved_answers[response], html=html)
    elif response.status_code in REDIRECTS:
        submission_save(submission=submission, url=response["Location"])
    else:
        submission_release(submission=submission)


def answer_again(request: HttpRequest, earlier: Submission) -> HttpResponse:
    """What the first post answered, for the second: the same fragment for htmx, else the same
    place with a word that nothing was saved twice; a clear 409 while the first is unfinished."""
    if earlier.saved_at is None:
        template = "submissions/still_saving.html"
        if is_htmx(request):
            template += "#notice"
        return render(request, template, {"back": page_before(request)}, status=409)
    if is_htmx(request) and earlier.outcome_html:
        return HttpResponse(fill_secrets(earlier.outcome_html, csrf_token=get_token(request)))
    messages.info(request, ALREADY_SAVED)
    return redirect(earlier.outcome_url or reverse("home"))


def page_before(request: HttpRequest) -> str:
    """The page the form was on, if it is one of ours; else the home page."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return reverse("home")
