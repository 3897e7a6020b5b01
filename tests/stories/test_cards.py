"""Story cards from the fragment cache: never stale, and never anyone else's controls."""

import logging

import pytest
from django.core.cache.backends.base import BaseCache
from django.test import Client
from django.urls import reverse, set_script_prefix

from insightboard.fragments import fragments_get, fragments_set
from stories import cards, services
from stories.merging.services import story_merge
from stories.models import Sentiment, Story, Visibility
from stories.templatetags.story_cards import link_with_id
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db


def list_page(client: Client) -> str:
    response = client.get(reverse("stories:list"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the stories whose shared card was rendered, not read from the cache."""
    rendered: list[int] = []
    render = cards.shared_card_render

    def counted(story: Story) -> str:
        rendered.append(story.pk)
        return render(story)

    monkeypatch.setattr(cards, "shared_card_render", counted)
    return rendered


def test_it_renders_a_card_once_and_reads_it_from_the_cache_after(alice_client, renders):
    story = StoryFactory(title="The export button is hidden")
    assert "The export button is hidden" in list_page(alice_client)
    assert renders == [story.pk]
    assert "The export button is hidden" in list_page(alice_client)
    assert renders == [story.pk]


def test_it_shares_a_card_between_people(alice_client, bob_client, renders):
    story = StoryFactory()
    list_page(alice_client)
    list_page(bob_client)
    assert renders == [story.pk]


def test_it_shows_an_edit_at_once(alice_client, alice):
    story = StoryFactory(author=alice, title="Refunds take a week", tags=["refunds"])
    assert "Refunds take a week" in list_page(alice_client)
    services.story_update(story=story, tags=["refunds"], title="Refunds take two weeks")
    page = list_page(alice_client)
    assert "Refunds take two weeks" in page
    assert "Refunds take a week" not in page


def test_it_shows_a_change_made_without_saving_the_story(alice_client):
    # A bulk update leaves updated_at as it was: the key names what the card shows instead.
    story = StoryFactory(title="Old words", customer_name="Ines")
    list_page(alice_client)
    Story.objects.filter(pk=story.pk).update(title="New words", customer_name="Jorge")
    page = list_page(alice_client)
    assert "New words" in page
    assert "Jorge" in page
    assert "Old words" not in page


def test_it_shows_a_story_made_private_as_private(bob_client, alice_client, bob):
    story = StoryFactory(author=bob, title="Bob heard this")
    assert 'class="badge private"' not in list_page(bob_client)
    Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)
    assert 'class="badge private"' in list_page(bob_client)
    assert "Bob heard this" not in list_page(alice_client)


def test_it_shows_a_story_made_public_without_its_private_badge(bob_client, bob):
    story = StoryFactory(author=bob, visibility=Visibility.PRIVATE)
    assert 'class="badge private"' in list_page(bob_client)
    services.story_update(story=story, tags=[], visibility=Visibility.COMPANY)
    assert 'class="badge private"' not in list_page(bob_client)


def test_it_counts_a_reaction_at_once(alice_client, bob, hugo):
    story = StoryFactory()
    assert "0 people hear this too" in list_page(alice_client)
    ReactionFactory(story=story, person=bob)
    assert "1 person hears this too" in list_page(alice_client)
    ReactionFactory(story=story, person=hugo)
    assert "2 people hear this too" in list_page(alice_client)


def test_it_shows_new_and_removed_tags_at_once(alice_client):
    story = StoryFactory(tags=["billing"])
    assert "#<bdi>billing</bdi>" in list_page(alice_client)
    # As a merge adds the duplicate's tags: straight into the join table, the story unsaved.
    story.tags.add(*services.tags_for(["checkout"]))
    page = list_page(alice_client)
    assert "#<bdi>checkout</bdi>" in page
    story.tags.remove(*services.tags_for(["billing"]))
    assert "#<bdi>billing</bdi>" not in list_page(alice_client)


def test_it_shows_an_author_renamed(alice_client, bob):
    StoryFactory(author=bob)
    assert "Bob Staff" in list_page(alice_client)
    bob.profile.display_name = "Robert Staff"
    bob.profile.save()
    page = list_page(alice_client)
    assert "Robert Staff" in page
    assert "Bob Staff" not in page


def test_it_drops_a_merged_and_a_deleted_story(ada_client, ada, alice_client):
    kept = StoryFactory(title="Kept story", tags=["kept"])
    duplicate = StoryFactory(title="Duplicate story", tags=["moved"])
    gone = StoryFactory(title="Deleted story")
    page = list_page(alice_client)
    assert "Duplicate story" in page
    assert "Deleted story" in page
    story_merge(source=duplicate, target=kept, merged_by=ada)
    services.story_delete(story=gone)
    page = list_page(alice_client)
    assert "Duplicate story" not in page
    assert "Deleted story" not in page
    assert "#<bdi>moved</bdi>" in page


def test_it_never_shows_one_persons_controls_on_anothers_page(alice_client, bob_client, bob):
    bobs = StoryFactory(author=bob, title="Bob's own")
    liked = StoryFactory(title="Alice hears this")
    ReactionFactory(story=liked, person=bob)
    # Bob's page first, so that Alice's is served from what his request cached.
    bob_page = list_page(bob_client)
    alice_page = list_page(alice_client)
    assert "Your insight" in bob_page
    assert "✓ You hear this too" in bob_page
    assert "Your insight" not in alice_page
    assert "✓ You hear this too" not in alice_page
    assert alice_page.count("We hear this too") == 2
    assert reverse("stories:hear_too", args=[bobs.pk]) in alice_page
    # And the other way round, from Alice's cached cards.
    assert "Your insight" in list_page(bob_client)


def test_it_shows_the_same_cards_on_home_and_kudos(alice_client, bob):
    StoryFactory(author=bob, title="Thanks to Mia", sentiment=Sentiment.SUCCESS, shout_out_to="Mia")
    for url in (reverse("home"), reverse("stories:kudos")):
        content = alice_client.get(url).content.decode()
        assert "Thanks to Mia" in content
        assert "We hear this too" in content


def test_it_links_each_card_as_reversing_its_url_would():
    for story_id in (1, 42, 918273645, 10**12):
        assert link_with_id(story_id, "stories:hear_too") == reverse(
            "stories:hear_too", args=[story_id]
        )
    set_script_prefix("/board/")
    try:
        assert link_with_id(7, "stories:hear_too") == "/board/stories/7/hear-too/"
    finally:
        set_script_prefix("/")


class UnreachableCache(BaseCache):
    """Redis down, or slower than the cache's timeout: every call fails."""

    def __init__(self, location: str, params: dict[str, object]) -> None:
        super().__init__(params)

    def get_many(self, keys: object, version: int | None = None) -> dict[str, object]:
        raise ConnectionError("Redis is down")

    def set_many(self, data: object, timeout: object = None, version: int | None = None) -> list:
        raise TimeoutError("Redis did not answer in time")


@pytest.fixture
def unreachable_cache(settings) -> None:
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}


def test_it_treats_a_cache_that_fails_as_a_miss(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="insightboard.fragments"):
        assert fragments_get(["story-card:x"]) == {}
        fragments_set({"story-card:x": "<p>card</p>"})
    assert [record.getMessage() for record in caplog.records] == [
        "The fragment cache could not be read: rendering afresh.",
        "The fragment cache could not be written.",
    ]


def test_it_serves_the_list_when_the_cache_fails(unreachable_cache, alice_client, renders):
    story = StoryFactory(title="Still here without Redis")
    assert "Still here without Redis" in list_page(alice_client)
    assert "Still here without Redis" in list_page(alice_client)
    assert renders == [story.pk, story.pk]
