"""Customer metrics pages: everyone reads the charts; admins define metrics and record values."""

import copy
import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from insightboard.people.roles import ADMIN_PERMISSION, is_admin, signed_in
from stories.metric_csv import (
    UPLOAD_MAX_BYTES,
    PreviewExpiredError,
    UploadReport,
    metric_upload_read,
    preview_entries,
    preview_sign,
)
from stories.metrics import (
    MetricInputError,
    RecordCounts,
    amount,
    checked_week,
    figure,
    metric_value_record,
    metric_values_record,
    metrics_overview,
    parse_value,
    week_name,
    week_of,
)
from stories.models import GoodDirection, Metric, MetricValue

RECENT_VALUES = 8
# A preview lists this many rows; the rest are counted.
PREVIEW_ROWS = 200
NAMES_SHOWN = 5

admin_only = permission_required(ADMIN_PERMISSION, raise_exception=True)


# --- Forms ---------------------------------------------------------------------------------------


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


class MetricUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns metric, week and value, with those names in the first row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty: it needs a header row and one row per value.",
            "invalid": "That was not a file: choose a CSV file to upload.",
        },
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; at most "
                f"{UPLOAD_MAX_BYTES // 1024 // 1024} MB fits in one upload: split it."
            )
        return upload


# --- Views ---------------------------------------------------------------------------------------


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    context = {"overviews": metrics_overview(), "can_manage": is_admin(request.user)}
    return render(request, "stories/metrics.html", context)


@admin_only
@require_http_methods(["GET", "POST"])
def metric_form(request: HttpRequest, metric_id: int | None = None) -> HttpResponse:
    metric = None if metric_id is None else get_object_or_404(Metric, pk=metric_id)
    # The form works on a copy: a rejected rename must not change the name the page shows.
    form = MetricForm(request.POST or None, instance=copy.copy(metric))
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if metric is None:
            messages.success(request, f"Added “{saved.name}”. Record its first value.")
            return redirect("stories:metric_record", metric_id=saved.pk)
        messages.success(request, f"Saved “{saved.name}”.")
        return redirect("stories:metrics")
    return render(request, "stories/metric_form.html", {"form": form, "metric": metric})


def initial_for(request: HttpRequest, metric: Metric, today: datetime.date) -> dict[str, object]:
    """This week, or the week a "Correct" link names, with the value already recorded for it."""
    try:
        week = week_of(datetime.date.fromisoformat(request.GET.get("week", "")[:10]))
    except ValueError:
        return {"week": week_of(today)}
    value = MetricValue.objects.filter(metric=metric, week=week).values_list("value", flat=True)
    recorded = value.first()
    return {"week": week} if recorded is None else {"week": week, "value": figure(recorded)}


@admin_only
@require_http_methods(["GET", "POST"])
def metric_record(request: HttpRequest, metric_id: int) -> HttpResponse:
    metric = get_object_or_404(Metric, pk=metric_id)
    today = timezone.localdate()
    if request.method == "POST":
        form = MetricValueForm(request.POST, unit=metric.unit, today=today)
        if form.is_valid():
            week, value = form.cleaned_data["week"], form.cleaned_data["value"]
            before = (
                MetricValue.objects.filter(metric=metric, week=week)
                .values_list("value", flat=True)
                .first()
            )
            metric_value_record(metric=metric, week=week, value=value, person=signed_in(request))
            messages.success(request, recorded_message(metric, week, value, before, today))
            # The top of the page, where the message says what happened, not the metric's card.
            return redirect("stories:metrics")
    else:
        form = MetricValueForm(
            initial=initial_for(request, metric, today), unit=metric.unit, today=today
        )
    recent = [
        (row.week, amount(row.value, metric.unit)) for row in metric.values.all()[:RECENT_VALUES]
    ]
    context = {"metric": metric, "form": form, "recent": recent}
    return render(request, "stories/metric_values_form.html", context)


def recorded_message(
    metric: Metric,
    week: datetime.date,
    value: Decimal,
    before: Decimal | None,
    today: datetime.date,
) -> str:
    when = f"the week of {week_name(week, today=today)}"
    now = amount(value, metric.unit)
    if before is None:
        return f"Recorded {now} for {metric.name} in {when}."
    if before == value:
        return f"{metric.name} was already {now} in {when}: nothing changed."
    return f"Corrected {metric.name} in {when}: {amount(before, metric.unit)} → {now}."


def uploaded_message(counts: RecordCounts) -> str:
    if not counts.written:
        # A second click on "Record", or a file someone else recorded meanwhile.
        return "Nothing changed: every value in the file was already recorded."
    words = (
        f"Recorded {counts.written} value{'' if counts.written == 1 else 's'}: "
        f"{counts.new} new, {counts.corrected} corrected"
    )
    return words + (f", {counts.unchanged} already so." if counts.unchanged else ".")


@admin_only
@require_http_methods(["GET", "POST"])
def metric_upload(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    if request.method == "POST" and "preview" in request.POST:
        try:
            entries = preview_entries(str(request.POST["preview"]), person=person)
        except PreviewExpiredError:
            messages.error(
                request,
                "That preview has expired or a metric in it was deleted meanwhile. "
                "Nothing was recorded: upload the file again.",
            )
            return redirect("stories:metric_upload")
        counts = metric_values_record(entries=entries, person=person)
        messages.success(request, uploaded_message(counts))
        return redirect("stories:metrics")
    posted = request.method == "POST"
    form = MetricUploadForm(request.POST if posted else None, request.FILES if posted else None)
    report: UploadReport | None = None
    signed = ""
    if posted and form.is_valid():
        report = metric_upload_read(form.cleaned_data["file"].read(), today=timezone.localdate())
        if report.ready:
            signed = preview_sign(report.rows, person=person)
    context = {
        "form": form,
        "report": report,
        "preview": signed,
        "shown_rows": report.rows[:PREVIEW_ROWS] if report else [],
        "hidden_rows": max(len(report.rows) - PREVIEW_ROWS, 0) if report else 0,
        # A few names to copy; one more than shown says whether there are others.
        "metric_names": list(Metric.objects.values_list("name", flat=True)[: NAMES_SHOWN + 1]),
        "names_shown": NAMES_SHOWN,
    }
    return render(request, "stories/metric_upload.html", context)
