from typing import Any

from django import forms
from django.contrib.auth.models import User

from insightboard.people.forms import PersonChoiceField
from stories.models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ExecutiveReport,
    ReportPlace,
    Sentiment,
)

MAX_CONVERSATIONS = 1000


class ExecutiveReportForm(forms.ModelForm[ExecutiveReport]):
    """What a leader heard (the story) and how to use it (the report), on one form."""

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
    happened_on = forms.DateField(
        label="When",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day of the (last) conversation; today if left empty.",
        error_messages={"invalid": "Enter a date such as 2026-11-18."},
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

    class Meta:
        model = ExecutiveReport
        fields = [
            "spoke_with",
            "conversations",
            "place",
            "insight",
            "suggested_action",
            "action_owner",
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

    def __init__(self, *args: Any, leader: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("action_owner", leader.pk)
