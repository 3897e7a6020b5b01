from typing import Any

from django import forms

from stories.empathy.services import HEADLINE_MAX_LENGTH, empathy_headline
from stories.models import EmpathyAnswers, Experience, WouldStay


class EmpathyAnswersForm(forms.ModelForm[EmpathyAnswers]):
    """The exercise's six questions, in the order a person thinks them through (an import's row
    is checked with the same rules)."""

    experience = forms.ChoiceField(
        label="Was it a positive or a negative experience?",
        choices=Experience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose positive, negative or a bit of both.",
            "invalid_choice": "Choose positive, negative or a bit of both.",
        },
    )
    would_stay = forms.ChoiceField(
        label="Would it make you keep doing business with them?",
        choices=WouldStay.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you would keep doing business with them.",
            "invalid_choice": "Choose yes, no or not sure.",
        },
    )

    class Meta:
        model = EmpathyAnswers
        fields = [
            "company",
            "experience",
            "what_made_it",
            "why_it_stood_out",
            "would_stay",
            "meaning_for_us",
        ]
        labels = {
            "company": "Which company or service was it?",
            "what_made_it": "What made it so?",
            "why_it_stood_out": "Why did it stand out in your mind?",
            "meaning_for_us": "What does it mean for our company?",
        }
        help_texts = {
            "company": "A shop, a bank, an app, a plumber: anyone you were a customer of lately.",
            "meaning_for_us": "Something we do the same way, or could learn from.",
        }
        widgets = {
            "what_made_it": forms.Textarea(attrs={"rows": 3}),
            "why_it_stood_out": forms.Textarea(attrs={"rows": 3}),
            "meaning_for_us": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "company": {"required": "Name the company or service you were a customer of."},
            "what_made_it": {"required": "Say what made it good or bad."},
            "why_it_stood_out": {"required": "Say why it stood out for you."},
            "meaning_for_us": {"required": "Say what it means for our company."},
        }


class EmpathyForm(EmpathyAnswersForm):
    """The six questions, then a headline; editing, it starts from what was filed."""

    title = forms.CharField(
        label="A headline for it",
        required=False,
        max_length=HEADLINE_MAX_LENGTH,
        help_text="Optional: one line others see in lists, for example “Monzo fixed my card in "
        "two minutes”. Left empty, it reads “My experience with …”.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answers = self.instance
        if answers.pk is not None and not self.is_bound:
            title = answers.story.title
            # A headline that was made from the company stays made from it: left empty, it
            # follows a corrected company name.
            if title != empathy_headline(answers.company):
                self.initial.setdefault("title", title)
