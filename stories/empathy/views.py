from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from insightboard.people.roles import signed_in
from stories.empathy.forms import EmpathyForm
from stories.empathy.services import empathy_exercise_create


@require_http_methods(["GET", "POST"])
def empathy_create(request: HttpRequest) -> HttpResponse:
    form = EmpathyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        story = empathy_exercise_create(author=signed_in(request), **form.cleaned_data)
        messages.success(request, "Thank you for sharing. That is customer empathy at work.")
        return redirect(story)
    return render(request, "stories/empathy_form.html", {"form": form})
