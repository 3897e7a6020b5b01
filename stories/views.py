"""Insights: the list and its filters, logging one (full form or quick capture), a story's page,
editing, deleting, "we hear this too", the similar stories beneath the form, and the kudos wall."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from insightboard.htmx import HtmxHttpRequest
from insightboard.paging import page_number, page_of, tally
from insightboard.people.roles import signed_in
from insightboard.submissions.decorators import mark_saved, submitted_once
from stories import services
from stories.cards import card_rows, story_cards_ready
from stories.forms import QuickStoryForm, StoryFilterForm, StoryForm
from stories.models import EmpathyAnswers, ExecutiveReport, Kind, Story, Tag
from stories.selectors import (
    filtered_stories,
    kudos_stories,
    reacted_story_ids,
    similar_stories,
    story_authors,
    story_delete_effects,
    story_for_reading,
)

PAGE_SIZE = 25
# The list says how many insights match, counting no further than this.
COUNT_CAP = 1000
KUDOS_PAGE_SIZE = 20
TAG_SUGGESTIONS = 8
SUGGESTIONS = 5


def visible_story(request: HttpRequest, story_id: int) -> Story:
    """The story if this person may see it; 404 otherwise, so private stories stay unknown."""
    return get_object_or_404(Story.objects.visible_to(request.user), pk=story_id)


def editable_story(request: HttpRequest, story_id: int) -> Story:
    story = visible_story(request, story_id)
    if not story.can_edit(request.user):
        raise PermissionDenied("Only the author or an admin can change this story.")
    return story


@require_GET
@vary_on_headers("HX-Request")
def story_list(request: HtmxHttpRequest) -> HttpResponse:
    form = StoryFilterForm(request.GET)
    filters = form.story_filters()
    matching = filtered_stories(request.user, filters, best_match_first=True)
    page = page_of(card_rows(matching), number=page_number(request), size=PAGE_SIZE)
    # The htmx swap redraws only the results, not the filters with their list of authors.
    authors = [] if request.htmx else story_authors(signed_in(request))
    form.offer_authors(authors, you=signed_in(request))
    filter_author = next((person for person in authors if person.pk == filters.author), None)
    if filters.author and filter_author is None:
        filter_author = (
            get_user_model().objects.select_related("profile").filter(pk=filters.author).first()
        )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "found": tally(matching, cap=COUNT_CAP),
        "filter_author": filter_author,
        "reacted": reacted_story_ids(signed_in(request), page.rows),
    }
    story_cards_ready(page.rows)
    template = "stories/story_list.html#results" if request.htmx else "stories/story_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@submitted_once
def story_create(request: HtmxHttpRequest) -> HttpResponse:
    """The full form, and the quick-capture form in every page's header, both post here."""
    quick = request.method == "POST" and f"{QuickStoryForm.prefix}-title" in request.POST
    form: StoryForm | QuickStoryForm
    if request.method == "POST":
        form = QuickStoryForm(request.POST) if quick else StoryForm(request.POST)
        if form.is_valid():
            story = services.story_create(author=signed_in(request), **form.cleaned_data)
            if request.htmx:
                logged = render(
                    request,
                    "includes/quick_capture.html#logged",
                    {"story": story, "quick_form": QuickStoryForm()},
                )
                # The insights list behind the dialog, if that is the page, shows it at once.
                trigger_client_event(logged, "insight-logged")
                return mark_saved(logged, url=story.get_absolute_url())
            messages.success(request, "Logged. Thank you for bringing the customer in.")
            return redirect(story)
        if request.htmx and quick:
            return render(request, "includes/quick_capture.html#form", {"quick_form": form})
    else:
        form = StoryForm()
    return render(request, "stories/story_form.html", {"form": form, "quick": quick})


