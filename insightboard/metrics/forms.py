"""The forms behind the metrics pages: a metric, a week's value. Uploads use the shared CSV form."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms

from insightboard.metrics.models import GoodDirection, Metric
from insightboard.metrics.numbers import MetricInputError, checked_week, parse_value


class MetricForm(forms.ModelForm[Metric]):
    class Meta:
        model = Metric
        fields = ["name", "unit", "good_direction", "description"]
        labels = {"good_direction": "Which direction is good?"}
        help_texts = {
            "name": "What everyone will call it, for example “Net Promoter Score”.",
            "unit": "Optional. For example: %, minutes, £. It is shown with every value.",
            "description": "Optional. What it counts and where the number comes from.",
        }
        widgets = {
            "good_direction": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Give the metric a name."},
            "good_direction": {
                "required": "Say whether higher or lower is better.",
                "invalid_choice": "Say whether higher or lower is better.",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" entry.
        self.fields["good_direction"].choices = GoodDirection.choices  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the metric a name.")
        # "NPS" and "nps" side by side would read as one metric on every page and in CSV files.
        clash = Metric.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(f"There is already a metric called “{clash.name}”.")
        return name

    def clean_unit(self) -> str:
        return str(self.cleaned_data["unit"]).strip()

    def validate_unique(self) -> None:
        # The name's one rule is clean_name's, in words; a name another admin saves in the same
        # moment is refused by the database and said in the same words (services.metric_save).
        pass

    def validate_constraints(self) -> None:
        pass  # as validate_unique


class MetricValueForm(forms.Form):
    week = forms.DateField(
        help_text="Any day in the week will do: the value counts for the week starting that "
        "Monday.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Choose the week: any day in it.",
            "invalid": "That is not a date: write it as year-month-day, like 2025-11-17.",
        },
    )
    # Text, not a number box: browsers empty a number box they cannot read, losing what was typed.
    value = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Give a value, for example 42 or 3.5."},
    )

    def __init__(self, *args: Any, unit: str, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["value"].help_text = (
            f"In {unit}, without the unit: for example 42." if unit else "For example 42 or 3.5."
        )

    def clean_week(self) -> datetime.date:
        try:
            return checked_week(self.cleaned_data["week"], today=self.today)
        except MetricInputError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_value(self) -> Decimal:
        try:
            return parse_value(self.cleaned_data["value"])
        except MetricInputError as error:
            raise forms.ValidationError(str(error)) from None
