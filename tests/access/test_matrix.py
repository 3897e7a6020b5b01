"""The authorisation matrix: every URL in the project, as every persona, with GET and POST,
gets the answer the table in expected.py (and expected_admin.py) gives. A new URL fails the
walk until it has a row there, so that every page says who may reach it."""

from collections.abc import Iterator

import pytest

from stories.models import Story
from tests.access.checks import answer, problem
from tests.access.expected import PRIVATE_STORY, SITE, Row
from tests.access.expected_admin import admin_expectation
from tests.access.world import PERSONAS, World, visitor
from tests.url_walk import Route, has_no_row, project_routes, url_for

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST"]


def walk_rows(world: World) -> Iterator[tuple[Route, Row | None, Story]]:
    """(route, table row, story) for every URL: story pages once for each of the walk's stories."""
    for route in project_routes():
        if route.name is None:
            continue  # the admin's unnamed catch-alls, checked in test_it_has_a_row_for_every_url
        yield route, None if route.is_admin else SITE.get(route.name), world.story
        if "story_id" in route.arguments and not route.is_admin:
            yield route, PRIVATE_STORY.get(route.name), world.private_story


def test_it_has_a_row_for_every_url():
    routes = project_routes()
    unnamed = [route.route for route in routes if route.name is None]
    named = {route.name for route in routes if route.name and not route.is_admin}
    about_a_story = {route.name for route in routes if "story_id" in route.arguments}

    # Django's admin adds one catch-all and one redirect per model, unnamed; nothing else may.
    assert [pattern for pattern in unnamed if not pattern.startswith("admin/")] == []
    assert named - SITE.keys() == set(), "Add the new URL names to SITE in expected.py."
    assert SITE.keys() - named == set(), "Remove URL names that no longer exist from SITE."
    assert about_a_story - {"admin:view_on_site"} == PRIVATE_STORY.keys()
    for table in (SITE, PRIVATE_STORY):
        for name, row in table.items():
            assert set(row) == set(METHODS), name
            assert all(set(by_persona) == set(PERSONAS) for by_persona in row.values()), name


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_each_persona_the_expected_answer_on_every_url(world, persona):
    client_of = visitor(world, persona)
    problems = []
    for route, row, story in walk_rows(world):
        if row is None and not route.is_admin:
            problems.append(f"{route.name}: say who may reach it in SITE (expected.py)")
            continue
        path = url_for(route, story)
        for method in METHODS:
            expected = (
                admin_expectation(route, method, persona) if row is None else row[method][persona]
            )
            response = answer(client_of, method, path)
            found = problem(response, path, expected, story.get_absolute_url())
            if found:
                problems.append(f"{method} {path} ({route.name}) as {persona}: {found}")

    assert problems == []


def test_it_walks_the_admin_pages_too(world):
    admin_routes = [route for route in project_routes() if route.is_admin]
    names = {route.name for route in admin_routes}

    assert {"admin:index", "admin:stories_story_change", "admin:auth_user_change"} <= names
    # The walk's records fill the pages of every model the stories and people apps register.
    assert [
        route.name
        for route in admin_routes
        if has_no_row(route) and route.name.startswith(("admin:stories_", "admin:people_"))
    ] == []
