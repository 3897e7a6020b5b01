"""The company week: Monday to Sunday in the company's time zone, named like 2026-W47, contiguous
and never overlapping, the clocks changing or not."""

import datetime

import pytest

from insightboard.weeks import (
    WEEK,
    NotAWeek,
    last_complete_week,
    week_dates,
    week_from_label,
    week_label,
    week_span,
    week_start,
)

HOUR = datetime.timedelta(hours=1)
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]


@pytest.mark.parametrize("zone", ZONES)
def test_it_makes_weeks_that_follow_one_another_without_gap_or_overlap(settings, zone):
    settings.TIME_ZONE = zone
    monday = datetime.date(2025, 1, 6)
    lengths = set()
    for _ in range(3 * 52):
        start, end = week_span(monday)
        assert week_span(monday + WEEK)[0] == end
        assert start.astimezone(start.tzinfo).time() == datetime.time.min
        # In UTC: two times with the same zone would subtract as wall-clock times.
        hours = (end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)) / HOUR
        lengths.add(round(hours))
        monday += WEEK
    # A week with a clock change is an hour shorter or longer, never anything else.
    assert lengths <= {167, 168, 169}
    assert len(lengths) == (1 if zone == "Asia/Kolkata" else 3)


@pytest.mark.parametrize(
    ("monday", "label", "dates"),
    [
        (datetime.date(2026, 11, 16), "2026-W47", "16–22 Nov 2026"),
        (datetime.date(2026, 11, 30), "2026-W49", "30 Nov – 6 Dec 2026"),
        (datetime.date(2026, 12, 28), "2026-W53", "28 Dec 2026 – 3 Jan 2027"),
        (datetime.date(2024, 12, 30), "2025-W01", "30 Dec 2024 – 5 Jan 2025"),
    ],
)
def test_it_names_a_week_and_its_exact_dates(monday, label, dates):
    assert week_label(monday) == label
    assert week_from_label(label) == monday
    assert week_dates(monday) == dates


@pytest.mark.parametrize("label", ["2026-W54", "2025-W53", "2026-W00", "2026-47", "W47", ""])
def test_it_refuses_what_is_not_a_week(label):
    with pytest.raises(NotAWeek):
        week_from_label(label)


def test_it_knows_the_monday_and_the_last_complete_week():
    sunday = datetime.date(2026, 11, 22)

    assert week_start(sunday) == datetime.date(2026, 11, 16)
    assert last_complete_week(sunday) == datetime.date(2026, 11, 9)
    assert last_complete_week(datetime.date(2026, 11, 23)) == datetime.date(2026, 11, 16)
