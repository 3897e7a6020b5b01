"""The demo company's customer metrics, each with eight weeks of values."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from insightboard.demo.data.metrics import METRICS
from insightboard.demo.people import demo_email
from insightboard.metrics.models import Metric
from insightboard.metrics.services import metric_value_record
from insightboard.weeks import week_start

WEEKS = 8


@transaction.atomic
def metrics_seed() -> str:
    """Add the demo metrics, their values recorded by the demo admin; does nothing if any
    metric exists. Returns what it did, in a sentence for the terminal."""
    if Metric.objects.exists():
        return "Metrics already exist: no demo metrics added."
    recorder = User.objects.filter(username=demo_email("Ada")).first()
    rng = random.Random(4)  # noqa: S311 - demo data, the same every time
    this_week = week_start(timezone.localdate())
    for plan in METRICS:
        metric = Metric.objects.create(
            name=plan.name,
            unit=plan.unit,
            good_direction=plan.good_direction,
            description=plan.description,
        )
        for weeks_ago in range(WEEKS - 1, -1, -1):
            week = this_week - datetime.timedelta(weeks=weeks_ago)
            raw = (
                plan.start
                + plan.drift * (WEEKS - 1 - weeks_ago)
                + rng.uniform(-plan.noise, plan.noise)
            )
            value = Decimal(str(round(raw, 1)))
            metric_value_record(metric=metric, week=week, value=value, person=recorder)
    return f"Added {len(METRICS)} demo metrics with {WEEKS} weeks each."
