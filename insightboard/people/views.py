from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from insightboard.people.forms import EmailAuthenticationForm, InviteForm, ProfileForm, SignupForm
from insightboard.people.models import Profile
from insightboard.people.roles import ADMIN_PERMISSION, Role, signed_in
from insightboard.people.services import person_create, person_invite


class SignInView(LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return super().get_context_data(signup_open=bool(settings.SIGNUP_DOMAINS), **kwargs)


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_DOMAINS:
        return render(request, "registration/signup_closed.html")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = person_create(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            team=form.cleaned_data["team"],
            password=form.cleaned_data["password1"],
        )
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, "Welcome to InsightBoard. Log the first thing a customer told you."
        )
        return redirect("home")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "domains": settings.SIGNUP_DOMAINS},
    )


@permission_required(ADMIN_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = person_invite(
            invited_by=signed_in(request),
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            team=form.cleaned_data["team"],
            roles=[Role(name) for name in form.cleaned_data["roles"]],
        )
        messages.success(request, f"Invitation sent to {person.email}.")
        return redirect("invite")
    return render(request, "people/invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    # People made outside the app (createsuperuser) get their profile on first visit.
    person_profile, _ = Profile.objects.get_or_create(
        user=person, defaults={"display_name": person.get_username()}
    )
    form = ProfileForm(request.POST or None, instance=person_profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved your profile.")
        return redirect("profile")
    return render(request, "people/profile.html", {"form": form})
