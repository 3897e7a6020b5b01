"""The overview: each metric's last weeks, oldest first, and the change on the week before."""

import datetime
from decimal import Decimal

import pytest

from insightboard.metrics.models import GoodDirection
from insightboard.metrics.selectors import Verdict, metrics_overview
from tests.metrics.factories import THIS_WEEK, MetricFactory, record, weeks_ago

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


# --- The overview selector ----------------------------------------------------------------------


def test_it_gives_each_metric_its_last_weeks_oldest_first_with_gaps():
    nps = MetricFactory(unit="")
    record(nps, {0: "42", 1: "40", 3: "35", 9: "10"})

    [overview] = metrics_overview(weeks=4)

    assert [week.week for week in overview.weeks] == [
        weeks_ago(3),
        weeks_ago(2),
        weeks_ago(1),
        THIS_WEEK,
    ]
    assert [week.value for week in overview.weeks] == [Decimal(35), None, Decimal(40), Decimal(42)]
    assert overview.latest.week == THIS_WEEK
    assert overview.previous.week == weeks_ago(1)
    assert overview.recorded_weeks == 3


def test_it_compares_the_latest_week_with_the_week_before():
    nps = MetricFactory(unit="%")
    record(nps, {0: "42", 1: "40"})

    [overview] = metrics_overview()

    assert overview.change.absolute == Decimal(2)
    assert overview.change.percent == Decimal("5.0")
    assert overview.change.direction == "up"
    assert overview.change.verdict == Verdict.BETTER
    assert overview.latest_text == "42%"
    assert overview.change_text == "Up 2 points on the week before (40%), +5.0%"


def test_it_calls_a_fall_better_when_lower_is_better():
    wait = MetricFactory(
        name="Wait on the phone", unit="minutes", good_direction=GoodDirection.DOWN
    )
    rises = MetricFactory(name="Refunds", unit="£", good_direction=GoodDirection.DOWN)
    record(wait, {0: "3.5", 1: "5"})
    record(rises, {0: "1200", 1: "1000"})

    by_name = {overview.metric.name: overview for overview in metrics_overview()}

    assert by_name["Wait on the phone"].change.verdict == Verdict.BETTER
    assert by_name["Wait on the phone"].change_text == (
        "Down 1.5 minutes on the week before (5 minutes), -30.0%"
    )
    assert by_name["Refunds"].change.verdict == Verdict.WORSE
    assert by_name["Refunds"].change_text == "Up £200 on the week before (£1,000), +20.0%"


def test_it_says_same_when_nothing_moved_and_nothing_without_the_week_before():
    flat = MetricFactory(name="Flat")
    lonely = MetricFactory(name="Lonely")
    record(flat, {0: "7", 1: "7"})
    record(lonely, {0: "7", 2: "6"})

    by_name = {overview.metric.name: overview for overview in metrics_overview()}

    assert by_name["Flat"].change.verdict == Verdict.SAME
    assert by_name["Flat"].change_text == "No change on the week before"
    assert by_name["Lonely"].previous is None
    assert by_name["Lonely"].change is None


def test_it_compares_the_oldest_week_shown_with_the_week_before_the_window():
    nps = MetricFactory()
    record(nps, {3: "30", 4: "20"})

    [overview] = metrics_overview(weeks=4)

    assert overview.latest.week == weeks_ago(3)
    assert overview.previous.value == Decimal(20)
    assert overview.change.absolute == Decimal(10)
    assert Decimal(20) not in [week.value for week in overview.weeks]


def test_it_leaves_the_percentage_out_after_a_zero_week():
    complaints = MetricFactory(name="Complaints", good_direction=GoodDirection.DOWN)
    record(complaints, {0: "3", 1: "0"})

    [overview] = metrics_overview()

    assert overview.change.percent is None
    assert overview.change_text == "Up 3 on the week before (0)"


def test_it_reads_the_weeks_up_to_a_given_day():
    nps = MetricFactory()
    record(nps, {0: "42", 1: "40", 2: "38"})

    [overview] = metrics_overview(weeks=2, until=weeks_ago(1) + datetime.timedelta(days=6))

    assert overview.latest.week == weeks_ago(1)
    assert overview.latest.value == Decimal(40)
    assert overview.previous.value == Decimal(38)


@pytest.mark.parametrize("size", SIZES)
def test_it_reads_the_overview_in_two_queries(django_assert_num_queries, size):
    for number in range(size):
        record(MetricFactory(name=f"Metric {number}"), {ago: str(ago) for ago in range(8)})

    with django_assert_num_queries(2):
        overviews = metrics_overview()

    assert len(overviews) == size
    assert all(overview.recorded_weeks == 8 for overview in overviews)
