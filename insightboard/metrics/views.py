"""Customer metrics pages: everyone reads the charts; admins define metrics and record values."""

import copy
import datetime
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from insightboard.csv_upload import CsvUploadForm
from insightboard.metrics.charts import metric_chart
from insightboard.metrics.forms import MetricForm, MetricValueForm
from insightboard.metrics.models import Metric, MetricValue
from insightboard.metrics.numbers import amount, figure
from insightboard.metrics.selectors import metrics_overview
from insightboard.metrics.services import (
    MetricNameTaken,
    MetricWeekError,
    RecordCounts,
    metric_save,
    metric_value_record,
    metric_values_record,
)
from insightboard.metrics.uploads import (
    UPLOAD_MAX_BYTES,
    UPLOAD_MAX_ROWS,
    PreviewExpiredError,
    UploadReport,
    metric_upload_read,
    preview_entries,
    preview_sign,
)
from insightboard.people.roles import admin_required, is_admin, signed_in
from insightboard.submissions.decorators import submitted_once
from insightboard.weeks import week_name, week_start

RECENT_VALUES = 8
# A preview lists this many rows; the rest are counted.
PREVIEW_ROWS = 200
NAMES_SHOWN = 5


def upload_form(request: HttpRequest) -> CsvUploadForm:
    posted = request.method == "POST"
    return CsvUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=UPLOAD_MAX_BYTES,
        help_text=f"Columns metric, week and value, with those names in the first row. UTF-8, at "
        f"most {UPLOAD_MAX_BYTES // 1024 // 1024} MB and {UPLOAD_MAX_ROWS:,} rows.",
    )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    cards = [(overview, metric_chart(overview)) for overview in metrics_overview()]
    context = {"cards": cards, "can_manage": is_admin(request.user)}
    return render(request, "metrics/metrics.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
@submitted_once
def metric_form(request: HttpRequest, metric_id: int | None = None) -> HttpResponse:
    metric = None if metric_id is None else get_object_or_404(Metric, pk=metric_id)
    # The form works on a copy: a rejected rename must not change the name the page shows.
    form = MetricForm(request.POST or None, instance=copy.copy(metric))
    if request.method == "POST" and form.is_valid():
        try:
            saved = metric_save(form.instance)
        except MetricNameTaken as error:
            # The form checked the name, yet another admin saved it in the same moment.
            form.add_error("name", str(error))
            context = {"form": form, "metric": metric}
            return render(request, "metrics/metric_form.html", context, status=409)
        if metric is None:
            messages.success(request, f"Added “{saved.name}”. Record its first value.")
            return redirect("metrics:record", metric_id=saved.pk)
        messages.success(request, f"Saved “{saved.name}”.")
        return redirect("metrics:list")
    return render(request, "metrics/metric_form.html", {"form": form, "metric": metric})


def initial_for(request: HttpRequest, metric: Metric, today: datetime.date) -> dict[str, object]:
    """This week, or the week a "Correct" link names, with the value already recorded for it."""
    try:
        week = week_start(datetime.date.fromisoformat(request.GET.get("week", "")[:10]))
    except ValueError:
        return {"week": week_start(today)}
    value = MetricValue.objects.filter(metric=metric, week=week).values_list("value", flat=True)
    recorded = value.first()
    return {"week": week} if recorded is None else {"week": week, "value": figure(recorded)}


@admin_required
@require_http_methods(["GET", "POST"])
@submitted_once
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
            return redirect("metrics:list")
    else:
        form = MetricValueForm(
            initial=initial_for(request, metric, today), unit=metric.unit, today=today
        )
    recent = [
        (row.week, amount(row.value, metric.unit)) for row in metric.values.all()[:RECENT_VALUES]
    ]
    context = {"metric": metric, "form": form, "recent": recent}
    return render(request, "metrics/record.html", context)


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


@admin_required
@require_http_methods(["GET", "POST"])
@submitted_once
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
            return redirect("metrics:upload")
        try:
            counts = metric_values_record(entries=entries, person=person)
        except MetricWeekError as error:
            # The weeks were checked at the preview; the range may have moved on since.
            messages.error(request, f"Nothing was recorded: {error} Upload the file again.")
            return redirect("metrics:upload")
        messages.success(request, uploaded_message(counts))
        return redirect("metrics:list")
    form = upload_form(request)
    report: UploadReport | None = None
    signed = ""
    if form.is_bound and form.is_valid():
        report = metric_upload_read(form.cleaned_data["file"].read(), today=timezone.localdate())
        if report.ready:
            signed = preview_sign(report.rows, person=person)
    context = {
        "form": form,
        "report": report,
        "preview": signed,
        # Until a file is ready to record, checking one is the page's main action.
        "upload_is_main": report is None or not report.ready,
        "shown_rows": report.rows[:PREVIEW_ROWS] if report else [],
        "hidden_rows": max(len(report.rows) - PREVIEW_ROWS, 0) if report else 0,
        # A few names to copy; one more than shown says whether there are others.
        "metric_names": list(Metric.objects.values_list("name", flat=True)[: NAMES_SHOWN + 1]),
        "names_shown": NAMES_SHOWN,
    }
    return render(request, "metrics/upload.html", context)
