"""Each metric's weeks as a picture, with words for those who cannot see it."""

import pytest

from insightboard.metrics.charts import metric_chart
from insightboard.metrics.selectors import metrics_overview
from tests.metrics.factories import MetricFactory, record

pytestmark = pytest.mark.django_db


# --- The chart ----------------------------------------------------------------------------------


def test_it_draws_the_weeks_with_a_gap_where_one_was_not_recorded():
    nps = MetricFactory(unit="%")
    record(nps, {0: "40", 1: "50", 3: "30", 4: "20"})

    [overview] = metrics_overview(weeks=5)
    chart = metric_chart(overview)

    assert len(chart.points) == 4
    assert len(chart.lines) == 2  # 4 and 3 weeks ago, then last week and this one
    lowest, highest = chart.points[0], chart.points[2]
    assert lowest.y > highest.y  # lower values sit lower in the picture
    assert chart.points[-1].latest
    assert chart.title == "Net Promoter Score, the last 5 weeks"
    assert chart.description == (
        "From 20% in the week of 19 Oct to 40% in the week of 16 Nov; "
        "lowest 20%, highest 50%. 1 week not recorded."
    )


def test_it_puts_a_flat_series_in_the_middle():
    nps = MetricFactory()
    record(nps, {0: "5", 1: "5"})

    [overview] = metrics_overview(weeks=2)
    chart = metric_chart(overview)

    assert {point.y for point in chart.points} == {chart.height / 2}
