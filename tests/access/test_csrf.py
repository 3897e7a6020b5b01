"""CSRF is enforced on every state change: a POST (or PUT, PATCH, DELETE) without a token is
refused on every URL, signed in or not, except the two kinds of address that need no token and
say why: the digest's one-click unsubscribe, which a mail provider sends without a cookie, and
the API's operations, where a write is authorised by a key in the Authorization header (which
no other site can make a browser send) and never by the session cookie."""

import pytest
from django.http import HttpRequest, JsonResponse

from tests.access.world import visitor
from tests.url_walk import project_routes, url_for

pytestmark = pytest.mark.django_db

CHANGES = ["POST", "PUT", "PATCH", "DELETE"]
# Django's CSRF check treats every method but GET, HEAD, OPTIONS and TRACE alike: the walk sends
# the one forms use and one other.
WALKED = ["POST", "DELETE"]
REFUSED_BY_CSRF = "X-Refused-By-Csrf"
# Key-only writes; reads also take the session, and reads change nothing.
API_OPERATIONS = {
    "api:story_list",
    "api:story_create",
    "api:story_detail",
    "api:metric_list",
    "api:metric_value_record",
}
EXEMPT = {"digest:unsubscribe", *API_OPERATIONS}


def csrf_refusal(request: HttpRequest, reason: str = "") -> JsonResponse:
    """Stands in for the CSRF failure page, so the walk can tell a CSRF refusal from any other
    403 (in JSON, which the error pages keep as it is, under /api/ too)."""
    return JsonResponse({"detail": reason}, status=403, headers={REFUSED_BY_CSRF: "yes"})


@pytest.fixture
def csrf_refusals_marked(settings) -> None:
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refusal"


def test_it_exempts_only_the_one_click_unsubscribe_and_the_api_operations():
    exempt = {
        route.name
        for route in project_routes()
        if getattr(route.pattern.callback, "csrf_exempt", False)
    }

    assert exempt == EXEMPT


# Signed out (where a page needs no sign-in), and as ada, whom every permission check lets through.
@pytest.mark.parametrize("persona", ["anonymous", "ada"])
def test_it_refuses_every_change_without_a_token(world, persona, csrf_refusals_marked):
    client_of = visitor(world, persona)
    let_through = []
    for route in project_routes():
        if route.name is None or route.name in EXEMPT:
            continue
        path = url_for(route, world.story)
        for method in WALKED:
            response = client_of.request(method, path, csrf=False)
            if response.get(REFUSED_BY_CSRF) != "yes":
                let_through.append(f"{method} {path} ({route.name}): {response.status_code}")

    assert let_through == []


def test_it_lets_a_valid_token_through(world, csrf_refusals_marked):
    response = visitor(world, "alice").request("POST", "/stories/new/")

    assert response.status_code == 200  # the form, with what is missing
    assert REFUSED_BY_CSRF not in response


def test_it_never_lets_the_session_cookie_authorise_an_api_write(world, csrf_refusals_marked):
    """The exemption is safe because a browser's session, which a forged form would carry,
    authorises no change on the API: without a key every write is a 401 (or not a method the
    address takes), and nothing is saved."""
    client_of = visitor(world, "ada")
    answers = {}
    for route in project_routes():
        if route.name in API_OPERATIONS:
            path = url_for(route, world.story)
            for method in CHANGES:
                answers[f"{method} {path}"] = client_of.request(
                    method, path, csrf=False
                ).status_code

    assert set(answers.values()) <= {401, 405}, answers
    assert 401 in answers.values()
