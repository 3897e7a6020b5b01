"""Numbers and weeks as people type them, and values as people read them ("1,234.5", "42%").

A metric's value belongs to a week, and a week is named by its Monday. People may give any day of
the week (a form, a CSV row): it is counted in the Monday-to-Sunday week it falls in, and the
pages say which week that was ("the week of 16 Nov").
"""

import datetime
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from insightboard.plausible_dates import METRIC_YEARS, earliest_metric_week
from insightboard.weeks import week_name, week_start

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


class MetricInputError(ValueError):
    """A week or value someone typed or uploaded that cannot be recorded; the message says why."""


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
    """The Monday of the day's week, if that week has started and is recent enough to record."""
    week = week_start(day)
    if week > week_start(today):
        raise MetricInputError(
            f"The week of {week_name(week, today=today)} has not started yet: "
            "record values for this week or an earlier one."
        )
    earliest = earliest_metric_week(today)
    if week < earliest:
        raise MetricInputError(
            f"The week of {week_name(week, today=today)} is too long ago: values go back to "
            f"the week of {week_name(earliest, today=today)}, {METRIC_YEARS} years at most."
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
