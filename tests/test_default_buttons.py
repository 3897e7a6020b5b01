"""Enter in a text box presses its form's first submit button: on every page that must be the
form's own action, never a secondary one ("this is the same as", "delete") sitting before it."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.stories.factories import StoryFactory
from tests.url_walk import meeting_to_walk, project_routes, story_to_walk, url_for

pytestmark = pytest.mark.django_db

SUBMITS = {"button", "input"}


@dataclass
class Form:
    number: int
    id: str | None
    action: str
    buttons: list[dict[str, str | None]] = field(default_factory=list)


class FormButtons(HTMLParser):
    """Each form with its submit buttons in document order, those naming it with form= too."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.open: Form | None = None
        self.by_id: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self.open = Form(len(self.forms), named.get("id"), named.get("action") or "")
            self.forms.append(self.open)
        elif tag in SUBMITS and self.is_submit(tag, named):
            if named.get("form"):
                self.by_id.append((str(named["form"]), named))
                for form in self.forms:
                    if form.id == named["form"]:
                        form.buttons.append(named)
            elif self.open is not None:
                self.open.buttons.append(named)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None

    @staticmethod
    def is_submit(tag: str, named: dict[str, str | None]) -> bool:
        kind = (named.get("type") or ("submit" if tag == "button" else "text")).lower()
        return kind in {"submit", "image"}


def enter_problems(html: str, where: str) -> list[str]:
    page = FormButtons()
    page.feed(html)
    problems = []
    for form in page.forms:
        if form.buttons and form.buttons[0].get("formaction"):
            problems.append(
                f"{where}: Enter in form #{form.number} ({form.id or form.action}) would press "
                f"a button sending to {form.buttons[0]['formaction']}"
            )
    return problems


def test_it_finds_a_secondary_button_before_the_main_one():
    html = (
        '<form id="f" action="/new/"><input name="tags">'
        '<button formaction="/same/">This is the same as</button><button>Log it</button></form>'
    )

    assert enter_problems(html, "example") == [
        "example: Enter in form #0 (f) would press a button sending to /same/"
    ]
    # The same buttons after the form, tied to it with form=, are fine.
    after = html.replace('<button formaction="/same/">This is the same as</button>', "")
    after += '<button form="f" formaction="/same/">This is the same as</button>'
    assert enter_problems(after, "example") == []


def test_it_logs_on_enter_with_suggestions_showing_in_both_capture_forms(alice_client, bob):
    StoryFactory(author=bob, title="Refunds are slow")
    page = alice_client.get(reverse("stories:create")).text
    similar = alice_client.get(reverse("stories:similar"), {"title": "refunds"}).text
    quick = alice_client.get(reverse("stories:similar"), {"quick-title": "refunds"}).text
    assert "This is the same as" in similar
    assert "This is the same as" in quick

    # Where htmx puts them: inside their containers, wherever the page has those.
    both = page
    for container, suggestions in (("similar-stories", similar), ("quick-similar", quick)):
        empty = f'<div id="{container}" class="similar" aria-live="polite"></div>'
        assert empty in both
        both = both.replace(empty, empty.replace("</div>", suggestions + "</div>"))

    assert enter_problems(both, "/stories/new/") == []
    # And the suggestions come after each form's "Log it", so Tab reaches it first.
    assert both.index('id="story-form"') < both.index("Log it") < both.index(similar[:60])
    quick_form = both.index('id="quick-capture-form"')
    assert quick_form < both.index("Log it", quick_form) < both.index(quick[:60])


def test_it_presses_the_main_button_on_enter_on_every_page(ada_client, ada, bob, hugo):
    story = story_to_walk(ada, bob)
    meeting_to_walk(story, host=ada, attendee=hugo)
    problems = []
    for route in project_routes():
        if route.name is None or route.is_admin:
            continue
        path = url_for(route, story)
        response = ada_client.get(path)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            problems += enter_problems(response.text, path)

    assert problems == []
