"""The executive report form and the Leaders' corner."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from insightboard.paging import page_number, page_of
from insightboard.people.roles import signed_in
from stories.reports.forms import ExecutiveReportForm
from stories.reports.selectors import leader_reports, leaders_cadence, may_file_reports
from stories.reports.services import executive_report_create

PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
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
