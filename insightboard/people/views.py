from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from insightboard.people import tokens
from insightboard.people.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    InviteForm,
    ProfileForm,
    SignupForm,
)
from insightboard.people.models import DigestPreference, Profile
from insightboard.people.roles import Role, admin_required, signed_in
from insightboard.people.services import person_create, person_invite


class PasswordResetLinkView(PasswordResetView):
    """The password reset email links to the configured site, like every other email."""

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        return {"site_url": settings.SITE_URL}


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


@admin_required
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
        messages.success(request, f"Invited {person.email}: their invitation email is on its way.")
        return redirect("invite")
    return render(request, "people/invite.html", {"form": form})


def profile_page(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    saved_digest: str | None = None,
) -> HttpResponse:
    person = signed_in(request)
    if form is None:
        form = ProfileForm(instance=own_profile(request))
    context = {
        "form": form,
        # What is saved, not what a form sent back with errors says.
        "gets_digest": (saved_digest or form.instance.digest) == DigestPreference.WEEKLY,
        "api_tokens": person.api_tokens.order_by("-created_at", "-id"),
        "token_form": token_form or ApiTokenForm(),
    }
    return render(request, "people/profile.html", context)


def own_profile(request: HttpRequest) -> Profile:
    person = signed_in(request)
    # People made outside the app (createsuperuser) get their profile on first visit.
    person_profile, _ = Profile.objects.get_or_create(
        user=person, defaults={"display_name": person.get_username()}
    )
    return person_profile


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    saved = own_profile(request)
    saved_digest = saved.digest
    form = ProfileForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, saved_message(before=saved_digest, after=form.instance.digest))
        return redirect("profile")
    return profile_page(request, form=form, saved_digest=saved_digest)


def saved_message(*, before: str, after: str) -> str:
    if before == after:
        return "Saved your profile."
    if after == DigestPreference.WEEKLY:
        return "Saved your profile. You get the weekly digest again, from next Monday."
    return "Saved your profile. No more digest emails; switch it back on here whenever you like."


@require_POST
@never_cache  # The page shows the key: no cache may keep it.
def api_token_create(request: HttpRequest) -> HttpResponse:
    token_form = ApiTokenForm(request.POST)
    if not token_form.is_valid():
        return profile_page(request, token_form=token_form)
    token, raw_key = tokens.api_token_create(
        person=signed_in(request), name=token_form.cleaned_data["name"]
    )
    # Shown on this response only, never put in a message or the session.
    context = {
        "token": token,
        "raw_key": raw_key,
        "api_url": request.build_absolute_uri(reverse("api:story_list")),
    }
    return render(request, "people/api_token_created.html", context)


@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(signed_in(request).api_tokens, pk=token_id)
    if request.method == "POST":
        tokens.api_token_revoke(token=token)
        messages.success(
            request, f"Revoked “{token.name}”: whatever used it can no longer reach InsightBoard."
        )
        return redirect(f"{reverse('profile')}#api-keys")
    return render(request, "people/api_token_confirm_revoke.html", {"token": token})
