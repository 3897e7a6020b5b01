"""An admin says two stories are the same: the duplicate joins the story kept, and can come back.

A merge writes down exactly what it moved (reactions) and added (tags), so that undoing it takes
back that and nothing else.
"""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from insightboard.planner_statistics import bulk_write_analyse
from stories.merging.selectors import merge_plan, merge_problem
from stories.models import Reaction, Story, StoryMerge


class MergeRefused(Exception):
    """A merge or an undo that would leave the stories in a muddle; the message says why."""


def locked_stories(*ids: int) -> dict[int, Story]:
    # In id order, so that two admins merging the same stories queue instead of deadlocking.
    stories = Story.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {story.pk: story for story in stories}


def story_merge(*, source: Story, target: Story, merged_by: User) -> StoryMerge:
    """Merge the duplicate (source) into the story kept (target), all or nothing."""
    try:
        with transaction.atomic():
            locked = locked_stories(source.pk, target.pk)
            if source.pk not in locked or target.pk not in locked:
                raise MergeRefused("One of these stories has just been deleted.")
            source, target = locked[source.pk], locked[target.pk]
            problem = merge_problem(source=source, target=target)
            if problem:
                raise MergeRefused(problem)
            plan = merge_plan(source=source, target=target)
            Reaction.objects.filter(pk__in=plan.moving_reaction_ids).update(story=target)
            target.tags.add(*plan.new_tags)
            Story.objects.filter(pk=source.pk).update(merged_into=target)
            merge = StoryMerge.objects.create(
                source=source,
                target=target,
                merged_by=merged_by,
                moved_reaction_ids=plan.moving_reaction_ids,
                added_tag_ids=[tag.pk for tag in plan.new_tags],
            )
    except IntegrityError:
        # Someone reacted to the kept story between the plan and the move.
        raise MergeRefused(
            "Someone reacted to one of these stories at that very moment: nothing was merged. "
            "Look at the preview again and confirm."
        ) from None
    # A much-heard duplicate moves thousands of reactions: the "hear this too" counts are
    # planned from statistics that must know where they went.
    bulk_write_analyse({Reaction: len(merge.moved_reaction_ids)})
    return merge


def story_unmerge(*, merge: StoryMerge) -> StoryMerge:
    """Undo a merge: the reactions it moved go back, the tags it added go, the duplicate returns."""
    with transaction.atomic():
        locked = StoryMerge.objects.select_for_update().filter(pk=merge.pk).first()
        if locked is None:
            raise MergeRefused("That merge is gone: one of its stories was deleted.")
        merge = locked
        if merge.undone_at is not None:
            undone_on = dateformat.format(timezone.localtime(merge.undone_at), "j F Y")
            raise MergeRefused(f"That merge was already undone on {undone_on}.")
        locked_stories(merge.source_id, merge.target_id)
        # Nobody can react to a merged story, so these people have no reaction on it to collide.
        on_source = Reaction.objects.filter(story_id=merge.source_id).values("person")
        moved_back = (
            Reaction.objects.filter(pk__in=merge.moved_reaction_ids, story_id=merge.target_id)
            .exclude(person__in=on_source)
            .update(story_id=merge.source_id)
        )
        Story.tags.through.objects.filter(
            story_id=merge.target_id, tag_id__in=merge.added_tag_ids
        ).delete()
        Story.objects.filter(pk=merge.source_id).update(merged_into=None)
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
    bulk_write_analyse({Reaction: moved_back})
    return merge
