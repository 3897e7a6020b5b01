"""A metric's recent weeks as a sparkline: where the dots and lines of the inline SVG go.

templates/metrics/chart.html draws it (escaped) beside a table of every value. The weekly email
draws its own bars as table cells: mail clients do not show SVG.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from insightboard.metrics.numbers import amount
from insightboard.metrics.selectors import MetricOverview
from insightboard.weeks import week_name

CHART_WIDTH = 240
CHART_HEIGHT = 64
CHART_PADDING = 8


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    week: datetime.date
    text: str  # the value with its unit
    latest: bool


@dataclass(frozen=True)
class Chart:
    """Where the dots and lines go; templates/stories/metric_chart.html draws them (escaped)."""

    width: int
    height: int
    points: tuple[ChartPoint, ...]
    lines: tuple[str, ...]  # an SVG `points` list per run of recorded weeks; a gap breaks it
    title: str
    description: str


def metric_chart(overview: MetricOverview) -> Chart:
    metric = overview.metric
    recorded = [week for week in overview.weeks if week.value is not None]
    values = [week.value for week in recorded if week.value is not None]
    low, high = (min(values), max(values)) if values else (Decimal(0), Decimal(0))
    span = CHART_WIDTH - 2 * CHART_PADDING
    rise = CHART_HEIGHT - 2 * CHART_PADDING
    step = span / max(len(overview.weeks) - 1, 1)
    points: list[ChartPoint] = []
    runs: list[list[ChartPoint]] = [[]]
    for index, week in enumerate(overview.weeks):
        if week.value is None:
            runs.append([])
            continue
        # A flat series sits in the middle; otherwise the lowest value at the bottom.
        share = float((week.value - low) / (high - low)) if high != low else 0.5
        point = ChartPoint(
            x=round(CHART_PADDING + index * step, 1),
            y=round(CHART_HEIGHT - CHART_PADDING - share * rise, 1),
            week=week.week,
            text=amount(week.value, metric.unit),
            latest=overview.latest is not None and week.week == overview.latest.week,
        )
        points.append(point)
        runs[-1].append(point)
    lines = tuple(
        " ".join(f"{point.x:g},{point.y:g}" for point in run) for run in runs if len(run) > 1
    )
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=tuple(points),
        lines=lines,
        title=f"{metric.name}, the last {len(overview.weeks)} weeks",
        description=chart_description(overview, low, high),
    )


def chart_description(overview: MetricOverview, low: Decimal, high: Decimal) -> str:
    """What the chart shows, in words, for people who cannot see it."""
    unit = overview.metric.unit
    recorded = [(week.week, week.value) for week in overview.weeks if week.value is not None]
    if not recorded:
        return "No values recorded in these weeks."
    (first_week, first), (last_week, last) = recorded[0], recorded[-1]
    missing = len(overview.weeks) - len(recorded)
    if len(recorded) == 1:
        words = f"Only one value: {amount(last, unit)} in the week of {week_name(last_week)}."
    else:
        words = (
            f"From {amount(first, unit)} in the week of {week_name(first_week)} "
            f"to {amount(last, unit)} in the week of {week_name(last_week)}; "
            f"lowest {amount(low, unit)}, highest {amount(high, unit)}."
        )
    if missing:
        words += f" {missing} week{'' if missing == 1 else 's'} not recorded."
    return words
