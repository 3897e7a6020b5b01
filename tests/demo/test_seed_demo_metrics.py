"""Demo metrics: four customer metrics with eight weeks of values, seeded once."""

import pytest

from insightboard.demo.metrics import metrics_seed
from insightboard.demo.people import demo_email, people_seed
from insightboard.metrics.models import Metric, MetricValue

pytestmark = pytest.mark.django_db


def test_it_adds_demo_metrics_with_eight_weeks_once():
    metrics_seed()
    metrics_seed()
    assert Metric.objects.count() == 4
    assert MetricValue.objects.count() == 4 * 8
    assert all(value.week.weekday() == 0 for value in MetricValue.objects.all())


def test_it_leaves_existing_metrics_alone():
    Metric.objects.create(name="Our own")
    metrics_seed()
    assert list(Metric.objects.values_list("name", flat=True)) == ["Our own"]


def test_it_records_the_values_as_the_demo_admin() -> None:
    people_seed()

    out = metrics_seed()

    recorders = set(MetricValue.objects.values_list("recorded_by__username", flat=True))
    assert recorders == {demo_email("Ada")}
    assert out == "Added 4 demo metrics with 8 weeks each."
    assert "already exist" in metrics_seed()
