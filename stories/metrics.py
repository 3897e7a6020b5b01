"""Customer metrics: what the weekly report counts, week by week."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User

from stories.models import Metric, MetricValue


class MetricWeekError(ValueError):
    """A value was given for a day that is not a Monday."""


def week_of(day: datetime.date) -> datetime.date:
    """The Monday starting the week a day falls in."""
    return day - datetime.timedelta(days=day.weekday())


def metric_value_record(
    *, metric: Metric, week: datetime.date, value: Decimal, person: User | None
) -> tuple[MetricValue, bool]:
    """Record (or correct) a metric's value for a week; returns the row and whether it is new."""
    if week.weekday() != 0:
        raise MetricWeekError(f"{week:%Y-%m-%d} is not a Monday: weeks start on Mondays.")
    return MetricValue.objects.update_or_create(
        metric=metric, week=week, defaults={"value": value, "recorded_by": person}
    )
