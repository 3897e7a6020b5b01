"""The executive report form (filing and correcting a report) and the Leaders' corner."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from insightboard.paging import page_number, page_of
from insightboard.people.roles import signed_in
from insightboard.submissions.decorators import submitted_once
from stories.models import ExecutiveReport, Story
from stories.reports.forms import ExecutiveReportForm
from stories.reports.selectors import leader_reports, leaders_cadence, may_file_reports
from stories.reports.services import executive_report_create, executive_report_update

PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
@submitted_once
def report_create(request: HttpRequest) -> HttpResponse:
    leader = signed_in(request)
    # Checked before the form is even built: a forged POST is refused, not validated.
    if not may_file_reports(leader):
        raise PermissionDenied("Only leaders and admins file executive reports.")
    form = ExecutiveReportForm(request.POST or None, leader=leader)
    if request.method == "POST" and form.is_valid():
        story = executive_report_create(author=leader, **form.cleaned_data)
        messages.success(request, "Filed. It is in the Leaders' corner for everyone to read.")
        return redirect(story)
    return render(request, "stories/executive_form.html", {"form": form})


def editable_report(request: HttpRequest, story_id: int) -> ExecutiveReport:
    """The report of a story this person may change: its author's, or any for an admin. A story
    they cannot see is a 404; one they can see but not change, a 403."""
    report = (
        ExecutiveReport.objects.select_related("story", "action_owner")
        .filter(story__in=Story.objects.visible_to(request.user), story_id=story_id)
        .first()
    )
    if report is None:
        raise Http404("No executive report with this id that you can see.")
    if not report.story.can_edit(request.user):
        raise PermissionDenied("Only the author or an admin can change this report.")
    return report


@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    report = editable_report(request, story_id)
    form = ExecutiveReportForm(request.POST or None, instance=report, leader=signed_in(request))
    if request.method == "POST" and form.is_valid():
        story = executive_report_update(
            story=report.story, named_by=signed_in(request), **form.cleaned_data
        )
        messages.success(request, "Saved your changes.")
        return redirect(story)
    return render(request, "stories/executive_form.html", {"form": form, "story": report.story})


@require_GET
def leaders(request: HttpRequest) -> HttpResponse:
    page = page_of(leader_reports(request.user), number=page_number(request), size=PAGE_SIZE)
    context = {
        "page": page,
        "cadences": leaders_cadence(today=timezone.localdate()),
        "every_days": settings.INSIGHTBOARD_LEADER_REPORT_DAYS,
        "may_file": may_file_reports(signed_in(request)),
    }
    return render(request, "stories/leaders.html", context)
