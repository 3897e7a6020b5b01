"""Meeting pages: the list, setting up series and one-offs, a meeting with its opener, present
mode, takeaway and actions, the empathy turn, and a story's life in meetings."""

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from insightboard.htmx import HtmxHttpRequest
from insightboard.paging import page_number, page_of
from insightboard.people.models import display_name
from insightboard.people.roles import signed_in
from insightboard.submissions.decorators import submitted_once
from meetings import services
from meetings.forms import (
    ActionItemForm,
    OneOffMeetingForm,
    OpenerSearchForm,
    SeriesForm,
    TakeawayForm,
)
from meetings.models import ActionItem, Meeting, MeetingSeries
from meetings.openers import Candidate, fresh_stories, opener_pull
from meetings.permissions import (
    may_edit_series,
    may_host,
    may_replace_opener,
    may_set_up_meetings,
    may_share_empathy,
    may_tick,
)
from meetings.schedule import series_upcoming_ensure, series_upcoming_meetings
from meetings.selectors import (
    meeting_actions,
    opener_of,
    past_meetings,
    story_lineage,
    upcoming_meetings,
)
from meetings.services import OpenerError
from stories.empathy.forms import EmpathyForm
from stories.models import Story
from stories.selectors import StoryFilters, filtered_stories

UPCOMING_PER_SERIES = 1
PAST_PAGE_SIZE = 20
SEEN_LIMIT = 200
SEARCH_RESULTS = 10
SET_UP_REFUSAL = (
    "Only hosts and admins can set up meetings. If you run one, an admin can give you the role."
)


def visible_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    # With the series' hosts: "may they host?" is asked for the page and for each of its actions.
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("series", "created_by__profile", "empathy_sharer__profile", "empathy_story")
        .prefetch_related("series__hosts")
    )
    return get_object_or_404(meetings, pk=meeting_id)


def hosted_meeting(request: HttpRequest, meeting_id: int, *, refusal: str) -> Meeting:
    """The meeting, if the person runs it; otherwise 403 with `refusal`, the reason in words."""
    meeting = visible_meeting(request, meeting_id)
    if not may_host(request.user, meeting):
        raise PermissionDenied(refusal)
    return meeting


def series_edit_refusal(series: MeetingSeries) -> str:
    """Why someone may not edit a series, and whom to ask instead."""
    hosts = [display_name(host) for host in series.hosts.all()]
    ask = f"{', '.join(hosts[:-1])} or {hosts[-1]}" if len(hosts) > 1 else "".join(hosts)
    return f"Only this series' hosts can edit it: ask {ask or 'an admin'}."


def seen_ids(raw: str) -> list[int]:
    """Stories already shown in this pull ("Another one" skips them without burning them)."""
    ids = [int(part) for part in raw.split(",") if part.strip().isdigit() and len(part) < 19]
    return ids[-SEEN_LIMIT:]


def fresh_story(meeting: Meeting, story_id: str) -> Story | None:
    if not story_id.isdigit() or len(story_id) > 18:
        return None
    story: Story | None = (
        fresh_stories(meeting, skip=())
        .select_related("author__profile")
        .prefetch_related("tags")
        .filter(pk=int(story_id))
        .first()
    )
    return story


