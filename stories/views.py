from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from insightboard.htmx import HtmxHttpRequest
from insightboard.people.roles import signed_in
from stories import services
from stories.forms import QuickStoryForm, StoryFilterForm, StoryForm
from stories.models import Story, StoryQuerySet, Tag
from stories.selectors import reacted_story_ids

PAGE_SIZE = 25
TAG_SUGGESTIONS = 8


def visible_story(request: HttpRequest, story_id: int) -> Story:
    """The story if this person may see it; 404 otherwise, so private stories stay unknown."""
    return get_object_or_404(Story.objects.visible_to(request.user), pk=story_id)


def editable_story(request: HttpRequest, story_id: int) -> Story:
    story = visible_story(request, story_id)
    if not story.can_edit(request.user):
        raise Http404("Only the author or an admin can change this story.")
    return story


def filtered_stories(request: HttpRequest, filters: dict[str, Any]) -> StoryQuerySet:
    stories = Story.objects.visible_to(request.user)
    lookups = {
        "kind": "kind",
        "sentiment": "sentiment",
        "channel": "channel",
        "tag": "tags__name",
        "author": "author_id",
        "since": "happened_on__gte",
        "until": "happened_on__lte",
    }
    stories = stories.filter(
        **{lookups[name]: value for name, value in filters.items() if name in lookups}
    )
    if filters.get("q"):
        stories = stories.matching(filters["q"])
    return stories


@require_GET
@vary_on_headers("HX-Request")
def story_list(request: HtmxHttpRequest) -> HttpResponse:
    form = StoryFilterForm(request.GET)
    form.is_valid()  # Invalid filters (a forged kind, a bad date) are shown and left out.
    filters = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
    page = filters.pop("page", 1)
    offset = (page - 1) * PAGE_SIZE
    # One row more than a page says whether there is a next page, without a COUNT over the table.
    rows = list(filtered_stories(request, filters).for_listing()[offset : offset + PAGE_SIZE + 1])
    stories = rows[:PAGE_SIZE]
    filter_author = None
    if "author" in filters:
        filter_author = (
            get_user_model().objects.select_related("profile").filter(pk=filters["author"]).first()
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "stories": stories,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(),
        "filter_author": filter_author,
        "reacted": reacted_story_ids(signed_in(request), stories),
    }
    template = "stories/story_list.html#results" if request.htmx else "stories/story_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def story_create(request: HtmxHttpRequest) -> HttpResponse:
    """The full form, and the quick-capture form in every page's header, both post here."""
    quick = request.method == "POST" and f"{QuickStoryForm.prefix}-title" in request.POST
    form: StoryForm | QuickStoryForm
    if request.method == "POST":
        form = QuickStoryForm(request.POST) if quick else StoryForm(request.POST)
        if form.is_valid():
            story = services.story_create(author=signed_in(request), **form.cleaned_data)
            if request.htmx:
                return render(
                    request,
                    "includes/quick_capture.html#logged",
                    {"story": story, "quick_form": QuickStoryForm()},
                )
            messages.success(request, "Logged. Thank you for bringing the customer in.")
            return redirect(story)
        if request.htmx and quick:
            return render(request, "includes/quick_capture.html#form", {"quick_form": form})
    else:
        form = StoryForm()
    return render(request, "stories/story_form.html", {"form": form, "quick": quick})


@require_GET
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    # An empathy exercise's answers and a leader's report come in the same query as the story.
    stories = (
        Story.objects.visible_to(request.user, include_merged=True)
        .for_listing()
        .select_related("empathy", "report__action_owner__profile")
    )
    story = get_object_or_404(stories, pk=story_id)
    if story.merged_into_id is not None:
        # Old links to a duplicate still lead somewhere: to the story it was merged into.
        messages.info(
            request, "That story was merged into this one: its reactions and tags are here now."
        )
        return redirect("stories:detail", story.merged_into_id)
    context = {
        "story": story,
        "reacted": reacted_story_ids(signed_in(request), [story]),
        "can_edit": story.can_edit(request.user),
    }
    return render(request, "stories/story_detail.html", context)


@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    story = editable_story(request, story_id)
    form = StoryForm(request.POST or None, instance=story)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        services.story_update(story=story, tags=fields.pop("tags"), **fields)
        messages.success(request, "Saved your changes.")
        return redirect(story)
    return render(request, "stories/story_form.html", {"form": form, "story": story})


@require_http_methods(["GET", "POST"])
def story_delete(request: HttpRequest, story_id: int) -> HttpResponse:
    story = editable_story(request, story_id)
    if request.method == "POST":
        story.delete()
        messages.success(request, f"Deleted “{story.title[:60]}”.")
        return redirect("stories:list")
    return render(request, "stories/story_confirm_delete.html", {"story": story})


@require_POST
@vary_on_headers("HX-Request")
def story_hear_too(request: HtmxHttpRequest, story_id: int) -> HttpResponse:
    story = visible_story(request, story_id)
    hears = services.story_toggle_hear_too(story=story, person=signed_in(request))
    if not request.htmx:
        messages.success(
            request,
            "Noted: you hear this too." if hears else "Taken back: you no longer hear this.",
        )
        return redirect(story)
    story.hear_too = story.reactions.count()  # type: ignore[attr-defined]
    return HttpResponse(
        render_to_string(
            "includes/hear_too.html",
            {"story": story, "reacted": {story.pk} if hears else set()},
            request=request,
        )
    )


@require_GET
def tag_suggestions(request: HttpRequest) -> HttpResponse:
    """<option>s completing the last tag typed in a comma-separated tags input."""
    # PostgreSQL refuses NUL characters in a query, so a forged one must not reach it.
    typed = str(next(iter(request.GET.values()), ""))[:500].replace("\x00", "")
    done, _, last = typed.rpartition(",")
    prefix = f"{done.strip()}, " if done.strip() else ""
    names: list[str] = []
    if last.strip():
        names = list(
            Tag.objects.filter(name__startswith=last.strip().lower()).values_list(
                "name", flat=True
            )[:TAG_SUGGESTIONS]
        )
    return render(request, "stories/tag_suggestions.html", {"prefix": prefix, "names": names})
