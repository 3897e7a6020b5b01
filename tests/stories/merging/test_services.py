"""An admin merges a duplicate into the story kept (reactions once per person, tags united) and can
undo it exactly; merged stories leave every list."""

import pytest
from django.urls import reverse

from insightboard.planner_statistics import ANALYSE_AFTER_ROWS
from meetings.openers import fresh_stories
from stories.merging.services import MergeRefused, story_merge, story_unmerge
from stories.models import Reaction, Story, StoryMerge, Visibility
from stories.selectors import similar_stories
from tests.meetings.factories import MeetingFactory
from tests.planner_statistics import analysed_tables
from tests.stories.factories import ReactionFactory, StoryFactory, TagFactory
from tests.stories.merging.outcome import reactors, tag_names

pytestmark = pytest.mark.django_db


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
    # Hugo and Lena; Bob's reaction moved with the duplicate, but the kept story is his own.
    assert "2 people hear this too" in response.text


# --- Planner statistics ---------------------------------------------------------------------------


def test_it_analyses_the_reactions_after_moving_many_of_them(ada, alice, bob):
    source = StoryFactory(author=alice, title="Refunds take weeks")
    target = StoryFactory(author=bob, title="Refunds are slow")
    # Enough to count against the reactions table as it stands, these included.
    ReactionFactory.create_batch(ANALYSE_AFTER_ROWS + 10, story=source)

    with analysed_tables(Reaction) as analysed:
        merge = story_merge(source=source, target=target, merged_by=ada)
    assert "stories_reaction" in analysed

    with analysed_tables(Reaction) as analysed:
        story_unmerge(merge=merge)
    assert "stories_reaction" in analysed


def test_it_leaves_a_merge_of_a_few_reactions_to_autovacuum(ada, pair):
    source, target = pair
    with analysed_tables(Reaction) as analysed:
        story_merge(source=source, target=target, merged_by=ada)
    assert "stories_reaction" not in analysed
