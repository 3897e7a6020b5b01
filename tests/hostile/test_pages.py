"""The corpus through every text field of every form, as the people who use them post it; then
every page shows what was kept as text, and nothing of it runs."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from insightboard.digest.messages import DigestMessage, shared_parts
from insightboard.digest.models import Delivery
from insightboard.digest.services import digest_start_sending
from insightboard.weeks import week_label
from meetings.models import Meeting
from stories.models import Story
from tests.hostile.corpus import STORABLE, unsafe_pages
from tests.hostile.forms import ELSEWHERE, entries, free_text
from tests.hostile.world import World, digest_of_the_week, hostile_world
from tests.test_form_messages import project_forms
from tests.url_walk import project_routes, story_to_walk, url_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(request) -> World:
    return hostile_world(request)


MAIN_PAGES = [
    "home",
    "stories:list",
    "meetings:list",
    "stories:kudos",
    "stories:leaders",
    "digest:archive",
]


def own_pages() -> list[str]:
    """Meetings of a series and one-offs, each page and present mode; two stories of each kind,
    shown and in their form (an empathy story's or a report's edit leads to its own form)."""
    pages = []
    meetings = [
        *Meeting.objects.filter(series__isnull=False).order_by("pk")[:3],
        *Meeting.objects.filter(series__isnull=True).order_by("pk")[:2],
    ]
    for meeting in meetings:
        pages += [
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:present", args=[meeting.pk]),
        ]
    for kind in Story.objects.values_list("kind", flat=True).distinct():
        for story in Story.objects.filter(kind=kind).order_by("pk")[:2]:
            pages += [
                reverse("stories:detail", args=[story.pk]),
                reverse("stories:edit", args=[story.pk]),
            ]
    return pages


def html_of(client, pages: list[str]) -> dict[str, str]:
    answers = {url: client.get(url, follow=True) for url in pages}
    return {
        url: answer.content.decode()
        for url, answer in answers.items()
        if answer.get("Content-Type", "").startswith("text/html")
    }


def test_it_posts_the_corpus_through_every_form_with_free_text(request):
    people = {
        name: request.getfixturevalue(name) for name in ("alice", "bob", "hugo", "lena", "ada")
    }
    posted = {form.__name__ for form in entries(people)}
    with_text = {form.__name__ for form in project_forms() if free_text(form)}
    django_own = {
        form.__name__ for form in project_forms() if form.__module__.startswith("django.")
    }

    assert with_text - posted - ELSEWHERE.keys() - django_own == set()


def test_it_keeps_every_vector_as_text_on_every_page(mailoutbox, world):
    digest = digest_of_the_week()
    story = Story.objects.filter(author=world.people["alice"]).order_by("pk").first()
    assert story is not None
    story_to_walk(world.people["alice"], world.people["bob"])  # a row for every other page
    week = reverse("digest:week", args=[week_label(digest.week)])
    routes = [url_for(route, story) for route in project_routes() if route.name is not None]

    shown = html_of(world.clients["ada"], [week, *routes, *own_pages()])
    for persona in ("alice", "hugo"):
        main = [week, *(reverse(name) for name in MAIN_PAGES), *own_pages()]
        shown |= {
            f"{url} as {persona}": html
            for url, html in html_of(world.clients[persona], main).items()
        }
    # Every email the forms sent (invitations, actions, reports), and the digest.
    digest_start_sending(digest=digest)
    delivery = Delivery.objects.filter(digest=digest, person=world.people["alice"]).get()
    message = DigestMessage.of(delivery, shared_parts(digest, test=False))
    emails = {
        f"email {n}: {email.subject}": str(email.alternatives[0][0])
        for n, email in enumerate(mailoutbox)
    }
    emails["the digest"] = message.html

    assert world.problems == []
    assert unsafe_pages(shown) == {}
    assert unsafe_pages(emails) == {}
    assert len(emails) >= 4
    assert sum(escape(vector) in message.html for vector in STORABLE) >= 10
    # What was kept is there to see: the story list shows the vectors, as text.
    story_list = world.clients["alice"].get(reverse("stories:list")).content.decode()
    assert sum(escape(vector) in story_list for vector in STORABLE) >= len(STORABLE) // 2
