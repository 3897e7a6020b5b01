"""Methods other than GET and POST: every page refuses them (405) unless its view takes them,
and the few that do are listed here with what they answer. They are sent as ada, whom every
permission check lets through (so the method check is what answers), and signed out."""

import pytest

from tests.access.checks import answer, problem
from tests.access.expected import SIGN_IN, ByPersona, Expected
from tests.access.world import visitor
from tests.url_walk import project_routes, url_for

pytestmark = pytest.mark.django_db

# PUT stands for the methods a form view may take as a POST; DELETE for all the others.
OTHER_METHODS = ["PUT", "DELETE"]
WHO = ["anonymous", "ada"]


def refused(anonymous: Expected = SIGN_IN) -> dict[str, ByPersona]:
    return {method: {"anonymous": anonymous, "ada": 405} for method in OTHER_METHODS}


def any_method(anonymous: Expected, ada: Expected) -> dict[str, ByPersona]:
    return {method: {"anonymous": anonymous, "ada": ada} for method in OTHER_METHODS}


# Pages that take more than GET and POST. Django's form views (sign-in, password forms) take a
# PUT as a POST; a redirect moves any method; a set-password link that is not valid says so to
# any method; the API's root is not there for any method.
TAKE_MORE: dict[str, dict[str, ByPersona]] = {
    "login": {"PUT": {"anonymous": 200, "ada": "/"}, "DELETE": {"anonymous": 405, "ada": "/"}},
    "password_reset": {"PUT": {"anonymous": 200, "ada": 200}, "DELETE": refused(405)["DELETE"]},
    "password_change": {"PUT": {"anonymous": SIGN_IN, "ada": 200}, "DELETE": refused()["DELETE"]},
    "welcome": any_method(200, 200),
    "password_reset_confirm": any_method(200, 200),
    "api:api-root": any_method(404, 404),
    **{
        f"moved_metrics:{name}": any_method(SIGN_IN, 301)
        for name in ("list", "create", "edit", "record", "upload")
    },
}
# Pages anyone may reach signed out: refused there too, rather than sent to sign in.
OPEN = {
    "healthz",
    "signup",
    "signup_sent",
    "signup_confirm",
    "password_reset_done",
    "password_reset_complete",
    "digest:unsubscribe",
    "api:openapi-json",
    "api:story_list",
    "api:story_create",
    "api:story_detail",
    "api:metric_list",
    "api:metric_value_record",
}


def expectation(name: str, method: str, persona: str) -> Expected:
    if name in TAKE_MORE:
        return TAKE_MORE[name][method][persona]
    return refused(405 if name in OPEN else SIGN_IN)[method][persona]


@pytest.mark.parametrize("persona", WHO)
def test_it_refuses_other_methods_unless_the_page_takes_them(world, persona):
    client_of = visitor(world, persona)
    problems = []
    for route in project_routes():
        if route.name is None or route.is_admin:
            continue  # the admin's pages take any method: only admins get in (test_matrix.py)
        path = url_for(route, world.story)
        for method in OTHER_METHODS:
            found = problem(
                answer(client_of, method, path),
                path,
                expectation(route.name, method, persona),
                world.story.get_absolute_url(),
            )
            if found:
                problems.append(f"{method} {path} ({route.name}) as {persona}: {found}")

    assert problems == []
