"""The merge page: an admin previews a merge, confirms it and can undo it; nobody else can."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.merging.services import story_merge
from stories.models import Story, StoryMerge
from tests.people.factories import PersonFactory
from tests.stories.factories import ReactionFactory, StoryFactory
from tests.stories.merging.outcome import messages_of, reactors

pytestmark = pytest.mark.django_db


# --- The merge page ------------------------------------------------------------------------------


def test_it_previews_what_a_merge_will_do(ada_client, pair):
    source, target = pair

    response = ada_client.get(reverse("stories:merge"), {"source": source.pk, "target": target.pk})

    text = response.text
    assert response.status_code == 200
    assert f"#{source.pk} leaves lists, search, suggestions and meeting openers" in text
    assert "1 “we hear this too” moves" in text
    assert "1 person already hears" in text
    # Bob's reaction moves, but #target is his own story: he never counts as hearing it too.
    assert "will show 2 people hear this too (now 2)" in text
    assert "Tags added to" in text
    assert "#<bdi>refunds</bdi>" in text
    assert f"Merge #{source.pk} into #{target.pk}" in text
    assert source.merged_into is None
    assert not StoryMerge.objects.exists()


def test_it_merges_on_confirmation_and_offers_the_undo(ada_client, pair):
    source, target = pair

    response = ada_client.post(
        reverse("stories:merge"), {"source": source.pk, "target": target.pk}, follow=True
    )

    merge = StoryMerge.objects.get()
    assert response.redirect_chain == [(reverse("stories:merge"), 302)]
    assert f"Merged #{source.pk} into #{target.pk}: 1 reaction moved and 1 tag added." in (
        response.text
    )
    assert reverse("stories:unmerge", args=[merge.pk]) in response.text
    assert Story.objects.get(pk=source.pk).merged_into == target


def test_it_undoes_from_the_merge_page(ada, ada_client, pair):
    source, target = pair
    merge = story_merge(source=source, target=target, merged_by=ada)

    response = ada_client.post(reverse("stories:unmerge", args=[merge.pk]), follow=True)

    assert f"Undone: #{source.pk} is back on its own" in response.text
    assert "Undone on" in response.text
    assert reactors(source) == ["bob@example.com", "hugo@example.com"]
    again = ada_client.post(reverse("stories:unmerge", args=[merge.pk]))
    assert messages_of(again)[-1].startswith("That merge was already undone on")


def test_it_suggests_the_likely_story_to_keep(ada_client, pair):
    source, target = pair

    response = ada_client.get(reverse("stories:merge"), {"source": source.pk})

    assert [story.pk for story in response.context["likely"]] == [target.pk]
    assert f"source={source.pk}&amp;target={target.pk}" in response.text


def test_it_finds_stories_to_merge_by_their_words(ada_client, pair):
    source, target = pair

    response = ada_client.get(reverse("stories:merge"), {"q": "refunds", "target": target.pk})

    assert {story.pk for story in response.context["found"]} == {source.pk, target.pk}
    assert f"q=refunds&amp;target={target.pk}&amp;source={source.pk}" in response.text
    assert "Please fix" not in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": 999_999, "target": 1}, "There is no story #999999."),
        ({"source": "abc"}, "Enter a whole number, such as 12."),
        ({"source": 2**63}, "or less."),
    ],
)
def test_it_explains_a_wrong_story_number(ada_client, data, message):
    response = ada_client.get(reverse("stories:merge"), data)

    assert response.status_code == 200
    assert message in response.text
    assert response.context["plan"] is None


def test_it_explains_a_refused_merge_and_keeps_the_choice(ada_client, pair):
    source, _ = pair

    response = ada_client.post(reverse("stories:merge"), {"source": source.pk, "target": source.pk})

    assert "A story cannot be merged into itself" in response.text
    assert f'value="{source.pk}"' in response.text
    assert not StoryMerge.objects.exists()


def test_it_asks_for_both_stories(ada_client, pair):
    source, _ = pair

    response = ada_client.post(reverse("stories:merge"), {"source": source.pk})

    assert "Choose both stories" in response.text
    assert not StoryMerge.objects.exists()


def test_it_says_what_to_do_when_nothing_was_merged_yet(ada_client):
    response = ada_client.get(reverse("stories:merge"))

    assert "No merges yet" in response.text
    assert "Please fix" not in response.text


def test_it_links_a_story_to_the_merge_page_for_admins_only(ada_client, alice_client, pair):
    source, _ = pair
    link = f"{reverse('stories:merge')}?source={source.pk}"

    assert link in ada_client.get(source.get_absolute_url()).text
    assert link not in alice_client.get(source.get_absolute_url()).text


@pytest.mark.parametrize("persona", ["alice", "bob", "hugo", "lena"])
def test_it_lets_only_admins_merge_and_undo(request, persona, ada, pair):
    source, target = pair
    merge = story_merge(source=source, target=target, merged_by=ada)
    other = StoryFactory()
    client = request.getfixturevalue(f"{persona}_client")

    assert client.get(reverse("stories:merge")).status_code == 403
    forged = client.post(reverse("stories:merge"), {"source": other.pk, "target": target.pk})
    undo = client.post(reverse("stories:unmerge", args=[merge.pk]))

    assert forged.status_code == 403
    assert undo.status_code == 403
    assert StoryMerge.objects.get().undone_at is None
    assert Story.objects.get(pk=other.pk).merged_into is None


@pytest.mark.parametrize("count", [1, 50])
def test_it_shows_the_merge_page_in_constant_queries(
    ada, ada_client, django_assert_num_queries, count
):
    for _ in range(count):
        author = PersonFactory()
        StoryMerge.objects.create(
            source=StoryFactory(author=author),
            target=StoryFactory(author=author),
            merged_by=PersonFactory(),
            undone_at=timezone.now(),
        )

    # Session, person (a superuser: no permission reads), the merges with their stories and
    # who merged them, and her profile for the header.
    with django_assert_num_queries(4):
        response = ada_client.get(reverse("stories:merge"))

    assert len(response.context["merges"]) == min(count, 20)


@pytest.mark.parametrize("count", [1, 50])
def test_it_previews_in_constant_queries(ada, ada_client, django_assert_num_queries, count):
    source = StoryFactory(tags=["refunds", "speed"])
    target = StoryFactory()
    for _ in range(count):
        ReactionFactory(story=source)
        ReactionFactory(story=target)

    # Session, person, the two stories, the chain check, the plan's three reads (reactions,
    # the kept story's count, new tags), the recent merges and her profile.
    with django_assert_num_queries(10):
        response = ada_client.get(
            reverse("stories:merge"), {"source": source.pk, "target": target.pk}
        )

    assert response.context["plan"].hear_too_after == 2 * count
