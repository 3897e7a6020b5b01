"""A company whose every text field holds the corpus, put in through the forms as the people who
use them would; then the openers, emails and digest that text reaches."""

import datetime
from dataclasses import dataclass, field
from typing import Any

import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.digest.models import Digest
from insightboard.digest.services import digest_compile
from insightboard.weeks import week_start
from meetings.models import Meeting, Opener
from stories.models import Story
from tests.hostile.corpus import STORABLE, executable
from tests.hostile.forms import entries, posts, refused, refused_post, send

PERSONAS = ("alice", "bob", "hugo", "lena", "ada")


@dataclass
class World:
    people: dict[str, User]
    clients: dict[str, Client]
    # What went wrong on the way in: refusals of what should be kept, and markup in answers.
    problems: list[str] = field(default_factory=list)


def through_every_form(world: World) -> None:
    """Each form posted until every text field has had every vector; then once with what it
    must refuse (NUL, tags that are not tags), whose page shows the text again."""
    for form, entry in entries(world.people).items():
        client = world.clients[entry.persona]
        for n, text in enumerate(posts(form)):
            answer = send(client, entry, n, text)
            if refused(answer):
                world.problems.append(f"{form.__name__} refused post {n}: {answer.status_code}")
            world.problems += [f"{form.__name__}: {f}" for f in executable(answer.content.decode())]
        answer = send(client, entry, 0, refused_post(form))
        if not refused(answer):
            world.problems.append(f"{form.__name__} kept NUL or a tag that is not one")
        world.problems += [
            f"{form.__name__} again: {f}" for f in executable(answer.content.decode())
        ]


def openers_kept(world: World) -> list[Meeting]:
    """Each meeting hugo hosts opens with a hostile story, kept with a hostile reason."""
    stories = list(Story.objects.order_by("pk"))
    meetings = list(Meeting.objects.order_by("pk"))
    for meeting, story, reason in zip(meetings, stories, STORABLE, strict=False):
        Opener.objects.filter(meeting=meeting).delete()
        world.clients["hugo"].post(
            reverse("meetings:keep", args=[meeting.pk]), {"story_id": story.pk, "reason": reason}
        )
    kept = Opener.objects.filter(reason__in=STORABLE).count()
    if kept < len(meetings):
        world.problems.append(f"{kept} of {len(meetings)} meetings kept a hostile opener")
    return meetings


def digest_of_the_week() -> Digest:
    """This week's digest, compiled as the Monday after would."""
    monday = week_start(timezone.localdate())
    after = datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time(8))
    with time_machine.travel(timezone.make_aware(after), tick=False):
        return digest_compile(week=monday)


def hostile_world(request: Any) -> World:
    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    clients = {name: request.getfixturevalue(f"{name}_client") for name in PERSONAS}
    clients["anonymous"] = Client()
    request.getfixturevalue("settings").SIGNUP_DOMAINS = ["example.com"]
    world = World(people, clients)
    # The emails the forms cause are sent once their writes commit.
    with request.getfixturevalue("django_capture_on_commit_callbacks")(execute=True):
        through_every_form(world)
        openers_kept(world)
    return world
