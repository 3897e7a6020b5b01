"""Metrics through the API: everyone reads them with their latest week, admins record a
week's value."""

import datetime
from decimal import Decimal

import pytest

from insightboard.metrics.models import Metric, MetricValue
from tests.api.client import METRICS, api_for, problems

pytestmark = pytest.mark.django_db


# --- Metrics -----------------------------------------------------------------------------------


@pytest.fixture
def nps(db) -> Metric:
    return Metric.objects.create(name="NPS", unit="points", description="Net promoter score")


def test_it_records_a_weeks_value_for_an_admin(ada_api, ada, nps):
    first = ada_api.post(f"{METRICS}/{nps.pk}/values", {"week": "2025-03-03", "value": "41.5"})
    again = ada_api.post(f"{METRICS}/{nps.pk}/values", {"week": "2025-03-03", "value": 42})

    assert first.status_code == 201
    assert first.json() == {"metric": nps.pk, "week": "2025-03-03", "value": "41.5"}
    assert again.status_code == 200
    value = MetricValue.objects.get()
    assert value.value == Decimal(42)
    assert value.recorded_by == ada


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"week": "2025-03-04", "value": 1}, "week", "not a Monday"),
        ({"week": "monday", "value": 1}, "week", "valid date"),
        ({"value": 1}, "week", "Field required"),
        ({"week": "2025-03-03"}, "value", "Field required"),
        ({"week": "2025-03-03", "value": "NaN"}, "value", "finite number"),
        ({"week": "2025-03-03", "value": "Infinity"}, "value", "finite number"),
        ({"week": "2025-03-03", "value": 1e300}, "value", "15 digits"),
        ({"week": "2025-03-03", "value": 10**40}, "value", "15 digits"),
        # Fits the column, but SQLite would hand it back rounded past it.
        ({"week": "2025-03-03", "value": "999999999999.9999"}, "value", "15 digits"),
        ({"week": "2025-03-03", "value": "1.23456"}, "value", "4 decimal places"),
        ({"week": "2025-03-03", "value": "lots"}, "value", "valid decimal"),
        ({"week": "2025-03-03", "value": [1]}, "value", "Decimal input"),
    ],
)
def test_it_refuses_bad_metric_values(ada_api, nps, payload, field, message):
    found = problems(ada_api.post(f"{METRICS}/{nps.pk}/values", payload))

    assert any(message in text for text in found[field]), found
    assert not MetricValue.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "hugo", "lena"])
def test_it_lets_only_admins_record_metric_values(request, persona, nps):
    api = api_for(request.getfixturevalue(persona))

    response = api.post(f"{METRICS}/{nps.pk}/values", {"week": "2025-03-03", "value": 1})
    # Refused before the body is read: a bad body gets the same answer.
    bad_body = api.post(f"{METRICS}/{nps.pk}/values", b"not json")

    assert response.status_code == bad_body.status_code == 403
    assert response.json() == {"detail": "Only admins can do this."}
    assert not MetricValue.objects.exists()


def test_it_answers_404_for_a_metric_that_does_not_exist(ada_api):
    response = ada_api.post(f"{METRICS}/999/values", {"week": "2025-03-03", "value": 1})

    assert response.status_code == 404
    assert response.json() == {"detail": "No metric with this id."}


def test_it_lists_metrics_with_their_latest_week(alice_api, ada, nps):
    waiting = Metric.objects.create(name="Churn", unit="%", good_direction="down")
    MetricValue.objects.create(metric=nps, week=datetime.date(2025, 3, 3), value=Decimal("40"))
    MetricValue.objects.create(metric=nps, week=datetime.date(2025, 3, 10), value=Decimal("42.25"))

    response = alice_api.get(METRICS)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": waiting.pk,
            "name": "Churn",
            "unit": "%",
            "good_direction": "down",
            "description": "",
            "latest": None,
        },
        {
            "id": nps.pk,
            "name": "NPS",
            "unit": "points",
            "good_direction": "up",
            "description": "Net promoter score",
            "latest": {"week": "2025-03-10", "value": "42.25"},
        },
    ]


@pytest.mark.parametrize("count", [1, 50])
def test_it_lists_metrics_in_constant_queries(alice, django_assert_num_queries, count):
    for n in range(count):
        metric = Metric.objects.create(name=f"Metric {n}")
        MetricValue.objects.create(metric=metric, week=datetime.date(2025, 3, 3), value=n)
    api = api_for(alice)
    api.get(METRICS)

    with django_assert_num_queries(2):  # the key and its person, the metrics
        response = api.get(METRICS)

    assert len(response.json()) == count
