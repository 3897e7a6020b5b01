import datetime
from typing import Any

from django import forms
from django.utils import timezone

from insightboard.form_defaults import BlankMeansDefault
from insightboard.people.forms import PeopleChoiceField, PersonChoiceField
from insightboard.plausible_dates import latest_plan_day
from meetings.models import ActionItem, Meeting, MeetingSeries
from stories.forms import TagListField


class EndsAfterStarts(forms.BaseForm):
    """Both meeting forms have starts_at and ends_at; a meeting must end after it starts."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The meeting must end after it starts.")
        return cleaned


class SeriesForm(BlankMeansDefault, EndsAfterStarts, forms.ModelForm[MeetingSeries]):
    hosts = PeopleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="Hosts pull the opener and keep notes.",
        error_messages={
            "required": "Choose at least one host.",
            "invalid_choice": "%(value)s is not a person here: choose hosts from the list.",
            "invalid_pk_value": "Choose hosts from the list.",
        },
    )
    attendees = PeopleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the meeting and take turns sharing their own customer experience.",
        error_messages={
            "invalid_choice": "%(value)s is not a person in this company: choose from the list.",
            "invalid_pk_value": "Choose attendees from the list.",
        },
    )
    focus_tags = TagListField(
        required=False,
        max_length=1000,
        label="Focus tags",
        help_text="Openers matching these come first, for example: checkout, onboarding.",
    )

    class Meta:
        model = MeetingSeries
        fields = [
            "name",
            "team",
            "hosts",
            "attendees",
            "cadence",
            "starts_at",
            "ends_at",
            "first_day",
            "focus_tags",
        ]
        labels = {"first_day": "First meeting"}
        help_texts = {"first_day": "It repeats on this day of the week."}
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
            "first_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "cadence": {"invalid_choice": "Choose how often the meeting happens from the list."},
            "starts_at": {"invalid": "Enter a time such as 09:30."},
            "ends_at": {"invalid": "Enter a time such as 10:00."},
            "first_day": {"invalid": "Enter a date such as 2026-12-01."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["focus_tags"] = [tag.name for tag in self.instance.focus_tags.all()]
        else:
            self.initial.setdefault("first_day", timezone.localdate())
        # The browser's date picker offers the days the model accepts (validate_plan_day).
        self.fields["first_day"].widget.attrs["max"] = latest_plan_day().isoformat()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first_day = cleaned.get("first_day")
        # The weekday is the first meeting's; a series saved with another weekday before the
        # form asked only for a date keeps its own until its first day changes.
        if self.instance.pk and first_day == self.instance.first_day:
            cleaned["weekday"] = self.instance.weekday
        elif first_day:
            cleaned["weekday"] = first_day.weekday()
        return cleaned

    def clean_first_day(self) -> datetime.date:
        first_day: datetime.date = self.cleaned_data["first_day"]
        unchanged = self.instance.pk and first_day == self.instance.first_day
        if first_day < timezone.localdate() and not unchanged:
            raise forms.ValidationError("The first meeting cannot be in the past.")
        return first_day


class OneOffMeetingForm(EndsAfterStarts, forms.ModelForm[Meeting]):
    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at"]
        labels = {"title": "Meeting name", "starts_at": "Starts", "ends_at": "Ends"}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        error_messages = {
            "starts_at": {"invalid": "Enter a date and time such as 2026-12-01 09:30."},
            "ends_at": {"invalid": "Enter a date and time such as 2026-12-01 10:00."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The picker offers what the form accepts: from now to the end of the planning range.
        earliest = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        latest = f"{latest_plan_day().isoformat()}T23:59"
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget.attrs.update({"min": earliest, "max": latest})

    def clean_starts_at(self) -> datetime.datetime:
        starts_at: datetime.datetime = self.cleaned_data["starts_at"]
        if starts_at < timezone.now():
            raise forms.ValidationError("The meeting cannot start in the past.")
        return starts_at


class TakeawayForm(BlankMeansDefault, forms.ModelForm[Meeting]):
    class Meta:
        model = Meeting
        fields = ["takeaway", "resonated_with"]
        labels = {
            "takeaway": "What does it mean for us? (one line)",
            "resonated_with": "How many people did it resonate with?",
        }
        widgets = {"resonated_with": forms.NumberInput(attrs={"min": 0, "max": 10000})}

    def clean_resonated_with(self) -> int:
        count: int = self.cleaned_data["resonated_with"]
        if count > 10_000:
            raise forms.ValidationError("That is more people than a meeting holds.")
        return count


class ActionItemForm(forms.ModelForm[ActionItem]):
    # People by name, as in the series form, not by their login.
    owner = PersonChoiceField(
        label="Who",
        error_messages={
            "required": "Choose who owns it.",
            "invalid_choice": "Choose who owns it from the list.",
        },
    )

    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_on"]
        labels = {"text": "Action", "owner": "Who", "due_on": "By when"}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "text": {"required": "Say what will be done."},
            "owner": {"invalid_choice": "Choose who owns it from the list."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.attrs.update(
            {"min": timezone.localdate().isoformat(), "max": latest_plan_day().isoformat()}
        )

    def clean_due_on(self) -> datetime.date | None:
        due_on: datetime.date | None = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return due_on


class OpenerSearchForm(forms.Form):
    find = forms.CharField(max_length=200, required=False, label="Search for a specific story")
