"""An admin says two stories are the same: the duplicate joins the story kept, and can come back.

A merge writes down exactly what it moved (reactions) and added (tags), so that undoing it takes
back that and nothing else.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_POST

from insightboard.people.roles import ADMIN_PERMISSION, signed_in
from stories.forms import LARGEST_ID
from stories.models import Reaction, Story, StoryMerge, Tag, Visibility
from stories.similar import SUGGESTIONS, similar_stories

RECENT_MERGES = 20
SEARCH_RESULTS = 10


class MergeRefused(Exception):
    """A merge or an undo that would leave the stories in a muddle; the message says why."""


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

    @property
    def hear_too_after(self) -> int:
        return self.target_hear_too + len(self.moving_reaction_ids)


def merge_plan(*, source: Story, target: Story) -> MergePlan:
    hears_target = Reaction.objects.filter(story=target, person=OuterRef("person"))
    reactions = list(
        Reaction.objects.filter(story=source)
        .annotate(hears_target=Exists(hears_target))
        .order_by("pk")
        .values_list("pk", "hears_target")
    )
    return MergePlan(
        source=source,
        target=target,
        moving_reaction_ids=[pk for pk, hears in reactions if not hears],
        already_hearing=sum(1 for _, hears in reactions if hears),
        target_hear_too=Reaction.objects.filter(story=target).count(),
        new_tags=list(source.tags.exclude(pk__in=target.tags.values("pk")).order_by("name")),
    )


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
            return StoryMerge.objects.create(
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
        Reaction.objects.filter(pk__in=merge.moved_reaction_ids, story_id=merge.target_id).exclude(
            person__in=on_source
        ).update(story_id=merge.source_id)
        Story.tags.through.objects.filter(
            story_id=merge.target_id, tag_id__in=merge.added_tag_ids
        ).delete()
        Story.objects.filter(pk=merge.source_id).update(merged_into=None)
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
    return merge


class MergeForm(forms.Form):
    """Two story numbers: the duplicate and the story to keep; either may be chosen first."""

    source = forms.IntegerField(
        label="Duplicate to merge away",
        required=False,
        min_value=1,
        max_value=LARGEST_ID,
        help_text="Its number, as in the address of its page: /stories/123/.",
    )
    target = forms.IntegerField(
        label="Story to keep",
        required=False,
        min_value=1,
        max_value=LARGEST_ID,
        help_text="The one everyone will see from now on.",
    )

    def story(self, name: str) -> Story | None:
        number = self.cleaned_data.get(name)
        if number is None:
            return None
        story = Story.objects.filter(pk=number).first()
        if story is None:
            self.add_error(name, f"There is no story #{number}. Check the number, or search below.")
        return story

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source, target = self.story("source"), self.story("target")
        cleaned["source_story"], cleaned["target_story"] = source, target
        if source and target:
            problem = merge_problem(source=source, target=target)
            if problem:
                self.add_error(None, problem)
        return cleaned


def merge_page(request: HttpRequest, form: MergeForm) -> HttpResponse:
    source: Story | None = None
    target: Story | None = None
    if form.is_bound and form.is_valid():
        source, target = form.cleaned_data["source_story"], form.cleaned_data["target_story"]
    query = str(request.GET.get("q", "")).replace("\x00", "").strip()[:200]
    context = {
        "form": form,
        "source": source,
        "target": target,
        "plan": merge_plan(source=source, target=target) if source and target else None,
        # With only the duplicate chosen, the stories most like it are the likely ones to keep.
        "likely": (
            list(similar_stories(source.title, exclude=source.pk)[:SUGGESTIONS])
            if source and not target
            else []
        ),
        "query": query,
        "found": (
            list(Story.objects.visible_to(request.user).matching(query)[:SEARCH_RESULTS])
            if query
            else []
        ),
        "merges": StoryMerge.objects.select_related(
            "source", "target", "merged_by__profile"
        ).order_by("-merged_at", "-pk")[:RECENT_MERGES],
    }
    return render(request, "stories/merge.html", context)


@permission_required(ADMIN_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """Choose the duplicate and the story to keep, preview what will happen, then confirm."""
    if request.method == "GET":
        return merge_page(request, MergeForm(request.GET if request.GET.keys() - {"q"} else None))
    form = MergeForm(request.POST)
    if form.is_valid():
        source, target = form.cleaned_data["source_story"], form.cleaned_data["target_story"]
        if not (source and target):
            form.add_error(None, "Choose both stories: the duplicate and the one to keep.")
            return merge_page(request, form)
        try:
            done = story_merge(source=source, target=target, merged_by=signed_in(request))
        except MergeRefused as refused:
            form.add_error(None, str(refused))
            return merge_page(request, form)
        reactions, tags = len(done.moved_reaction_ids), len(done.added_tag_ids)
        messages.success(
            request,
            f"Merged #{done.source_id} into #{done.target_id}: {reactions} "
            f"reaction{pluralize(reactions)} moved and {tags} tag{pluralize(tags)} added. "
            "You can undo it below.",
        )
        return redirect("stories:merge")
    return merge_page(request, form)


@require_POST
@permission_required(ADMIN_PERMISSION, raise_exception=True)
def unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    found = StoryMerge.objects.filter(pk=merge_id).first()
    try:
        if found is None:
            raise MergeRefused("That merge is gone: one of its stories was deleted.")
        undone = story_unmerge(merge=found)
    except MergeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Undone: #{undone.source_id} is back on its own, with its reactions and tags.",
        )
    return redirect("stories:merge")