@require_GET
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_for_reading(request.user, story_id)
    if story is None:
        raise Http404("No story with this id that you can see.")
    if story.merged_into_id is not None:
        # Old links to a duplicate still lead somewhere: to the story it was merged into, while
        # this person may still see it (it may have been made private since).
        joined = Story.objects.visible_to(request.user).filter(pk=story.merged_into_id)
        if not joined.exists():
            raise Http404("No story with this id that you can see.")
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
    # An empathy story's answers and a leader's report are corrected on their own forms.
    if story.kind == Kind.EMPATHY and EmpathyAnswers.objects.filter(story=story).exists():
        return redirect("stories:empathy_edit", story.pk)
    if story.kind == Kind.EXECUTIVE and ExecutiveReport.objects.filter(story=story).exists():
        return redirect("stories:report_edit", story.pk)
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
    effects = story_delete_effects(story)
    if request.method == "POST":
        services.story_delete(story=story)
        opened = effects.meetings_opened
        kept = (
            " The meeting it opened keeps its record."
            if opened == 1
            else f" The {opened} meetings it opened keep their record."
            if opened
            else ""
        )
        messages.success(request, f"Deleted “{story.title[:60]}”.{kept}")
        return redirect("stories:list")
    context = {"story": story, "effects": effects}
    return render(request, "stories/story_confirm_delete.html", context)


@require_POST
@vary_on_headers("HX-Request")
def story_hear_too(request: HtmxHttpRequest, story_id: int) -> HttpResponse:
    story = visible_story(request, story_id)
    # The button says which way it goes, so a second press (or a resent form) changes nothing.
    wanted = request.POST.get("hears")
    try:
        hears = (
            services.hear_too_set(story=story, person=signed_in(request), hears=wanted == "yes")
            if wanted in ("yes", "no")
            else services.hear_too_toggle(story=story, person=signed_in(request))
        )
    except services.OwnStoryError as refusal:
        if not request.htmx:
            messages.info(request, str(refusal))
            return redirect(story)
        hears, refused = False, str(refusal)
    else:
        refused = ""
    if not request.htmx:
        messages.success(
            request,
            "Noted: you hear this too." if hears else "Taken back: you no longer hear this.",
        )
        return redirect(story)
    story.hear_too = story.reactions.counted().count()  # type: ignore[attr-defined]
    context = {"story": story, "reacted": {story.pk} if hears else set(), "refused": refused}
    return render(request, "includes/story_card.html#hear_too", context)


@require_POST
@vary_on_headers("HX-Request")
def story_same_as(request: HtmxHttpRequest, story_id: int) -> HttpResponse:
    """ "This is the same as": a reaction on the existing story, and no new story."""
    story = get_object_or_404(Story.objects.company_wide(), pk=story_id)
    try:
        added = services.hear_too_add(story=story, person=signed_in(request))
    except services.OwnStoryError:
        noted = "This is your own insight, logged already — nothing new was added."
    else:
        noted = (
            "Noted: you hear this too — no new story was logged."
            if added
            else "You already hear this too — no new story was logged."
        )
    if request.htmx:
        # What they typed stays in the form, in case their story adds something after all.
        posted = {name: f"{QuickStoryForm.prefix}-{name}" for name in QuickStoryForm.base_fields}
        typed = {name: request.POST[key] for name, key in posted.items() if key in request.POST}
        context = {"story": story, "noted": noted, "quick_form": QuickStoryForm(initial=typed)}
        response = render(request, "includes/quick_capture.html#noted", context)
        # The list behind the dialog shows the new count.
        return trigger_client_event(response, "insight-heard")
    messages.success(request, noted)
    return redirect(story)


def typed_title(request: HttpRequest) -> tuple[str, bool]:
    """The text in the title box, and whether it is the quick capture's (its names are prefixed)."""
    quick_name = f"{QuickStoryForm.prefix}-title"
    quick = quick_name in request.GET
    # PostgreSQL refuses NUL characters in a query, so a forged one must not reach it.
    text = str(request.GET.get(quick_name if quick else "title", ""))
    return text.replace("\x00", ""), quick


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The stories already logged that look like the one being typed, beneath its form."""
    text, quick = typed_title(request)
    stories = list(similar_stories(text).with_hear_too_count()[:SUGGESTIONS])
    context = {
        "stories": stories,
        "quick": quick,
        "reacted": reacted_story_ids(signed_in(request), stories) if stories else set(),
    }
    return render(request, "stories/story_form.html#similar", context)


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
    context = {"prefix": prefix, "names": names}
    return render(request, "stories/story_form.html#tag_suggestions", context)


@require_GET
def kudos(request: HttpRequest) -> HttpResponse:
    stories = card_rows(kudos_stories())
    page = page_of(stories, number=page_number(request), size=KUDOS_PAGE_SIZE)
    context = {"page": page, "reacted": reacted_story_ids(signed_in(request), page.rows)}
    story_cards_ready(page.rows)
    return render(request, "stories/kudos.html", context)
