"""Nobody hears their own insight too: saying so is refused kindly, the button is not offered to
the author, and a reaction of theirs already stored (from before, or carried over by a merge)
counts nowhere a count is shown or ranked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stories import selectors
from stories.merging.selectors import merge_plan
from stories.models import Reaction, Story
from stories.services import OwnStoryError, hear_too_add, hear_too_toggle
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db

OWN_STORY = "This is your own insight"


@pytest.fixture
def story(alice):
    return StoryFactory(author=alice, title="Refunds take two weeks")


@pytest.fixture
def heard_by_author_and_bob(story, alice, bob):
    """Alice's story, with her own reaction (stored before it was refused) and Bob's."""
    ReactionFactory(story=story, person=alice)
    ReactionFactory(story=story, person=bob)
    return story


# --- Saying it ----------------------------------------------------------------------------------


def test_it_refuses_the_author_hearing_their_own_story(story, alice):
    with pytest.raises(OwnStoryError, match=OWN_STORY):
        hear_too_add(story=story, person=alice)
    with pytest.raises(OwnStoryError, match=OWN_STORY):
        hear_too_toggle(story=story, person=alice)

    assert not Reaction.objects.exists()


def test_it_still_records_a_colleague_hearing_it(story, bob):
    assert hear_too_add(story=story, person=bob) is True
    assert hear_too_toggle(story=story, person=bob) is False
    assert hear_too_toggle(story=story, person=bob) is True


def test_it_tells_the_author_kindly_on_the_page(story, alice_client):
    response = alice_client.post(reverse("stories:hear_too", args=[story.pk]), follow=True)

    assert response.status_code == 200
    assert OWN_STORY in response.text
    assert "Noted" not in response.text
    assert not Reaction.objects.exists()


def test_it_tells_the_author_kindly_in_the_htmx_swap(story, alice_client):
    response = alice_client.post(
        reverse("stories:hear_too", args=[story.pk]), {"hears": "yes"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert OWN_STORY in response.text
    assert "<button" not in response.text
    assert not Reaction.objects.exists()


def test_it_refuses_this_is_the_same_as_on_ones_own_story(story, alice_client):
    response = alice_client.post(reverse("stories:same_as", args=[story.pk]), follow=True)
    assert OWN_STORY in response.text

    quick = alice_client.post(
        reverse("stories:same_as", args=[story.pk]),
        {"quick-title": "Refunds are slow"},
        HTTP_HX_REQUEST="true",
    )
    assert OWN_STORY in quick.text
    assert "Noted" not in quick.text
    assert "Refunds are slow" in quick.text  # what they typed is kept
    assert not Reaction.objects.exists()


def test_it_offers_the_button_to_colleagues_only(story, alice_client, bob_client):
    own = alice_client.get(reverse("stories:detail", args=[story.pk])).text
    theirs = bob_client.get(reverse("stories:detail", args=[story.pk])).text

    assert "We hear this too</button>" not in own
    assert "Your insight" in own
    assert "We hear this too</button>" in theirs
    listed = alice_client.get(reverse("stories:list")).text
    assert "We hear this too</button>" not in listed


def test_it_offers_this_is_the_same_as_for_colleagues_stories_only(
    story, bob, alice_client, bob_client
):
    StoryFactory(author=bob, title="Refunds take two weeks, again")
    url = reverse("stories:similar")

    own = alice_client.get(url, {"title": "Refunds take two weeks"}).text
    theirs = bob_client.get(url, {"title": "Refunds take two weeks"}).text

    assert own.count("This is the same as</button>") == 1  # Bob's story, not her own
    assert "You logged this one" in own
    assert theirs.count("This is the same as</button>") == 1  # Alice's story, not his own


# --- Counting it --------------------------------------------------------------------------------


def test_it_leaves_the_authors_own_reaction_out_of_every_count(
    heard_by_author_and_bob, alice_client, bob_client
):
    story = heard_by_author_and_bob

    assert Story.objects.with_hear_too_count().get(pk=story.pk).hear_too == 1  # type: ignore[attr-defined]
    assert "1 person hears this too" in bob_client.get(story.get_absolute_url()).text
    assert "1 person hears this too" in bob_client.get(reverse("stories:list")).text
    swapped = bob_client.post(
        reverse("stories:hear_too", args=[story.pk]), {"hears": "no"}, HTTP_HX_REQUEST="true"
    )
    assert "0 people hear this too" in swapped.text
    listed = bob_client.get(reverse("api:story_list")).json()
    assert [item["hear_too"] for item in listed["items"]] == [0]


def test_it_leaves_the_authors_own_reaction_out_of_the_digest(heard_by_author_and_bob, alice):
    story = heard_by_author_and_bob
    own_only = StoryFactory(author=alice, title="Only Alice says so")
    ReactionFactory(story=own_only, person=alice)
    start = timezone.now() - datetime.timedelta(days=1)
    end = timezone.now() + datetime.timedelta(days=1)

    assert selectors.heard_in(start, end) == {story.pk}
    heard = selectors.with_hearing_until(Story.objects.all(), end)
    assert {row.pk: row.heard_by for row in heard} == {story.pk: 1, own_only.pk: 0}  # type: ignore[attr-defined]
    assert list(selectors.heard_at_latest([own_only.pk], end)) == []
    assert selectors.hearing_teams([story.pk, own_only.pk], end) == {story.pk: 1}


def test_a_merge_does_not_carry_the_kept_storys_author_onto_it(story, alice, bob, lena):
    duplicate = StoryFactory(author=bob, title="Refunds are slow")
    ReactionFactory(story=duplicate, person=alice)  # Alice heard Bob's duplicate of her story
    ReactionFactory(story=duplicate, person=lena)
    ReactionFactory(story=story, person=bob)

    plan = merge_plan(source=duplicate, target=story)

    assert plan.target_hear_too == 1
    assert plan.hear_too_after == 2  # Bob and Lena: Alice's own story does not count her
