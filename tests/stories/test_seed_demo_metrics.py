import pytest
from django.core.management import call_command

from insightboard.metrics.models import Metric, MetricValue

pytestmark = pytest.mark.django_db


def test_it_adds_demo_metrics_with_eight_weeks_once():
    call_command("seed_demo_metrics")
    call_command("seed_demo_metrics")
    assert Metric.objects.count() == 4
    assert MetricValue.objects.count() == 4 * 8
    assert all(value.week.weekday() == 0 for value in MetricValue.objects.all())


def test_it_leaves_existing_metrics_alone():
    Metric.objects.create(name="Our own")
    call_command("seed_demo_metrics")
    assert list(Metric.objects.values_list("name", flat=True)) == ["Our own"]
