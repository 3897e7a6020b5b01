"""`python manage.py seed_demo_metrics`: four customer metrics with eight weeks of values."""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.utils import timezone

from insightboard.metrics.models import GoodDirection, Metric
from insightboard.metrics.services import metric_value_record
from insightboard.weeks import week_start as week_of
from stories.management.commands.seed_demo import DEMO_DOMAIN

WEEKS = 8

# (name, unit, good direction, description, starting value, weekly drift, noise)
DEMO_METRICS = (
    (
        "Net Promoter Score",
        "points",
        GoodDirection.UP,
        "From the weekly survey: promoters minus detractors.",
        31,
        0.6,
        2.5,
    ),
    (
        "First reply to support",
        "minutes",
        GoodDirection.DOWN,
        "Median time until a customer hears back from a person.",
        48,
        -1.5,
        4.0,
    ),
    (
        "Checkouts finished without help",
        "%",
        GoodDirection.UP,
        "Share of started checkouts completed without a call or chat.",
        87,
        0.3,
        1.2,
    ),
    (
        "Cancellations",
        "",
        GoodDirection.DOWN,
        "Customers who left this week.",
        64,
        -0.8,
        6.0,
    ),
)


class Command(BaseCommand):
    help = (
        "Add demo customer metrics with eight weeks of values; does nothing if any metric exists."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if Metric.objects.exists():
            self.stdout.write("Metrics already exist: no demo metrics added.")
            return
        recorder = User.objects.filter(username=f"ada@{DEMO_DOMAIN}").first()
        rng = random.Random(4)  # noqa: S311 - demo data, the same every time
        this_week = week_of(timezone.localdate())
        for name, unit, direction, description, start, drift, noise in DEMO_METRICS:
            metric = Metric.objects.create(
                name=name, unit=unit, good_direction=direction, description=description
            )
            for weeks_ago in range(WEEKS - 1, -1, -1):
                week = this_week - datetime.timedelta(weeks=weeks_ago)
                raw = start + drift * (WEEKS - 1 - weeks_ago) + rng.uniform(-noise, noise)
                value = Decimal(str(round(raw, 1)))
                metric_value_record(metric=metric, week=week, value=value, person=recorder)
        self.stdout.write(f"Added {len(DEMO_METRICS)} demo metrics with {WEEKS} weeks each.")
