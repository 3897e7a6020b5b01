"""Numbers as people type them, weeks as any day in them, and values written with their units."""

import datetime
from decimal import Decimal

import pytest

from insightboard.metrics.numbers import (
    MetricInputError,
    amount,
    difference,
    figure,
    parse_value,
    parse_week,
)
from insightboard.metrics.services import MetricWeekError, metric_value_record
from insightboard.weeks import week_start as week_of
from tests.metrics.factories import THIS_WEEK, TODAY, WEEK, MetricFactory

# --- Reading and writing numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("42", "42"),
        (" -3.5 ", "-3.5"),
        ("1,234.5", "1234.5"),
        ("1e3", "1000"),
        ("0.123456", "0.1235"),
        ("99999999999.9999", "99999999999.9999"),
    ],
)
def test_it_reads_numbers_as_people_type_them(typed, value):
    assert parse_value(typed) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Give a value"),
        ("forty", "“forty” is not a number"),
        ("42,5", "use a dot for decimals"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("100000000000", "is too large"),
        ("-1e20", "is too large"),
        ("9" * 5000, "is not a number we can record"),
    ],
)
def test_it_refuses_what_is_not_a_number_it_can_keep(typed, message):
    with pytest.raises(MetricInputError, match=message):
        parse_value(typed)


def test_it_counts_any_day_in_the_week_it_falls_in():
    assert parse_week("2026-11-22", today=TODAY) == THIS_WEEK  # a Sunday
    assert parse_week("2026-W47", today=TODAY) == THIS_WEEK
    assert week_of(datetime.date(2026, 11, 16)) == THIS_WEEK


def test_it_writes_values_with_their_units():
    assert figure(Decimal("1234.5000")) == "1,234.5"
    assert figure(Decimal("100.0000")) == "100"
    assert figure(Decimal("-0.0000")) == "0"
    assert amount(Decimal("42.0000"), "%") == "42%"
    assert amount(Decimal("-5"), "£") == "-£5"
    assert amount(Decimal("3.5"), "minutes") == "3.5 minutes"
    assert difference(Decimal("-1"), "%") == "1 point"


@pytest.mark.django_db
def test_it_records_only_mondays_in_the_service():
    with pytest.raises(MetricWeekError):
        metric_value_record(
            metric=MetricFactory(), week=THIS_WEEK + WEEK / 7, value=Decimal(1), person=None
        )
