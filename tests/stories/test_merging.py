"""An admin merges a duplicate into the story kept (reactions once per person, tags united) and can
undo it exactly; merged stories leave every list."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings.openers import fresh_stories
from stories.merging.services import MergeRefused, story_merge, story_unmerge
from stories.models import Reaction, Story, StoryMerge, Visibility
from stories.selectors import similar_stories
from tests.factories import PersonFactory, ReactionFactory, StoryFactory, TagFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def reactors(story: Story) -> list[str]:
    return sorted(story.reactions.values_list("person__username", flat=True))


def tag_names(story: Story) -> list[str]:
    return sorted(story.tags.values_list("name", flat=True))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def pair(alice, bob, hugo, lena):
    """A duplicate heard by bob and hugo, and the story kept, heard by hugo and lena."""
    source = StoryFactory(author=alice, title="Refunds take weeks", tags=["refunds", "speed"])
    target = StoryFactory(author=bob, title="Refunds are slow", tags=["speed", "billing"])
    for person in (bob, hugo):
        ReactionFactory(story=source, person=person)
    for person in (hugo, lena):
        ReactionFactory(story=target, person=person)
    return source, target


# --- Merge and undo ------------------------------------------------------------------------------


def test_it_counts_each_person_once_and_unites_the_tags(ada, pair):
    source, target = pair

    merge = story_merge(source=source, target=target, merged_by=ada)

    source.refresh_from_db()
    assert source.merged_into == target
    assert reactors(target) == ["bob@example.com", "hugo@example.com", "lena@example.com"]
    assert tag_names(target) == ["billing", "refunds", "speed"]
    assert merge.moved_reaction_ids == [Reaction.objects.get(person__username="bob@example.com").pk]
    assert merge.added_tag_ids == [TagFactory(name="refunds").pk]
    assert merge.merged_by == ada
    assert merge.undone_at is None


def test_it_undoes_a_merge_exactly(ada, pair):
    source, target = pair
    before = {
        story.pk: (
            reactors(story),
            tag_names(story),
            sorted(story.reactions.values_list("pk", flat=True)),
        )
        for story in pair
    }

    merge = story_unmerge(merge=story_merge(source=source, target=target, merged_by=ada))

    after = {
        story.pk: (
            reactors(story),
            tag_names(story),
            sorted(story.reactions.values_list("pk", flat=True)),
        )
        for story in pair
    }
    assert after == before
    source.refresh_from_db()
    assert source.merged_into is None
    assert merge.undone_at is not None
    assert StoryMerge.objects.get().undone_at == merge.undone_at


def test_it_can_merge_again_after_an_undo(ada, pair):
    source, target = pair
    story_unmerge(merge=story_merge(source=source, target=target, merged_by=ada))

    story_merge(source=source, target=target, merged_by=ada)

    assert reactors(target) == ["bob@example.com", "hugo@example.com", "lena@example.com"]
    assert StoryMerge.objects.filter(undone_at=None).count() == 1


def test_it_writes_nothing_when_any_step_fails(ada, pair, monkeypatch):
    source, target = pair

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(StoryMerge.objects, "create", broken)
    with pytest.raises(RuntimeError):
        story_merge(source=source, target=target, merged_by=ada)

    source.refresh_from_db()
    assert source.merged_into is None
    assert reactors(source) == ["bob@example.com", "hugo@example.com"]
    assert reactors(target) == ["hugo@example.com", "lena@example.com"]
    assert tag_names(target) == ["billing", "speed"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "A story cannot be merged into itself"),
        ("twice", "is already merged into"),
        ("target merged", "is itself merged into"),
        ("chain", "Other stories are merged into"),
        ("private target", "is private"),
    ],
)
def test_it_refuses_muddled_merges_with_a_clear_message(ada, alice, case, message):
    source = StoryFactory(author=alice)
    target = StoryFactory(author=alice)
    elsewhere = StoryFactory(author=alice)
    if case == "itself":
        target = source
    elif case == "twice":
        story_merge(source=source, target=target, merged_by=ada)
    elif case == "target merged":
        story_merge(source=target, target=elsewhere, merged_by=ada)
    elif case == "chain":
        story_merge(source=elsewhere, target=source, merged_by=ada)
    else:
        target.visibility = Visibility.PRIVATE
        target.save()
    merges = StoryMerge.objects.count()

    with pytest.raises(MergeRefused, match=message):
        story_merge(source=source, target=target, merged_by=ada)

    assert StoryMerge.objects.count() == merges


def test_it_refuses_to_undo_a_merge_twice(ada, pair):
    source, target = pair
    merge = story_unmerge(merge=story_merge(source=source, target=target, merged_by=ada))

    with pytest.raises(MergeRefused, match="already undone"):
        story_unmerge(merge=merge)

    assert reactors(source) == ["bob@example.com", "hugo@example.com"]


# --- Merged stories leave every list -------------------------------------------------------------


def test_it_hides_a_merged_story_from_lists_search_home_suggestions_and_openers(
    ada, alice_client, pair
):
    source, target = pair
    story_merge(source=source, target=target, merged_by=ada)
    meeting = MeetingFactory()

    assert source.title not in alice_client.get(reverse("stories:list")).text
    assert source.title not in alice_client.get(reverse("stories:list"), {"q": "weeks"}).text
    assert source.title not in alice_client.get(reverse("home")).text
    assert list(similar_stories("refunds take weeks")) == [target]
    assert list(fresh_stories(meeting, skip=[])) == [target]
    assert list(Story.objects.visible_to(ada)) == [target]


def test_it_leads_from_a_merged_story_to_the_one_kept(ada, alice_client, pair):
    source, target = pair
    story_merge(source=source, target=target, merged_by=ada)

    response = alice_client.get(source.get_absolute_url(), follow=True)

    assert response.redirect_chain == [(target.get_absolute_url(), 302)]
    assert "That story was merged into this one" in response.text
    assert "3 people hear this too" in response.text


# --- The merge page ------------------------------------------------------------------------------


def test_it_previews_what_a_merge_will_do(ada_client, pair):
    source, target = pair

    response = ada_client.get(reverse("stories:merge"), {"source": source.pk, "target": target.pk})

    text = response.text
    assert response.status_code == 200
    assert f"#{source.pk} leaves lists, search, suggestions and meeting openers" in text
    assert "1 “we hear this too” moves" in text
    assert "1 person already hears" in text
    assert "will show 3 people hear this too (now 2)" in text
    assert "Tags added to" in text
    assert "#refunds" in text
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
        ({"source": "abc"}, "Enter a whole number."),
        ({"source": 2**63}, "less than or equal to"),
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
