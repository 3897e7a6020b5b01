"""Who sees what: private stories stay unknown, and only authors and admins change stories."""

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import Story, Visibility
from tests.conftest import persona_client
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

OUTSIDERS = ["bob", "hugo", "lena"]


# --- Private stories ---------------------------------------------------------------------------


@pytest.fixture
def private_story(alice):
    return StoryFactory(
        author=alice,
        title="Private: the onboarding call went badly",
        body="Nobody else should read about zebrafish.",
        visibility=Visibility.PRIVATE,
    )


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_hides_a_private_story_from_everyone_but_its_author_and_admins(
    request, persona, private_story
):
    client = persona_client(request, persona)
    pk = private_story.pk

    assert private_story.title not in client.get(reverse("stories:list")).text
    assert private_story.title not in client.get(reverse("stories:list"), {"q": "onboarding"}).text
    assert private_story.title not in client.get(reverse("stories:list"), {"q": "zebrafish"}).text
    assert private_story.title not in client.get(reverse("home")).text
    assert client.get(reverse("stories:detail", args=[pk])).status_code == 404
    assert client.get(reverse("stories:edit", args=[pk])).status_code == 404
    assert client.get(reverse("stories:delete", args=[pk])).status_code == 404
    assert client.post(reverse("stories:delete", args=[pk])).status_code == 404
    assert client.post(reverse("stories:hear_too", args=[pk])).status_code == 404
    assert Story.objects.filter(pk=pk).exists()
    assert not private_story.reactions.exists()


@pytest.mark.parametrize("persona", ["alice", "ada"])
def test_it_shows_a_private_story_to_its_author_and_admins(request, persona, private_story):
    client = persona_client(request, persona)
    pk = private_story.pk

    assert private_story.title in client.get(reverse("stories:list")).text
    assert private_story.title in client.get(reverse("stories:list"), {"q": "zebrafish"}).text
    assert client.get(reverse("stories:detail", args=[pk])).status_code == 200
    assert client.get(reverse("stories:edit", args=[pk])).status_code == 200
    assert client.get(reverse("stories:delete", args=[pk])).status_code == 200
    assert client.post(reverse("stories:hear_too", args=[pk])).status_code == 302
    # An admin may hear it too; its author never counts as hearing their own insight.
    assert private_story.reactions.count() == (0 if persona == "alice" else 1)


def test_it_lets_nobody_signed_out_see_a_private_story(private_story):
    response = Client().get(reverse("stories:detail", args=[private_story.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_to_let_others_edit_or_delete_a_company_story(request, persona, alice):
    story = StoryFactory(author=alice, title="Checkout is slow on Fridays")
    client = persona_client(request, persona)
    edit = reverse("stories:edit", args=[story.pk])
    delete = reverse("stories:delete", args=[story.pk])

    assert client.get(reverse("stories:detail", args=[story.pk])).status_code == 200
    assert client.get(edit).status_code == 403
    response = client.post(
        edit,
        {
            "title": "Defaced",
            "sentiment": "success",
            "channel": "call",
            "happened_on": "2025-01-02",
            "visibility": "company",
        },
    )
    assert response.status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete).status_code == 403
    story.refresh_from_db()
    assert story.title == "Checkout is slow on Fridays"


def test_it_explains_refusals_in_plain_words(bob_client, private_story):
    missing = bob_client.get(reverse("stories:detail", args=[private_story.pk]))
    forbidden = bob_client.get(reverse("invite"))

    assert missing.status_code == 404
    assert "Nothing here" in missing.text
    assert private_story.title not in missing.text
    assert forbidden.status_code == 403
    assert "You cannot do that here" in forbidden.text


def test_it_lets_an_admin_delete_anyones_story(ada_client, alice):
    story = StoryFactory(author=alice)

    response = ada_client.post(reverse("stories:delete", args=[story.pk]))

    assert response.status_code == 302
    assert not Story.objects.filter(pk=story.pk).exists()
