"""One set of records and signed-in people for the authorisation walks: each persona signs in
once, and each request goes out on a fresh client carrying that persona's cookies."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client

from meetings.models import Meeting
from stories.models import Story, Visibility
from tests.meetings.factories import MeetingFactory, SeriesFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory
from tests.url_walk import meeting_to_walk, story_to_walk

# Who is who in the walk. alice is staff: she wrote the walk's stories (one company-wide, one
# private) and attends hugo's series; bob is staff with no part in any of it ("someone else");
# hugo hosts the walk's series, holly hosts another one; lena leads; ada administers.
PERSONAS = ["anonymous", "alice", "bob", "hugo", "holly", "lena", "ada"]
SIGNED_IN = PERSONAS[1:]


@dataclass(frozen=True)
class World:
    story: Story  # alice's, company-wide
    private_story: Story  # alice's, private
    meeting: Meeting  # hugo's series; alice attends
    other_meeting: Meeting  # holly's series
    people: dict[str, AbstractUser]


def holly_host() -> AbstractUser:
    return PersonFactory(
        username="holly@example.com", profile__display_name="Holly Host", roles=["Hosts"]
    )


def world_to_walk(alice, bob, hugo, lena, ada) -> World:
    story = story_to_walk(alice, bob)
    meeting = meeting_to_walk(story, host=hugo, attendee=alice)
    holly = holly_host()
    other_meeting = MeetingFactory(series=SeriesFactory(name="Holly's sync", hosts=[holly]))
    private_story = StoryFactory(
        author=alice, visibility=Visibility.PRIVATE, title="Only alice and admins see this"
    )
    people = {"alice": alice, "bob": bob, "hugo": hugo, "holly": holly, "lena": lena, "ada": ada}
    return World(story, private_story, meeting, other_meeting, people)


class Visitor:
    """A persona's cookies (session and CSRF), and a fresh client for each request, so that a
    request that signs out or changes the session leaves the next one as it was."""

    def __init__(self, person: AbstractUser | None) -> None:
        self.csrf_token = secrets.token_hex(16)  # a CSRF secret (32 characters), as Django makes
        self.session_key = ""
        if person is not None:
            signed_in = Client()
            signed_in.force_login(person)
            self.session_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, *, with_csrf_cookie: bool = True) -> Client:
        client = Client(enforce_csrf_checks=True)
        if self.session_key:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        if with_csrf_cookie:
            client.cookies[settings.CSRF_COOKIE_NAME] = self.csrf_token
        return client

    def request(self, method: str, path: str, *, csrf: bool = True, **extra):
        """The answer to one request; a POST or other change carries the CSRF token unless
        `csrf` is False, in the header, so that the body stays empty."""
        headers = {"X-CSRFToken": self.csrf_token} if csrf else {}
        return self.client(with_csrf_cookie=csrf).generic(method, path, headers=headers, **extra)


def visitor(world: World, persona: str) -> Visitor:
    return Visitor(None if persona == "anonymous" else world.people[persona])
