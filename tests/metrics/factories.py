"""Metrics and their weekly values, on a calendar frozen on a Wednesday (see conftest.py)."""

import datetime
from decimal import Decimal

import factory

from insightboard.metrics.models import GoodDirection, Metric, MetricValue

# A Wednesday: this week began on Monday 16 Nov 2026.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
THIS_WEEK = datetime.date(2026, 11, 16)
WEEK = datetime.timedelta(days=7)


def weeks_ago(count: int) -> datetime.date:
    return THIS_WEEK - WEEK * count


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    name = "Net Promoter Score"
    good_direction = GoodDirection.UP


class MetricValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricValue

    metric = factory.SubFactory(MetricFactory)
    week = THIS_WEEK
    value = Decimal(42)


def record(metric: Metric, values: dict[int, str]) -> None:
    """Values by how many weeks ago they were."""
    for ago, value in values.items():
        MetricValueFactory(metric=metric, week=weeks_ago(ago), value=Decimal(value))
