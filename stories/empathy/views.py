from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from insightboard.people.roles import signed_in
from insightboard.submissions.decorators import submitted_once
from stories.empathy.forms import EmpathyForm
from stories.empathy.services import empathy_exercise_create, empathy_exercise_update
from stories.models import EmpathyAnswers, Story


@require_http_methods(["GET", "POST"])
@submitted_once
def empathy_create(request: HttpRequest) -> HttpResponse:
    form = EmpathyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        story = empathy_exercise_create(author=signed_in(request), **form.cleaned_data)
        messages.success(request, "Thank you for sharing. That is customer empathy at work.")
        return redirect(story)
    return render(request, "stories/empathy_form.html", {"form": form})


def editable_answers(request: HttpRequest, story_id: int) -> EmpathyAnswers:
    """The answers of an empathy story this person may change: its author's, or any for an
    admin. A story they cannot see is a 404; one they can see but not change, a 403."""
    answers = (
        EmpathyAnswers.objects.select_related("story")
        .filter(story__in=Story.objects.visible_to(request.user), story_id=story_id)
        .first()
    )
    if answers is None:
        raise Http404("No empathy story with this id that you can see.")
    if not answers.story.can_edit(request.user):
        raise PermissionDenied("Only the author or an admin can change this story.")
    return answers


@require_http_methods(["GET", "POST"])
def empathy_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    answers = editable_answers(request, story_id)
    form = EmpathyForm(request.POST or None, instance=answers)
    if request.method == "POST" and form.is_valid():
        story = empathy_exercise_update(answers=answers, **form.cleaned_data)
        messages.success(request, "Saved your changes.")
        return redirect(story)
    return render(request, "stories/empathy_form.html", {"form": form, "story": answers.story})
