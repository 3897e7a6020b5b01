"""Recording metric values: one week's value from a form or the API, or many from a CSV upload.

The services take the Monday of each week only, so every caller decides in the open how a day
someone typed becomes its week (see insightboard.metrics.numbers.checked_week).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from insightboard.metrics.models import Metric, MetricValue
from insightboard.metrics.selectors import existing_values
from insightboard.plausible_dates import validate_metric_week


class MetricNameTaken(ValueError):
    """Another metric has this name (in any letter case); the message says which."""


def metric_save(metric: Metric) -> Metric:
    """Add or rename a metric; a name taken a moment ago by another admin is refused in words."""
    try:
        with transaction.atomic():
            metric.save()
    except IntegrityError:
        clash = Metric.objects.filter(name__iexact=metric.name).exclude(pk=metric.pk).first()
        raise MetricNameTaken(
            f"There is already a metric called “{clash.name if clash else metric.name}”."
        ) from None
    return metric


class MetricWeekError(ValueError):
    """A value was given for a day that is not a Monday, or for a week outside the range."""


def week_checked(week: datetime.date) -> None:
    if week.weekday() != 0:
        raise MetricWeekError(f"{week:%Y-%m-%d} is not a Monday: weeks start on Mondays.")
    try:
        validate_metric_week(week)
    except ValidationError as error:
        raise MetricWeekError(error.messages[0]) from None


def metric_value_record(
    *, metric: Metric, week: datetime.date, value: Decimal, person: User | None
) -> tuple[MetricValue, bool]:
    """Record (or correct) a metric's value for a week; returns the row and whether it is new."""
    week_checked(week)
    return MetricValue.objects.update_or_create(
        metric=metric, week=week, defaults={"value": value, "recorded_by": person}
    )


@dataclass(frozen=True)
class MetricEntry:
    """One value to record: a metric, the Monday of its week, and the number."""

    metric: Metric
    week: datetime.date
    value: Decimal


@dataclass(frozen=True)
class RecordCounts:
    new: int
    corrected: int
    unchanged: int

    @property
    def written(self) -> int:
        return self.new + self.corrected


@transaction.atomic
def metric_values_record(*, entries: Sequence[MetricEntry], person: User | None) -> RecordCounts:
    """Record many values at once (a CSV upload), all or none; a value already there is left be."""
    if any(entry.week.weekday() != 0 for entry in entries):
        raise MetricWeekError("Every week must be given by its Monday.")
    for week in {entry.week for entry in entries}:
        week_checked(week)
    before = existing_values((entry.metric.pk, entry.week) for entry in entries)
    now = timezone.now()
    changed = [
        MetricValue(
            metric=entry.metric,
            week=entry.week,
            value=entry.value,
            recorded_by=person,
            recorded_at=now,
        )
        for entry in entries
        if before.get((entry.metric.pk, entry.week)) != entry.value
    ]
    # One upsert for all of them: a correction replaces the week's value, as the form does.
    MetricValue.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["metric", "week"],
        update_fields=["value", "recorded_by", "recorded_at"],
    )
    new = sum((row.metric.pk, row.week) not in before for row in changed)
    return RecordCounts(
        new=new, corrected=len(changed) - new, unchanged=len(entries) - len(changed)
    )
