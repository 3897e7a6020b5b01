from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.contrib.auth.models import User

from insightboard.people.models import ApiToken, Profile
from insightboard.people.roles import Role
from insightboard.people.services import email_is_taken


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
        email = str(self.cleaned_data["email"]).strip().lower()
        if email_is_taken(email):
            raise forms.ValidationError("Someone already signs in with this email.")
        return email


class SignupForm(SetPasswordMixin[User], NewPersonForm):
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
    roles = forms.MultipleChoiceField(
        choices=[(role.value, role.value) for role in Role],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone can log and read insights. Roles add hosting meetings, "
        "filing executive reports, or managing everything.",
    )


class ProfileForm(forms.ModelForm[Profile]):
    class Meta:
        model = Profile
        fields = ["display_name", "team", "digest"]
        labels = {"display_name": "Name"}
        widgets = {"digest": forms.RadioSelect}


class ApiTokenForm(forms.ModelForm[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": "Name of a new key"}
        error_messages = {
            "name": {"required": "Name the key after what will use it, e.g. “Zendesk import”."}
        }
