from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insightboard.people import services, tokens
from insightboard.people.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    InviteForm,
    ProfileForm,
    SignupForm,
)
from insightboard.people.invitations import pending_invitations
from insightboard.people.links import invitation_tokens, person_from_uid, signup_tokens
from insightboard.people.models import DigestPreference, Invitation, Profile, display_name
from insightboard.people.roles import Role, admin_required, signed_in
from insightboard.people.signups import is_signup_pending
from insightboard.submissions.decorators import mark_saved, submitted_once

# Signing in from a link, not a password: the backend is named, since axes' does not apply.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


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
        services.signup_request(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            team=form.cleaned_data["team"],
            password=form.cleaned_data["password1"],
        )
        # The same answer whether or not the address has an account: only its mailbox knows.
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("signup_sent")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "domains": settings.SIGNUP_DOMAINS},
    )


@login_not_required
@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("signup_email")
    if not email:
        return redirect("signup")
    return render(request, "registration/signup_sent.html", {"email": email})


@login_not_required
@require_GET
@never_cache
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the sign-up email: it opens the account and signs the person in."""
    person = person_from_uid(uidb64)
    if (
        person is not None
        and is_signup_pending(person)
        and signup_tokens.check_token(person, token)
        and services.signup_confirm(person=person)
    ):
        login(request, person, backend=MODEL_BACKEND)
        request.session.pop("signup_email", None)
        messages.success(
            request,
            f"Welcome to InsightBoard, {display_name(person)}. "
            "Log the first thing a customer told you.",
        )
        return redirect("home")
    context = {"confirmed_already": person is not None and link_was_used(person, token)}
    return render(request, "registration/signup_link_expired.html", context)


def link_was_used(person: User, token: str) -> bool:
    """Whether the token is one this person's confirmation email carried, before it opened the
    account (a second click, or a mail scanner that followed the link first)."""
    if not person.is_active or is_signup_pending(person):
        return False
    before = User(pk=person.pk, password=person.password, email=person.email, is_active=False)
    return signup_tokens.check_token(before, token)


@admin_required
@require_http_methods(["GET", "POST"])
@submitted_once
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_invite(
            invited_by=signed_in(request),
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            team=form.cleaned_data["team"],
            roles=[Role(name) for name in form.cleaned_data["roles"]],
        )
        messages.success(request, f"Invited {person.email}: their invitation email is on its way.")
        return redirect("invite")
    context = {"form": form, "pending": list(pending_invitations())}
    return render(request, "people/invite.html", context)


@require_POST
@admin_required
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("person__profile"), pk=invitation_id
    )
    name = display_name(invitation.person)
    if services.invitation_resend(invitation=invitation, resent_by=signed_in(request)):
        messages.success(
            request,
            f"Sent {name} a new invitation at {invitation.person.email}. "
            "The link in any earlier one no longer works.",
        )
    elif invitation.person.is_active:
        messages.info(request, f"{name} has already chosen a password: they can sign in.")
    else:
        messages.info(request, f"{name} was removed, so there is no invitation to send.")
    return redirect(f"{reverse('invite')}#pending")


class WelcomeView(PasswordResetConfirmView):
    """Where an invitation lands: the person chooses a password and is signed in."""

    token_generator = invitation_tokens
    template_name = "registration/welcome.html"
    reset_url_token = "choose-password"  # noqa: S105  (a path segment, not a secret)
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    success_url = reverse_lazy("home")

    def get_user(self, uidb64: str) -> User | None:
        person = person_from_uid(uidb64)
        # Someone removed since they were invited cannot come in by the old email.
        return person if person is not None and person.is_active else None

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        if self.user is not None:
            invitation = Invitation.objects.select_related("invited_by__profile").filter(
                person=self.user
            )
            inviter = next((each.invited_by for each in invitation), None)
            context["display_name"] = display_name(self.user)
            context["inviter_name"] = display_name(inviter) if inviter else ""
        return context

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Welcome to InsightBoard, {display_name(form.user)}. "
            "Log the first thing a customer told you.",
        )
        return response


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
@submitted_once
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
    shown = render(request, "people/api_token_created.html", context)
    # Sent twice, the second answer cannot show the key again: it goes to the list of keys.
    return mark_saved(shown, url=f"{reverse('profile')}#api-keys")


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
