"""Customer metrics: what the weekly report counts, week by week.

A metric's value belongs to a week, and a week is named by its Monday. People may give any day of
the week (a form, a CSV row): it is counted in the Monday-to-Sunday week it falls in, and the
pages say which week that was ("the week of 16 Nov"). The service itself only takes Mondays, so
every caller decides that normalisation in the open instead of having it happen by surprise.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from stories.models import GoodDirection, Metric, MetricValue

WEEK = datetime.timedelta(days=7)
CHART_WEEKS = 8
# MetricValue.value holds 16 digits, 4 of them after the point. SQLite keeps decimals as floats,
# which hold 15 digits exactly: a 16-digit value would come back rounded up past the column and
# fail every read of the metric. So values keep to 11 digits before the point.
DECIMAL_PLACES = 4
STEP = Decimal(1).scaleb(-DECIMAL_PLACES)
LARGEST_VALUE = Decimal(10) ** (15 - DECIMAL_PLACES)
# A number longer than this is a mistake (or an attack), whatever it says.
VALUE_MAX_LENGTH = 40
# Spreadsheets write thousands separators into numbers: "1,234.5".
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
# Written straight after the number ("42%") or before it ("£42"); any other unit follows a space.
UNITS_AFTER = {"%"}
UNITS_BEFORE = {"£", "$", "€", "¥"}


class MetricWeekError(ValueError):
    """A value was given for a day that is not a Monday."""


class MetricInputError(ValueError):
    """A week or value someone typed or uploaded that cannot be recorded; the message says why."""


def week_of(day: datetime.date) -> datetime.date:
    """The Monday starting the week a day falls in."""
    return day - datetime.timedelta(days=day.weekday())


def week_name(week: datetime.date, *, today: datetime.date | None = None) -> str:
    """ "16 Nov", with the year when it is not this year's."""
    today = today or timezone.localdate()
    return date_format(week, "j M" if week.year == today.year else "j M Y")


def metric_value_record(
    *, metric: Metric, week: datetime.date, value: Decimal, person: User | None
) -> tuple[MetricValue, bool]:
    """Record (or correct) a metric's value for a week; returns the row and whether it is new."""
    if week.weekday() != 0:
        raise MetricWeekError(f"{week:%Y-%m-%d} is not a Monday: weeks start on Mondays.")
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


@transaction.atomic
def metric_values_record(*, entries: Sequence[MetricEntry], person: User | None) -> RecordCounts:
    """Record many values at once (a CSV upload), all or none; a value already there is left be."""
    if any(entry.week.weekday() != 0 for entry in entries):
        raise MetricWeekError("Every week must be given by its Monday.")
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


# --- What people type ---------------------------------------------------------------------------


def parse_value(text: str) -> Decimal:
    """A number as people type it ("42", "-3.5", "1,234.5", "1e3"), kept to 4 decimal places."""
    typed = text.strip()
    if not typed:
        raise MetricInputError("Give a value, for example 42 or 3.5.")
    if len(typed) > VALUE_MAX_LENGTH:
        raise MetricInputError(
            f"“{typed[:20]}…” is not a number we can record: it is {len(typed)} characters long."
        )
    number = typed.replace(",", "") if THOUSANDS.fullmatch(typed) else typed
    try:
        value = Decimal(number)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        if "," in typed:
            raise MetricInputError(f"“{typed}” is not a number: use a dot for decimals, like 3.5.")
        raise MetricInputError(f"“{typed}” is not a number: write it like 42 or 3.5.")
    if abs(value) >= LARGEST_VALUE:
        raise MetricInputError(
            f"{typed} is too large: values must stay below {LARGEST_VALUE:,} either side of zero."
        )
    # Beyond 4 decimal places is noise for a weekly figure; rounding keeps it from failing.
    return value.quantize(STEP, rounding=ROUND_HALF_EVEN)


def checked_week(day: datetime.date, *, today: datetime.date) -> datetime.date:
    """The Monday of the day's week, if that week has started."""
    week = week_of(day)
    if week > week_of(today):
        raise MetricInputError(
            f"The week of {week_name(week, today=today)} has not started yet: "
            "record values for this week or an earlier one."
        )
    return week


def parse_week(text: str, *, today: datetime.date) -> datetime.date:
    """A day in ISO form (2025-11-19) or an ISO week (2025-W47), as the Monday of its week."""
    typed = text.strip()
    if not typed:
        raise MetricInputError("Give the week: any day in it, like 2025-11-17.")
    try:
        day = datetime.date.fromisoformat(typed[:VALUE_MAX_LENGTH])
    except ValueError:
        shown = typed if len(typed) <= VALUE_MAX_LENGTH else f"{typed[:20]}…"
        raise MetricInputError(
            f"“{shown}” is not a date: write it as year-month-day, like 2025-11-17."
        ) from None
    return checked_week(day, today=today)


# --- How values read ----------------------------------------------------------------------------


def figure(value: Decimal) -> str:
    """A value as people write it: "1,234.5", "42", "-0.25" (no trailing zeros)."""
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def amount(value: Decimal, unit: str) -> str:
    """A value with its unit: "42%", "£1,200", "3.5 minutes"."""
    text = figure(value)
    if not unit:
        return text
    if unit in UNITS_AFTER:
        return f"{text}{unit}"
    if unit in UNITS_BEFORE:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def difference(value: Decimal, unit: str) -> str:
    """A change between two values, without its sign: a change in a percentage is in points."""
    if unit == "%":
        return f"{figure(abs(value))} point{'' if abs(value) == 1 else 's'}"
    return amount(abs(value), unit)


# --- The overview: each metric's recent weeks ---------------------------------------------------


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

    @property
    def chart(self) -> "Chart":
        return metric_chart(self)


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
    last = week_of(until or timezone.localdate())
    window = [last - WEEK * back for back in reversed(range(weeks))]
    recent = MetricValue.objects.filter(week__gte=window[0] - WEEK, week__lte=last).order_by("week")
    metrics = Metric.objects.prefetch_related(Prefetch("values", queryset=recent, to_attr="recent"))
    return [overview_of(metric, metric.recent, window) for metric in metrics]


# --- The chart: a sparkline as inline SVG -------------------------------------------------------

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
