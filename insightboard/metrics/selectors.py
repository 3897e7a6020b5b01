"""Reading metrics: each metric's recent weeks and how the latest compares with the week before.

`metrics_overview()` is the input of the metrics page and of the weekly digest: it knows no
request and takes the week to look back from, so a digest for a past week reads that week.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from insightboard.metrics.models import GoodDirection, Metric, MetricValue
from insightboard.metrics.numbers import amount, difference
from insightboard.weeks import WEEK, week_start

CHART_WEEKS = 8


def existing_values(
    pairs: Iterable[tuple[int, datetime.date]],
) -> dict[tuple[int, datetime.date], Decimal]:
    """The values already recorded for these (metric id, week) pairs, in one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    weeks = [week for _, week in wanted]
    rows = MetricValue.objects.filter(
        metric_id__in={metric_id for metric_id, _ in wanted},
        week__gte=min(weeks),
        week__lte=max(weeks),
    ).values_list("metric_id", "week", "value")
    return {
        (metric_id, week): value for metric_id, week, value in rows if (metric_id, week) in wanted
    }


class Verdict(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"


@dataclass(frozen=True)
class WeekValue:
    week: datetime.date
    value: Decimal | None  # None: nothing recorded that week


@dataclass(frozen=True)
class Change:
    """The latest value against the week before it."""

    absolute: Decimal
    percent: Decimal | None  # None when the week before was zero
    verdict: Verdict

    @property
    def direction(self) -> str:
        if self.absolute > 0:
            return "up"
        return "down" if self.absolute < 0 else "flat"


def change_between(latest: Decimal, previous: Decimal, good: str) -> Change:
    absolute = latest - previous
    percent = None
    if previous != 0:
        percent = (absolute / abs(previous) * 100).quantize(Decimal("0.1"))
    verdict = Verdict.SAME
    if absolute:
        verdict = Verdict.BETTER if (absolute > 0) == (good == GoodDirection.UP) else Verdict.WORSE
    return Change(absolute=absolute, percent=percent, verdict=verdict)


@dataclass(frozen=True)
class MetricOverview:
    """A metric's last weeks, oldest first, and how its latest value compares with the week
    before. The metrics page and the weekly digest both read this; it knows no request."""

    metric: Metric
    weeks: tuple[WeekValue, ...]
    latest: WeekValue | None  # the newest recorded week in the window
    previous: WeekValue | None  # the week just before the latest, if it was recorded
    change: Change | None

    @property
    def latest_text(self) -> str:
        if self.latest is None or self.latest.value is None:
            return ""
        return amount(self.latest.value, self.metric.unit)

    @property
    def previous_text(self) -> str:
        if self.previous is None or self.previous.value is None:
            return ""
        return amount(self.previous.value, self.metric.unit)

    @property
    def change_text(self) -> str:
        """ "Up 3 points on the week before (39%), +7.7%", "No change on the week before"."""
        if self.change is None:
            return ""
        if self.change.direction == "flat":
            return "No change on the week before"
        words = (
            f"{self.change.direction.title()} {difference(self.change.absolute, self.metric.unit)}"
        )
        words += f" on the week before ({self.previous_text})"
        if self.change.percent is not None:
            words += f", {self.change.percent:+}%"
        return words

    @property
    def newest_first(self) -> list[tuple[datetime.date, str]]:
        """Each week with its value and unit, newest first ("" when nothing was recorded)."""
        return [
            (week.week, "" if week.value is None else amount(week.value, self.metric.unit))
            for week in reversed(self.weeks)
        ]

    @property
    def recorded_weeks(self) -> int:
        return sum(week.value is not None for week in self.weeks)


def overview_of(
    metric: Metric, values: Sequence[MetricValue], weeks: list[datetime.date]
) -> MetricOverview:
    by_week = {row.week: row.value for row in values}
    shown = tuple(WeekValue(week, by_week.get(week)) for week in weeks)
    recorded = [week for week in shown if week.value is not None]
    latest = recorded[-1] if recorded else None
    previous = None
    change = None
    if latest is not None and latest.value is not None:
        before = by_week.get(latest.week - WEEK)
        if before is not None:
            previous = WeekValue(latest.week - WEEK, before)
            change = change_between(latest.value, before, metric.good_direction)
    return MetricOverview(
        metric=metric, weeks=shown, latest=latest, previous=previous, change=change
    )


def metrics_overview(
    *, weeks: int = CHART_WEEKS, until: datetime.date | None = None
) -> list[MetricOverview]:
    """Every metric with its last `weeks` weeks up to the week of `until` (today by default).

    Two queries however many metrics and weeks: the metrics, then the values in the window (plus
    the week before it, so the oldest week shown can still be compared)."""
    if weeks < 1:
        raise ValueError(f"An overview needs at least one week, not {weeks}.")
    last = week_start(until or timezone.localdate())
    window = [last - WEEK * back for back in reversed(range(weeks))]
    recent = MetricValue.objects.filter(week__gte=window[0] - WEEK, week__lte=last).order_by("week")
    metrics = Metric.objects.prefetch_related(Prefetch("values", queryset=recent, to_attr="recent"))
    return [overview_of(metric, metric.recent, window) for metric in metrics]


def metric_with_id(metric_id: int) -> Metric | None:
    return Metric.objects.filter(pk=metric_id).first()


def metrics_with_latest() -> list[Metric]:
    """Every metric, by name, with its latest recorded week and value (`latest_week`,
    `latest_value`; None when nothing is recorded), in one query."""
    latest = MetricValue.objects.filter(metric=OuterRef("pk")).order_by("-week")
    return list(
        Metric.objects.annotate(
            latest_week=Subquery(latest.values("week")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
        ).order_by("name")
    )
