"""What a merge would do, and why two stories cannot be merged: worked out before any write."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from stories.models import Reaction, Story, StoryMerge, Tag, Visibility

RECENT_MERGES = 20


def merge_problem(*, source: Story, target: Story) -> str | None:
    """Why these two cannot be merged, in words for the admin; None when they can."""
    if source.pk == target.pk:
        return "A story cannot be merged into itself: choose two different stories."
    if source.merged_into_id == target.pk:
        return f"Story #{source.pk} is already merged into #{target.pk}."
    if source.merged_into_id is not None:
        return (
            f"Story #{source.pk} is already merged into #{source.merged_into_id}: "
            "undo that merge first."
        )
    if target.merged_into_id is not None:
        return (
            f"Story #{target.pk} is itself merged into #{target.merged_into_id}: "
            f"merge into #{target.merged_into_id} instead."
        )
    # A chain of merges could not be undone one link at a time and come back exactly.
    if Story.objects.filter(merged_into=source).exists():
        return (
            f"Other stories are merged into #{source.pk}: undo those merges first, "
            f"or merge them into #{target.pk} directly."
        )
    if target.visibility == Visibility.PRIVATE and source.visibility == Visibility.COMPANY:
        return (
            f"Story #{target.pk} is private: merging a company-wide story into it would hide "
            "it from everyone else. Keep the company-wide one instead."
        )
    return None


@dataclass(frozen=True)
class MergePlan:
    """What merging would do, worked out before anything is written (and shown as a preview)."""

    source: Story
    target: Story
    moving_reaction_ids: list[int]
    # The duplicate's reactions from people who already hear the kept story: counted once.
    already_hearing: int
    target_hear_too: int
    new_tags: list[Tag]
    hear_too_after: int


def merge_plan(*, source: Story, target: Story) -> MergePlan:
    hears_target = Reaction.objects.filter(story=target, person=OuterRef("person"))
    reactions = list(
        Reaction.objects.filter(story=source)
        .annotate(hears_target=Exists(hears_target))
        .order_by("pk")
        .values_list("pk", "hears_target", "person")
    )
    moving = [(pk, person) for pk, hears, person in reactions if not hears]
    target_hear_too = Reaction.objects.counted().filter(story=target).count()
    return MergePlan(
        source=source,
        target=target,
        moving_reaction_ids=[pk for pk, _ in moving],
        already_hearing=sum(1 for _, hears, _ in reactions if hears),
        target_hear_too=target_hear_too,
        # The kept story's author moves with the others, but never hears their own story too.
        hear_too_after=target_hear_too
        + sum(1 for _, person in moving if person != target.author_id),
        new_tags=list(source.tags.exclude(pk__in=target.tags.values("pk")).order_by("name")),
    )


def recent_merges() -> list[StoryMerge]:
    return list(
        StoryMerge.objects.select_related("source", "target", "merged_by__profile").order_by(
            "-merged_at", "-pk"
        )[:RECENT_MERGES]
    )
