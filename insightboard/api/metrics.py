"""/api/v1/metrics: the customer metrics with their latest week, and recording a week's value."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params import P, PathEx

from insightboard.api.auth import READERS, AdminApiKey, person_of
from insightboard.api.errors import Message, Problems, invalid
from insightboard.metrics import services
from insightboard.metrics.models import GoodDirection, Metric, MetricValue
from insightboard.metrics.selectors import metric_with_id, metrics_with_latest
from stories.forms import LARGEST_ID

router = Router(tags=["Metrics"])

EXACT_VALUE = "A decimal number as a string, exact: no floating-point rounding."


def decimal_text(value: Decimal) -> str:
    """42.2500 as "42.25" and 420 as "420" (not "4.2E+2"), the same from every database."""
    return f"{value.normalize():f}"


class LatestValue(Schema):
    week: datetime.date
    value: str = Field(description=EXACT_VALUE)


class MetricOut(Schema):
    id: int
    name: str
    unit: str
    good_direction: GoodDirection
    description: str
    latest: LatestValue | None = Field(description="The most recent week's value, if any.")

    @staticmethod
    def resolve_latest(metric: Metric) -> dict[str, object] | None:
        week = getattr(metric, "latest_week", None)
        if week is None:
            return None
        return {"week": week, "value": decimal_text(metric.latest_value)}  # type: ignore[attr-defined]


class MetricValueIn(Schema):
    week: datetime.date = Field(description="The Monday starting the week.")
    # 15 digits: what every database here hands back exactly (see insightboard.metrics.numbers).
    value: Decimal = Field(
        max_digits=15,
        decimal_places=4,
        description="At most 15 digits, 4 of them after the point. "
        'Send it as a string ("41.5") to keep it exact.',
    )


class MetricValueOut(Schema):
    metric: int
    week: datetime.date
    value: str = Field(description=EXACT_VALUE)

    @staticmethod
    def resolve_metric(row: MetricValue) -> int:
        return row.metric_id

    @staticmethod
    def resolve_value(row: MetricValue) -> str:
        return decimal_text(Decimal(row.value))


@router.get(
    "/metrics",
    response={200: list[MetricOut], 401: Message, 429: Message},
    auth=READERS,
    url_name="metric_list",
    summary="List metrics",
)
def metric_list(request: HttpRequest) -> list[Metric]:
    """Every customer metric with its latest recorded week."""
    return metrics_with_latest()


@router.post(
    "/metrics/{metric_id}/values",
    response={
        200: MetricValueOut,
        201: MetricValueOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        413: Message,
        422: Problems,
        429: Message,
    },
    auth=AdminApiKey(),
    url_name="metric_value_record",
    summary="Record a metric's value for a week (admins)",
)
def metric_value_record(
    request: HttpRequest,
    metric_id: PathEx[int, P(ge=1, le=LARGEST_ID)],
    payload: MetricValueIn,
) -> Status[MetricValue]:
    """Record a week's value, or correct it: 201 when the week is new, 200 when it was there."""
    metric = metric_with_id(metric_id)
    if metric is None:
        raise HttpError(404, "No metric with this id.")
    try:
        row, created = services.metric_value_record(
            metric=metric, week=payload.week, value=payload.value, person=person_of(request)
        )
    except services.MetricWeekError as error:
        raise invalid("week", str(error)) from None
    return Status(201 if created else 200, row)
