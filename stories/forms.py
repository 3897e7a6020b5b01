from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.urls import reverse_lazy
from django.utils import timezone

from insightboard.form_defaults import BlankMeansDefault
from insightboard.people.models import display_name
from insightboard.plausible_dates import company_founded
from stories.models import (
    TAG_MAX_LENGTH,
    TAG_RULE,
    Channel,
    Kind,
    Sentiment,
    Story,
    normalise_tag,
    tag_problem,
)
from stories.selectors import StoryFilters

MAX_TAGS = 10
# Ids are 64-bit; a larger number in a forged URL would overflow the database, not find nothing.
LARGEST_ID = 2**63 - 1


class TagListField(forms.CharField):
    """Comma-separated tags, normalised; each checked so a bad one is named in the message."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        # The length and NUL checks must see the typed text: after this they only see a list.
        self.run_validators(text)
        names: list[str] = []
        shapeless: list[str] = []
        for raw in text.split(","):
            name = normalise_tag(raw)
            if not name:
                continue
            if problem := tag_problem(name):
                shapeless.append(problem)
            elif len(name) > TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    f"Tags can be at most {TAG_MAX_LENGTH} characters; "
                    f"“{name[:20]}…” has {len(name)}."
                )
            elif name not in names:
                names.append(name)
        if shapeless:
            raise forms.ValidationError(
                f"{TAG_RULE}: {'; '.join(shapeless)}. "
                "Use a dash between words, for example: check-out."
            )
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        return names

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(name) for name in value)
        return value


class StoryForm(BlankMeansDefault, forms.ModelForm[Story]):
    tags = TagListField(
        required=False,
        max_length=1000,
        help_text="Separate tags with commas, for example: checkout, pricing.",
        widget=forms.TextInput(
            attrs={
                "list": "tag-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("stories:tag_suggestions"),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": "#tag-suggestions",
                "hx-swap": "innerHTML",
            }
        ),
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "sentiment",
            "body",
            "tags",
            "shout_out_to",
            "customer_name",
            "customer_organisation",
            "customer_segment",
            "channel",
            "happened_on",
            "visibility",
        ]
        labels = {
            "title": "What did the customer say?",
            "sentiment": "Was it a success, a frustration or an idea?",
            "customer_name": "Customer name",
            "customer_organisation": "Organisation",
            "customer_segment": "Segment",
            "visibility": "Who can see it",
            "shout_out_to": "Shout-out to a colleague or team",
        }
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 5}),
            "sentiment": forms.RadioSelect,
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": "Write down what the customer said: a quote or a short summary."},
            "sentiment": {
                "required": "Choose success, frustration or idea.",
                "invalid_choice": "Choose success, frustration or idea.",
            },
            "channel": {"invalid_choice": "Choose one of the listed channels."},
            "body": {
                "max_length": "Keep the detail to at most %(limit_value)d characters "
                "(this has %(show_value)d): trim it or link to the full text."
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" entry.
        self.fields["sentiment"].choices = Sentiment.choices  # type: ignore[attr-defined]
        if "happened_on" in self.fields:
            # The date picker offers the days the model accepts (validate_happened_on).
            self.fields["happened_on"].widget.attrs.update(
                {"min": company_founded().isoformat(), "max": timezone.localdate().isoformat()}
            )
        if self.instance.pk is None:
            # While a new insight is typed, the ones like it already logged appear beneath.
            self.fields["title"].widget.attrs.update(
                {
                    "hx-get": reverse_lazy("stories:similar"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#similar-stories",
                    "hx-swap": "innerHTML",
                    "hx-sync": "closest form:abort",
                }
            )

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(
                "Write down what the customer said: a quote or a short summary."
            )
        return title

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sentiment = cleaned.get("sentiment")
        # Kudos thank someone for a success; a frustration naming a colleague would be blame.
        if cleaned.get("shout_out_to") and sentiment and sentiment != Sentiment.SUCCESS:
            self.add_error(
                "shout_out_to",
                "Shout-outs are for successes: choose Success above, or leave this empty.",
            )
        return cleaned


class StoryFilterForm(forms.Form):
    """The list's filters; every field optional, bad values dropped rather than failing the page."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Kind.choices])
    sentiment = forms.ChoiceField(
        required=False, choices=[("", "Any sentiment"), *Sentiment.choices]
    )
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Channel.choices])
    tag = forms.CharField(required=False, max_length=TAG_MAX_LENGTH)
    author = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, label="Logged by", widget=forms.Select
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def offer_authors(self, people: list[User], *, you: User) -> None:
        """The author choice: anyone, you, then everyone else who logged a story, by name."""
        others = [(person.pk, display_name(person)) for person in people if person.pk != you.pk]
        widget = self.fields["author"].widget
        widget.choices = [("", "Anyone"), (you.pk, "You"), *others]

    def story_filters(self) -> StoryFilters:
        """The filters as the story selector takes them; invalid ones (a forged kind, a bad date)
        are left out, and the form shows why."""
        self.is_valid()
        cleaned = self.cleaned_data
        return StoryFilters(
            kind=cleaned.get("kind") or "",
            sentiment=cleaned.get("sentiment") or "",
            channel=cleaned.get("channel") or "",
            tag=cleaned.get("tag") or "",
            author=cleaned.get("author"),
            since=cleaned.get("since"),
            until=cleaned.get("until"),
            words=cleaned.get("q") or "",
        )


class QuickStoryForm(StoryForm):
    """The short form behind "Log an insight" on every page: quote, sentiment, a few extras."""

    prefix = "quick"

    class Meta(StoryForm.Meta):
        fields = ["title", "sentiment", "tags", "customer_name", "channel"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].widget.attrs.update(
            {"list": "quick-tag-suggestions", "hx-target": "#quick-tag-suggestions"}
        )
        self.fields["title"].widget.attrs["hx-target"] = "#quick-similar"
