"""A walk over every URL in the project checks that each persona gets the status it should."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from stories.models import Story
from tests.conftest import PERSONAS, persona_client
from tests.url_walk import (
    Route,
    has_no_row,
    meeting_to_walk,
    project_routes,
    story_to_walk,
    url_for,
)

pytestmark = pytest.mark.django_db

OUTSIDERS = ["bob", "hugo", "lena"]


# --- Every URL, every persona ------------------------------------------------------------------

SIGN_IN = "redirected to sign in"
ADMIN_SIGN_IN = "redirected to the admin's sign in"
ANY_SIGN_IN = "redirected to either sign-in page"
STORY_PAGE = "redirected to the story's page"


def everyone(status: int | str, anonymous: int | str = SIGN_IN) -> dict[str, int | str]:
    return {"anonymous": anonymous} | dict.fromkeys(PERSONAS[1:], status)


def author_and_admins(status: int, others: int) -> dict[str, int | str]:
    return everyone(others) | {"alice": status, "ada": status}


def admins_only(status: int, others: int) -> dict[str, int | str]:
    return everyone(others) | {"ada": status}


# The story in the walk is alice's and company-wide. A new URL fails the walk until it is added
# here, so that every page says who may reach it. "/" means a redirect to the home page.
EXPECTED: dict[str, dict[str, int | str]] = {
    "home": everyone(200),
    "healthz": everyone(200, anonymous=200),
    "stories:list": everyone(200),
    "stories:create": everyone(200),
    "stories:tag_suggestions": everyone(200),
    "stories:detail": everyone(200),
    # Seen but not theirs to change: refused with the reason, as everywhere.
    "stories:edit": author_and_admins(200, others=403),
    "stories:delete": author_and_admins(200, others=403),
    "stories:hear_too": everyone(405),  # POST only
    # Getting insights in and out: an upload is its uploader's alone (the walk's is alice's).
    "stories:import": everyone(200),
    "stories:import_preview": everyone(404) | {"alice": 200},
    "stories:import_confirm": everyone(405),  # POST only
    "stories:export_csv": everyone(200),
    "stories:export_json": everyone(200),
    # Duplicates: everyone sees suggestions and says "same as"; only admins merge and undo.
    "stories:similar": everyone(200),
    "stories:same_as": everyone(405),  # POST only
    "stories:merge": admins_only(200, others=403),
    "stories:unmerge": everyone(405),  # POST only
    # Customer metrics: everyone reads them; only admins define metrics and record values.
    "metrics:list": everyone(200),
    "metrics:create": admins_only(200, others=403),
    "metrics:edit": admins_only(200, others=403),
    "metrics:record": admins_only(200, others=403),
    "metrics:upload": admins_only(200, others=403),
    # Their old addresses, from when metrics lived under /stories/metrics/.
    "moved_metrics:list": everyone(301),
    "moved_metrics:create": everyone(301),
    "moved_metrics:edit": everyone(301),
    "moved_metrics:record": everyone(301),
    "moved_metrics:upload": everyone(301),
    "stories:empathy_create": everyone(200),
    # The walk's story is an insight: it has no empathy answers or report to correct.
    "stories:empathy_edit": everyone(404),
    "stories:report_edit": everyone(404),
    # Executive reports: leaders (lena) and admins file them; everyone reads the Leaders' corner.
    "stories:report_create": everyone(403) | {"lena": 200, "ada": 200},
    "stories:leaders": everyone(200),
    "stories:kudos": everyone(200),
    "login": everyone("/", anonymous=200),
    "signup": everyone(200, anonymous=200),
    # Without an address typed in this session, there is no "check your email" to show.
    "signup_sent": everyone(302, anonymous=302),
    # The walk's links are forged: they say the link has expired.
    "signup_confirm": everyone(200, anonymous=200),
    "welcome": everyone(200, anonymous=200),
    "invite": admins_only(200, others=403),
    "invitation_resend": everyone(405),  # POST only
    "profile": everyone(200),
    "api_token_create": everyone(405),  # POST only
    "api_token_revoke": everyone(404) | {"alice": 200},  # the walk's key is alice's
    # The API answers cookie clients too (reads only); without a session or a key, a JSON 401.
    "api:story_list": everyone(200, anonymous=401),
    "api:story_create": everyone(200, anonymous=401),  # the list's URL, POST with a key
    "api:story_detail": everyone(200, anonymous=401),
    "api:metric_list": everyone(200, anonymous=401),
    "api:metric_value_record": everyone(405, anonymous=405),  # POST only
    "api:openapi-json": everyone(200, anonymous=200),
    "api:openapi-view": everyone(200),
    "api:api-root": everyone(404, anonymous=404),
    "logout": everyone(405),  # POST only
    "password_change": everyone(200),
    "password_change_done": everyone(200),
    "password_reset": everyone(200, anonymous=200),
    "password_reset_done": everyone(200, anonymous=200),
    "password_reset_confirm": everyone(200, anonymous=200),
    "password_reset_complete": everyone(200, anonymous=200),
    # The walk's meeting: hugo hosts it, alice attends (and shares next), bob and lena do not.
    "meetings:list": everyone(200),
    "meetings:series_create": everyone(403) | {"hugo": 200, "ada": 200},
    "meetings:series_edit": everyone(404) | {"hugo": 200, "ada": 200, "alice": 403},
    "meetings:one_off_create": everyone(403) | {"hugo": 200, "ada": 200},
    "meetings:detail": everyone(404) | {"hugo": 200, "ada": 200, "alice": 200},
    "meetings:present": everyone(404) | {"hugo": 200, "ada": 200, "alice": 200},
    "meetings:empathy": everyone(404) | {"hugo": 200, "ada": 200, "alice": 200},
    "meetings:keep": everyone(405),  # POST only
    "meetings:takeaway": everyone(405),  # POST only
    "meetings:action_add": everyone(405),  # POST only
    "meetings:action_toggle": everyone(405),  # POST only
    "meetings:lineage": everyone(200),
    # The weekly digest: everyone reads the archive; admins (and leaders, if an admin lets
    # them) preview and send it; unsubscribing needs no sign-in (the walk's token is forged).
    "digest:archive": everyone(200),
    "digest:week": everyone(200),
    "digest:unsubscribe": everyone(400, anonymous=400),
    "digest:manage": admins_only(200, others=403),
    "digest:preview": admins_only(200, others=403),
    "digest:send_test": everyone(405),  # POST only
    "digest:send_now": everyone(405),  # POST only
    "digest:resend": everyone(405),  # POST only
    "digest:list_add": everyone(405),  # POST only
    "digest:list_remove": everyone(405),  # POST only
    "digest:policy": everyone(405),  # POST only
}

# The admin is one rule: only admins get in, everyone else is sent to sign in. These are the
# admin pages whose status for an admin is not a plain 200.
ADMIN_EXCEPTIONS: dict[str, dict[str, int | str]] = {
    "admin:login": everyone("/admin/", anonymous=200) | dict.fromkeys([*OUTSIDERS, "alice"], 200),
    "admin:logout": everyone("/admin/", anonymous=ADMIN_SIGN_IN) | {"ada": 405},
    "admin:autocomplete": {"ada": 403},  # needs the asking field in its query string
    "admin:view_on_site": {"ada": STORY_PAGE},
    # django-axes keeps its records read-only.
    "admin:axes_accessattempt_add": {"ada": 403},
    "admin:axes_accesslog_add": {"ada": 403},
    "admin:axes_accessfailurelog_add": {"ada": 403},
    # The digest's records are a ledger that sending depends on: read-only in the admin.
    "admin:digest_digest_add": {"ada": 403},
    "admin:digest_digest_delete": {"ada": 403},
    "admin:digest_delivery_add": {"ada": 403},
    "admin:digest_delivery_delete": {"ada": 403},
    "admin:digest_featuredstory_add": {"ada": 403},
    "admin:digest_featuredstory_delete": {"ada": 403},
    # One policy row, made when first needed: never added or deleted by hand.
    "admin:digest_digestpolicy_add": {"ada": 403},
    "admin:digest_digestpolicy_delete": {"ada": 403},
}


def admin_expectation(route: Route, persona: str) -> int | str:
    assert route.name is not None
    exceptions = ADMIN_EXCEPTIONS.get(route.name, {})
    if persona in exceptions:
        return exceptions[persona]
    if persona == "anonymous":
        return ANY_SIGN_IN
    if persona != "ada":
        return ADMIN_SIGN_IN
    return "/admin/" if has_no_row(route) else 200


def check(response, path: str, expected: int | str, story: Story) -> str | None:
    """None when the response is what was expected, otherwise what went wrong."""
    location = response.get("Location", "")
    if expected == STORY_PAGE:
        expected = f"http://testserver{story.get_absolute_url()}"
    sign_in = f"{reverse('login')}?next={quote(path)}"
    admin_sign_in = f"{reverse('admin:login')}?next={quote(path)}"
    if expected == SIGN_IN:
        ok = response.status_code == 302 and location == sign_in
    elif expected == ADMIN_SIGN_IN:
        ok = response.status_code == 302 and location == admin_sign_in
    elif expected == ANY_SIGN_IN:
        ok = response.status_code == 302 and location in {sign_in, admin_sign_in}
    elif isinstance(expected, str):
        ok = response.status_code == 302 and location == expected
    else:
        ok = response.status_code == expected
    if ok:
        return None
    return f"{path}: expected {expected}, got {response.status_code} {location}".strip()


@pytest.fixture
def walk_story(alice, bob, hugo):
    story = story_to_walk(alice, bob)
    meeting_to_walk(story, host=hugo, attendee=alice)
    return story


def test_it_has_an_expectation_for_every_url_in_the_project():
    routes = project_routes()
    unnamed = [route.route for route in routes if route.name is None]
    named = {route.name for route in routes if route.name and not route.is_admin}

    # Django's admin adds one catch-all and one redirect per model, unnamed; nothing else may.
    assert [pattern for pattern in unnamed if not pattern.startswith("admin/")] == []
    assert named - EXPECTED.keys() == set(), "Add the new URL names to EXPECTED."
    assert EXPECTED.keys() - named == set(), "Remove URL names that no longer exist from EXPECTED."
    assert all(set(by_persona) == set(PERSONAS) for by_persona in EXPECTED.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_each_persona_the_expected_status_on_every_url(request, persona, walk_story):
    client = persona_client(request, persona)
    problems = []
    for route in project_routes():
        if route.name is None:
            continue
        if route.is_admin:
            expected = admin_expectation(route, persona)
        elif route.name in EXPECTED:
            expected = EXPECTED[route.name][persona]
        else:
            problems.append(f"{route.name}: say who may reach it in EXPECTED")
            continue
        path = url_for(route, walk_story)
        problem = check(client.get(path), path, expected, walk_story)
        if problem:
            problems.append(f"{route.name} as {persona}: {problem}")

    assert problems == []


def test_it_walks_the_admin_pages_too(walk_story):
    admin_routes = [route for route in project_routes() if route.is_admin]
    names = {route.name for route in admin_routes}

    assert {"admin:index", "admin:stories_story_change", "admin:auth_user_change"} <= names
    # The walk's story fills the pages of every model the stories and people apps register.
    assert [
        route.name
        for route in admin_routes
        if has_no_row(route) and route.name.startswith(("admin:stories_", "admin:people_"))
    ] == []
