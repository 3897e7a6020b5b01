from typing import Any

from django import forms
from django.contrib.auth.models import User

from insightboard.people.forms import PersonChoiceField
from insightboard.plausible_dates import validate_happened_on
from stories.models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ExecutiveReport,
    ReportPlace,
    Sentiment,
)

MAX_CONVERSATIONS = 1000
# The story's own fields on the executive report form, beside the report's.
STORY_FIELDS = ("title", "sentiment", "body", "happened_on")


class ReportFieldsForm(forms.ModelForm[ExecutiveReport]):
    """The report's own fields (an import's row is checked with the same rules)."""

    conversations = forms.IntegerField(
        label="How many conversations?",
        min_value=1,
        max_value=MAX_CONVERSATIONS,
        initial=1,
        error_messages={
            "required": "Say how many conversations it was.",
            "invalid": "Enter a whole number of conversations.",
            "min_value": "At least one conversation: that is what you report on.",
            "max_value": f"Up to {MAX_CONVERSATIONS} conversations in one report.",
        },
    )
    place = forms.ChoiceField(
        label="Where?",
        choices=ReportPlace.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the conversations happened.",
            "invalid_choice": "Choose one of the listed places.",
        },
    )

    class Meta:
        model = ExecutiveReport
        fields = [
            "spoke_with",
            "conversations",
            "place",
            "insight",
            "suggested_action",
        ]
        labels = {
            "spoke_with": "Who did you speak with?",
            "insight": "What is the usable insight?",
            "suggested_action": "What do you suggest we do?",
        }
        help_texts = {
            "spoke_with": "Customers, organisations or segments, e.g. “three florists in Leeds”.",
            "insight": "What we should take from it, in words a team can act on.",
        }
        widgets = {"insight": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "spoke_with": {"required": "Say who you spoke with."},
            "insight": {"required": "Write the usable insight."},
            "suggested_action": {"required": "Suggest an action."},
        }


class ExecutiveReportForm(ReportFieldsForm):
    """What a leader heard (the story) and how to use it (the report), on one form; editing, it
    starts from what was filed."""

    happened_on = forms.DateField(
        label="When",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day of the (last) conversation; today if left empty.",
        error_messages={"invalid": "Enter a date such as 2026-11-18."},
        validators=[validate_happened_on],
    )
    title = forms.CharField(
        label="What did you hear?",
        max_length=TITLE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The headline: a quote or one sentence.",
        error_messages={"required": "Write the headline: what you heard, in a sentence."},
    )
    sentiment = forms.ChoiceField(
        label="Was it a success, a frustration or an idea?",
        choices=Sentiment.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose success, frustration or idea.",
            "invalid_choice": "Choose success, frustration or idea.",
        },
    )
    body = forms.CharField(
        label="The detail",
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Optional: the story behind it. Markdown works: **bold**, lists, links.",
        error_messages={
            "max_length": "Keep the detail to at most %(limit_value)d characters "
            "(this has %(show_value)d): trim it or link to the full text."
        },
    )
    action_owner = PersonChoiceField(
        label="Who should own the action?",
        empty_label=None,
        help_text="Someone who can make it happen; it can be you.",
        error_messages={
            "required": "Choose who owns the suggested action.",
            "invalid_choice": "Choose the owner from the list.",
        },
    )

    class Meta(ReportFieldsForm.Meta):
        fields = [*ReportFieldsForm.Meta.fields, "action_owner"]

    def __init__(self, *args: Any, leader: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        report = self.instance
        if report.pk is None:
            self.initial.setdefault("action_owner", leader.pk)
            return
        story = report.story
        day = story.happened_on
        self.fields[
            "happened_on"
        ].help_text = (
            f"The day of the (last) conversation; left empty, it stays {day.day} {day:%B %Y}."
        )
        owner = report.action_owner
        if owner is None or not owner.is_active:
            # Never preselect someone else in their place: the leader chooses the new owner.
            self.fields["action_owner"].empty_label = "Choose who owns it now"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.update({name: getattr(story, name) for name in STORY_FIELDS})
