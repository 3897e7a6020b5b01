"""The merge page: choose the duplicate and the story to keep, preview, confirm, and undo."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST

from insightboard.people.roles import admin_required, signed_in
from insightboard.submissions.decorators import submitted_once
from stories.merging.forms import MergeForm
from stories.merging.selectors import merge_plan, recent_merges
from stories.merging.services import MergeRefused, story_merge, story_unmerge
from stories.models import Story, StoryMerge
from stories.selectors import StoryFilters, filtered_stories, similar_stories

SEARCH_RESULTS = 10
LIKELY = 5


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
            list(similar_stories(source.title, exclude=source.pk)[:LIKELY])
            if source and not target
            else []
        ),
        "query": query,
        "found": (
            list(
                filtered_stories(request.user, StoryFilters(words=query), best_match_first=True)[
                    :SEARCH_RESULTS
                ]
            )
            if query
            else []
        ),
        "merges": recent_merges(),
    }
    return render(request, "stories/merge.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
@submitted_once
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
@admin_required
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
