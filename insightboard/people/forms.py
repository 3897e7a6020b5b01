from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.models import User
from django.db.models import QuerySet

from insightboard.people.models import ApiToken, Profile, display_name
from insightboard.people.roles import Role
from insightboard.people.services import email_is_taken, signup_waits_for_confirmation


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an email address; usernames are emails, stored lower case."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).lower()


class NewPersonForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=100)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    team = forms.CharField(max_length=100, required=False)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class SignupForm(SetPasswordMixin[User], NewPersonForm):
    """Never says whether an address has an account: that is told only to its mailbox."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean_email(self) -> str:
        email = super().clean_email()
        domain = email.rpartition("@")[2]
        if domain not in settings.SIGNUP_DOMAINS:
            allowed = ", ".join(f"@{name}" for name in settings.SIGNUP_DOMAINS)
            raise forms.ValidationError(f"Sign up with your work email ({allowed}).")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_passwords()
        return cleaned


class InviteForm(NewPersonForm):
    """Only admins see it, so it may say who already has an account."""

    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.value) for role in Role],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone can log and read insights. Roles add hosting meetings, "
        "filing executive reports, or managing everything.",
    )

    def clean_email(self) -> str:
        email = super().clean_email()
        if signup_waits_for_confirmation(email):
            raise forms.ValidationError(
                "This address signed up and has not confirmed it yet: they can follow the link "
                "we emailed them, or sign up again for a new one."
            )
        if email_is_taken(email):
            raise forms.ValidationError("Someone already signs in with this email.")
        return email


class ProfileForm(forms.ModelForm[Profile]):
    class Meta:
        model = Profile
        fields = ["display_name", "team", "digest"]
        labels = {"display_name": "Name", "digest": "Weekly digest email"}
        widgets = {"digest": forms.RadioSelect}
        help_texts = {
            "digest": "Switch it off or back on here whenever you like; the unsubscribe link in "
            "each digest switches it off too."
        }


class ApiTokenForm(forms.ModelForm[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": "Name of a new key"}
        error_messages = {
            "name": {"required": "Name the key after what will use it, e.g. “Zendesk import”."}
        }


# --- Choosing people: action owners, hosts, attendees ------------------------------------------


def active_people() -> QuerySet[User]:
    """Everyone who can still act, by name."""
    return (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def person_label(person: User) -> str:
    """A person as a picker lists them: their name, and their email to tell namesakes apart."""
    name = display_name(person)
    return f"{name} ({person.email})" if person.email and person.email != name else name


class PersonChoiceField(forms.ModelChoiceField[User]):
    """One active person, listed by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=active_people(), **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField[User]):
    """Several active people, listed by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=active_people(), **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)
