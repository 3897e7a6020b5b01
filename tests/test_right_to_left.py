"""Text people write is isolated wherever it is shown inline, so a right-to-left override in it
(U+202E) cannot reorder the page's own words around it."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.meetings.factories import ActionItemFactory, MeetingFactory, OpenerFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import ExecutiveReportFactory, StoryFactory

pytestmark = pytest.mark.django_db

OVERRIDE = "\u202e"
SHOUTY = f"{OVERRIDE}gnol oot koot dnufer"


class Isolation(HTMLParser):
    """Every piece of text with an override in it, and whether an element around it isolates it."""

    VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, bool]] = []
        self.exposed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            # An option is drawn as a paragraph of its own, so an override in it stays in it.
            isolating = tag in ("bdi", "option") or dict(attrs).get("dir") == "auto"
            self.open.append((tag, isolating))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        in_head = any(tag in ("title", "script", "style", "textarea") for tag, _ in self.open)
        if OVERRIDE in data and not in_head and not any(isolated for _, isolated in self.open):
            self.exposed.append(data.strip())


def exposed_overrides(html: str) -> list[str]:
    parser = Isolation()
    parser.feed(html)
    return parser.exposed


@pytest.fixture
def shouty_story(bob):
    bob.profile.display_name = f"Bob {OVERRIDE}Staff"
    bob.profile.save()
    return StoryFactory(
        author=bob,
        title=SHOUTY,
        customer_name=f"{OVERRIDE}Ada",
        customer_organisation=f"{OVERRIDE}Acme",
        tags=[f"{OVERRIDE}billing"],
    )


@pytest.fixture
def shouty_meeting(hugo, shouty_story):
    meeting = MeetingFactory(title=f"{OVERRIDE}Support weekly", series__hosts=[hugo])
    OpenerFactory(meeting=meeting, story=shouty_story, kept_by=hugo)
    ActionItemFactory(meeting=meeting, text=f"{OVERRIDE}Call them back", owner=hugo)
    return meeting


def test_the_check_finds_an_override_left_bare() -> None:
    assert exposed_overrides(f"<p>Logged by {SHOUTY} today</p>") == [f"Logged by {SHOUTY} today"]
    assert exposed_overrides(f"<p>Logged by <bdi>{SHOUTY}</bdi> today</p>") == []


def test_it_isolates_user_text_on_the_story_list(alice_client, shouty_story) -> None:
    response = alice_client.get(reverse("stories:list"))

    assert SHOUTY in response.text
    assert exposed_overrides(response.text) == []


def test_it_isolates_user_text_on_the_story_page(alice_client, shouty_story) -> None:
    response = alice_client.get(shouty_story.get_absolute_url())

    assert SHOUTY in response.text
    assert exposed_overrides(response.text) == []


def test_it_isolates_user_text_on_the_meeting_page(hugo_client, shouty_meeting) -> None:
    response = hugo_client.get(reverse("meetings:detail", args=[shouty_meeting.pk]))

    assert SHOUTY in response.text
    assert exposed_overrides(response.text) == []


@pytest.mark.parametrize(
    "url_name", ["home", "meetings:list", "stories:kudos", "stories:leaders", "present"]
)
def test_it_isolates_user_text_on_every_page_that_lists_it(hugo_client, shouty_meeting, url_name):
    ExecutiveReportFactory(
        story__title=SHOUTY, story__author=PersonFactory(), spoke_with=f"{OVERRIDE}Their CFO"
    )
    StoryFactory(title=SHOUTY, sentiment="success", shout_out_to=f"{OVERRIDE}Support team")
    url = (
        reverse("meetings:present", args=[shouty_meeting.pk])
        if url_name == "present"
        else reverse(url_name)
    )

    response = hugo_client.get(url)

    assert response.status_code == 200
    assert OVERRIDE in response.text
    assert exposed_overrides(response.text) == []
