"""The customer metrics the demo company watches, and how each has moved over the weeks."""

from dataclasses import dataclass

from insightboard.metrics.models import GoodDirection


@dataclass(frozen=True)
class DemoMetric:
    name: str
    unit: str
    good_direction: GoodDirection
    description: str
    # The value eight weeks ago, how far it moves each week, and how much it wobbles around that.
    start: float
    drift: float
    noise: float


METRICS = (
    DemoMetric(
        "Net Promoter Score",
        "points",
        GoodDirection.UP,
        "From the weekly survey: promoters minus detractors.",
        start=31,
        drift=0.6,
        noise=2.5,
    ),
    DemoMetric(
        "First reply to support",
        "minutes",
        GoodDirection.DOWN,
        "Median time until a customer hears back from a person.",
        start=48,
        drift=-1.5,
        noise=4.0,
    ),
    DemoMetric(
        "Checkouts finished without help",
        "%",
        GoodDirection.UP,
        "Share of started checkouts completed without a call or chat.",
        start=87,
        drift=0.3,
        noise=1.2,
    ),
    DemoMetric(
        "Cancellations",
        "",
        GoodDirection.DOWN,
        "Customers who left this week.",
        start=64,
        drift=-0.8,
        noise=6.0,
    ),
)