def candidate_for(request: HttpRequest, meeting: Meeting) -> tuple[Candidate | None, bool]:
    """The opener on offer, and whether a pull was asked for (to say "nothing left")."""
    offered = fresh_story(meeting, request.GET.get("offer", ""))
    if offered is not None:
        return Candidate(story=offered, score=0, reasons=("offered in your pre-brief",)), True
    if "pull" not in request.GET:
        return None, False
    skip = seen_ids(request.GET.get("seen", ""))
    return opener_pull(meeting=meeting, skip=skip), True


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    series_list = list(
        MeetingSeries.objects.visible_to(person).prefetch_related("hosts__profile", "focus_tags")
    )
    series_upcoming_ensure(series_list=series_list, count=UPCOMING_PER_SERIES)
    context = {
        "series_list": series_list,
        "upcoming": upcoming_meetings(person),
        "past": page_of(past_meetings(person), number=page_number(request), size=PAST_PAGE_SIZE),
        "can_create": may_set_up_meetings(person),
    }
    return render(request, "meetings/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@submitted_once
def series_form(request: HttpRequest, series_id: int | None = None) -> HttpResponse:
    series = None
    if series_id is not None:
        series = get_object_or_404(
            MeetingSeries.objects.visible_to(request.user).prefetch_related("hosts__profile"),
            pk=series_id,
        )
        if not may_edit_series(request.user, series):
            raise PermissionDenied(series_edit_refusal(series))
    elif not may_set_up_meetings(request.user):
        raise PermissionDenied(SET_UP_REFUSAL)
    # The form works on a copy: a rejected edit must not change the saved name the page shows.
    # Whoever sets up a series hosts it, unless they untick themselves.
    initial = {"hosts": [signed_in(request).pk]} if series is None else None
    form = SeriesForm(request.POST or None, instance=copy.copy(series), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.series_save(series=series, **form.cleaned_data)
        messages.success(request, f"Saved “{saved.name}”.")
        first = series_upcoming_meetings(series=saved, count=1)
        return (
            redirect("meetings:detail", meeting_id=first[0].pk)
            if first
            else redirect("meetings:list")
        )
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@require_http_methods(["GET", "POST"])
@submitted_once
def one_off_create(request: HttpRequest) -> HttpResponse:
    if not may_set_up_meetings(request.user):
        raise PermissionDenied(SET_UP_REFUSAL)
    form = OneOffMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create_one_off(person=signed_in(request), **form.cleaned_data)
        messages.success(request, f"Set up “{meeting.title}”. Pull its opener when you are ready.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/one_off_form.html", {"form": form})


def meeting_page(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    """Everything the meeting page shows. A host sees the opener on offer or the stories found;
    a rejected takeaway or action form comes back in `forms` with what was typed."""
    is_host = may_host(request.user, meeting)
    opener = opener_of(meeting)
    may_replace = opener is not None and may_replace_opener(request.user, meeting, opener)
    candidate, pulled = (None, False)
    search = OpenerSearchForm(request.GET if request.method == "GET" else None)
    found: list[Story] = []
    choosing = is_host and (opener is None or may_replace)
    if choosing and request.method == "GET":
        candidate, pulled = candidate_for(request, meeting)
        if search.is_valid() and search.cleaned_data["find"]:
            words = StoryFilters(words=search.cleaned_data["find"])
            found = list(
                filtered_stories(
                    request.user, words, best_match_first=True, among=fresh_stories(meeting)
                ).select_related("author__profile")[:SEARCH_RESULTS]
            )
    seen = seen_ids(request.GET.get("seen", ""))
    if candidate is not None:
        seen = [*seen, candidate.story.pk]
    return {
        "meeting": meeting,
        "is_host": is_host,
        "opener": opener,
        # A host may pull another opener: none kept yet, or its story gone or private since.
        "choosing": choosing,
        "may_replace": may_replace,
        # Checked as it is shown: the story may have been made private since it was kept.
        "opener_shown": opener is not None
        and opener.story is not None
        and opener.story.is_visible_to(request.user),
        "candidate": candidate,
        "nothing_left": pulled and candidate is None,
        "seen": ",".join(str(pk) for pk in seen),
        "search": search,
        "found": found,
        "actions": meeting_actions(meeting),
        "takeaway_form": TakeawayForm(instance=meeting),
        "action_form": ActionItemForm(),
        **forms,
    }


@require_GET
@vary_on_headers("HX-Request")
def meeting_detail(request: HtmxHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    context = meeting_page(request, meeting)
    if request.htmx and request.htmx.target == "opener":
        return render(request, "meetings/meeting_detail.html#opener", context)
    return render(request, "meetings/meeting_detail.html", context)


def meeting_page_with_errors(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    """The meeting page again, with the rejected form's errors and what was typed."""
    context = meeting_page(request, meeting, **forms)
    return render(request, "meetings/meeting_detail.html", context, status=400)


@require_POST
def opener_keep(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = hosted_meeting(
        request, meeting_id, refusal="Only this meeting's hosts can choose its opener."
    )
    story_id = request.POST.get("story_id", "")
    if not story_id.isdigit() or len(story_id) > 18:
        messages.error(request, "Choose a story to open the meeting with.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    try:
        services.opener_keep(
            meeting=meeting,
            story_id=int(story_id),
            person=signed_in(request),
            reason=request.POST.get("reason", ""),
        )
    except OpenerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "This meeting opens with that story. Present it when you start.")
    return redirect("meetings:detail", meeting_id=meeting.pk)


@require_GET
def present(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    is_host = may_host(request.user, meeting)
    opener = opener_of(meeting)
    candidate = None
    if is_host and (opener is None or may_replace_opener(request.user, meeting, opener)):
        candidate = (
            Candidate(story=story, score=0, reasons=("your pick",))
            if (story := fresh_story(meeting, request.GET.get("story", ""))) is not None
            else opener_pull(meeting=meeting, skip=seen_ids(request.GET.get("seen", "")))
        )
    if candidate is None and opener is not None and opener.story is None:
        messages.info(request, "There is nothing to present: its opening insight was deleted.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    if candidate is not None:
        opener = None  # choosing another: the one kept is not presented
    story = opener.story if opener else candidate.story if candidate else None
    if story is None:
        messages.error(request, "There is no opener to present yet: pull one first.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    if not story.is_visible_to(request.user):
        # Made private since it was kept: its author and admins still see it, nobody else.
        return render(request, "meetings/present.html", {"meeting": meeting, "private": True})
    seen = [*seen_ids(request.GET.get("seen", "")), story.pk]
    context = {
        "meeting": meeting,
        "story": story,
        "kept": opener is not None,
        "is_host": is_host,
        "reason": opener.reason if opener else candidate.reason if candidate else "",
        "seen": ",".join(str(pk) for pk in seen),
        "anonymous": request.GET.get("anonymous") == "1",
    }
    return render(request, "meetings/present.html", context)


@require_POST
@submitted_once
def takeaway(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = hosted_meeting(
        request,
        meeting_id,
        refusal="Only this meeting's hosts can write down what it means for us.",
    )
    # A copy, so a rejected takeaway is not shown on the page as if it were saved.
    form = TakeawayForm(request.POST, instance=copy.copy(meeting))
    if form.is_valid():
        services.meeting_takeaway_save(meeting=meeting, **form.cleaned_data)
        messages.success(request, "Saved what it means for us.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return meeting_page_with_errors(request, meeting, takeaway_form=form)


@require_POST
@submitted_once
def action_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = hosted_meeting(
        request, meeting_id, refusal="Only this meeting's hosts can add actions."
    )
    if opener_of(meeting) is None:
        messages.error(request, "Keep an opener first: actions come out of the customer's story.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        services.action_create(meeting=meeting, assigned_by=signed_in(request), **form.cleaned_data)
        messages.success(request, "Added the action.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return meeting_page_with_errors(request, meeting, action_form=form)


@require_POST
def action_toggle(request: HttpRequest, action_id: int) -> HttpResponse:
    # An action is its owner's even when they do not attend the meeting it came out of.
    visible = Q(meeting__in=Meeting.objects.visible_to(request.user)) | Q(owner=signed_in(request))
    actions = ActionItem.objects.filter(visible).select_related("meeting__series")
    action = get_object_or_404(actions, pk=action_id)
    if not may_tick(request.user, action):
        raise PermissionDenied("Only the action's owner or the meeting's hosts can mark it done.")
    # The button says which way it goes, so a second press (or a resent form) changes nothing.
    wanted = request.POST.get("done")
    if wanted in ("yes", "no"):
        services.action_set_done(action=action, done=wanted == "yes")
    else:
        services.action_toggle_done(action=action)
    messages.success(request, "Marked done." if action.done else "Marked not done.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("meetings:detail", args=[action.meeting_id])
    return redirect(back)


@require_http_methods(["GET", "POST"])
@submitted_once
def empathy(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = visible_meeting(request, meeting_id)
    person = signed_in(request)
    if not may_share_empathy(person, meeting):
        raise PermissionDenied(empathy_refusal(meeting))
    # The guided exercise: its questions, not a plain insight form.
    form = EmpathyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.empathy_story_create(meeting=meeting, person=person, **form.cleaned_data)
        messages.success(request, "Thank you: your experience will be shared after the opener.")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/empathy_form.html", {"form": form, "meeting": meeting})


def empathy_refusal(meeting: Meeting) -> str:
    if meeting.empathy_sharer is None:
        return "This meeting has nobody's turn to share, so only its hosts can write one down."
    sharer = display_name(meeting.empathy_sharer)
    return f"It is {sharer}'s turn to share: only they or the meeting's hosts can write it down."


@require_GET
@vary_on_headers("HX-Request")
def lineage(request: HtmxHttpRequest, story_id: int) -> HttpResponse:
    """A story's life in meetings: which it opened, what they took from it, what was done."""
    story = get_object_or_404(Story.objects.visible_to(request.user), pk=story_id)
    context = {"story": story, "openers": story_lineage(story, request.user)}
    template = "meetings/lineage.html#lineage" if request.htmx else "meetings/lineage.html"
    return render(request, template, context)
