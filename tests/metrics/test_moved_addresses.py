"""Customer metrics moved from /stories/metrics/ to /metrics/: old links still work."""

import pytest
from django.urls import reverse

from insightboard.metrics.models import Metric

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/stories/metrics/", "/metrics/"),
        ("/stories/metrics/new/", "/metrics/new/"),
        ("/stories/metrics/upload/", "/metrics/upload/"),
        ("/stories/metrics/{id}/edit/", "/metrics/{id}/edit/"),
        ("/stories/metrics/{id}/record/?week=2026-11-16", "/metrics/{id}/record/?week=2026-11-16"),
    ],
)
def test_it_redirects_an_old_metrics_address_permanently(ada_client, old, new):
    metric = Metric.objects.create(name="Net Promoter Score")

    response = ada_client.get(old.format(id=metric.pk))

    assert response.status_code == 301
    assert response["Location"] == new.format(id=metric.pk)
    assert ada_client.get(response["Location"]).status_code == 200


def test_it_names_the_new_addresses_under_metrics():
    assert reverse("metrics:list") == "/metrics/"
    assert reverse("metrics:upload") == "/metrics/upload/"
