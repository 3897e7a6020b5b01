"""Every HTML page is sent with a Content-Security-Policy that allows scripts only from this site or
with the page's own nonce, never 'unsafe-inline'; any inline script carries that nonce."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, persona_client
from tests.url_walk import meeting_to_walk, project_routes, story_to_walk, url_for

pytestmark = pytest.mark.django_db


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_nonces: list[str | None] = []
        self.all_nonces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        values = dict(attrs)
        if values.get("nonce"):
            self.all_nonces.append(str(values["nonce"]))
        if "src" not in values and values.get("type") != "application/json":
            self.inline_nonces.append(values.get("nonce"))


def script_policy(response) -> list[str]:
    header = response.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in header.split(";") if part.strip()
    )
    assert "script-src" in directives, header
    return directives["script-src"].split()


def csp_problems(response, path: str) -> list[str]:
    problems = []
    sources = script_policy(response)
    nonces = [re.fullmatch(r"'nonce-(.+)'", source) for source in sources]
    nonce = next((match.group(1) for match in nonces if match), None)
    if nonce is None:
        problems.append(f"{path}: script-src has no nonce: {sources}")
    if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources:
        problems.append(f"{path}: script-src allows unsafe scripts: {sources}")
    scripts = Scripts()
    scripts.feed(response.text)
    if any(found != nonce for found in scripts.inline_nonces):
        problems.append(f"{path}: an inline script lacks the nonce {nonce}")
    if any(found != nonce for found in scripts.all_nonces):
        problems.append(f"{path}: a script carries a nonce that is not the header's")
    return problems


def is_html_page(response) -> bool:
    return response["Content-Type"].startswith("text/html") and "<html" in response.text


@pytest.fixture
def story(alice, bob, hugo):
    walked = story_to_walk(alice, bob)
    meeting_to_walk(walked, host=hugo, attendee=alice)
    return walked


# The HTML pages each persona's walk meets, error pages included (a refusal is a page too).
SIGNED_OUT_PAGES = frozenset(
    {
        "admin:login",
        "digest:unsubscribe",
        "login",
        "password_reset",
        "password_reset_complete",
        "password_reset_confirm",
        "password_reset_done",
        "signup",
        "signup_confirm",
        "welcome",
    }
)
SIGNED_IN_PAGES = frozenset(
    {
        "api:openapi-view",
        "api_token_revoke",
        "digest:archive",
        "digest:manage",
        "digest:preview",
        "digest:unsubscribe",
        "digest:week",
        "home",
        "invite",
        "meetings:detail",
        "meetings:empathy",
        "meetings:lineage",
        "meetings:list",
        "meetings:one_off_create",
        "meetings:present",
        "meetings:series_create",
        "meetings:series_edit",
        "metrics:create",
        "metrics:edit",
        "metrics:list",
        "metrics:record",
        "metrics:upload",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_complete",
        "password_reset_confirm",
        "password_reset_done",
        "profile",
        "signup",
        "signup_confirm",
        "stories:create",
        "stories:delete",
        "stories:detail",
        "stories:edit",
        "stories:empathy_create",
        "stories:empathy_edit",
        "stories:import",
        "stories:import_preview",
        "stories:kudos",
        "stories:leaders",
        "stories:list",
        "stories:merge",
        "stories:report_create",
        "stories:report_edit",
        "welcome",
    }
)
# An admin meets every admin page but a script and three that are no page for them: sign-in and
# view-on-site redirect, and sign-out takes a POST only.
ADMIN_NOT_PAGES = frozenset({"admin:jsi18n", "admin:login", "admin:logout", "admin:view_on_site"})


def pages_walked_by(persona: str) -> set[str]:
    if persona == "anonymous":
        return set(SIGNED_OUT_PAGES)
    if persona != "ada":
        return {*SIGNED_IN_PAGES, "admin:login"}
    admin_pages = {route.name for route in project_routes() if route.is_admin} - ADMIN_NOT_PAGES
    return {*SIGNED_IN_PAGES, *admin_pages}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_sends_a_nonce_policy_with_every_html_page(request, persona, story):
    client = persona_client(request, persona)
    pages = set()
    problems = []
    for route in project_routes():
        if route.name is None:
            continue
        path = url_for(route, story)
        response = client.get(path)
        if is_html_page(response):
            problems += csp_problems(response, path)
            # A POST-only address answers a GET with our 405 page: checked, not counted.
            if response.status_code != 405:
                pages.add(route.name)

    assert problems == []
    assert pages == pages_walked_by(persona)


def test_it_uses_a_fresh_nonce_for_every_response(alice_client):
    first = script_policy(alice_client.get(reverse("home")))
    second = script_policy(alice_client.get(reverse("home")))

    assert first != second


def test_it_sends_the_policy_with_pages_showing_form_errors(alice_client):
    response = alice_client.post(reverse("stories:create"), {"title": "", "sentiment": "nope"})

    assert response.status_code == 200
    assert csp_problems(response, "stories:create with errors") == []


def test_it_loads_htmx_from_this_site_with_the_nonce(alice_client):
    response = alice_client.get(reverse("home"))
    sources = re.findall(r'<script[^>]*src="([^"]+)"', response.text)

    assert sources
    assert all(source.startswith("/static/") for source in sources)
    assert any("htmx" in source for source in sources)


def test_it_forbids_framing_and_sniffing(alice_client):
    response = alice_client.get(reverse("home"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "object-src 'none'" in response["Content-Security-Policy"]
