"""A metric's week is this week or one of the last five years': the form, the upload, the API and
the model refuse any other in words, and nothing is recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from insightboard.metrics.models import MetricValue
from insightboard.metrics.services import MetricWeekError, metric_value_record
from tests.api.client import METRICS, api_for, problems
from tests.metrics.factories import MetricFactory, weeks_ago
from tests.metrics.pages import record_url, text_of, upload

pytestmark = pytest.mark.django_db

# Five years before Wednesday 18 November 2026, the Monday of that week.
EARLIEST = datetime.date(2021, 11, 15)
TOO_OLD = "is too long ago: values go back to the week of 15 Nov 2021, 5 years at most."


@pytest.mark.parametrize("week", ["2021-11-14", "1900-01-01", "0001-01-01"])
def test_the_form_refuses_a_week_too_long_ago(ada_client, week):
    metric = MetricFactory()

    response = ada_client.post(record_url(metric), {"week": week, "value": "42"})

    assert response.status_code == 200
    assert TOO_OLD in text_of(response)
    assert not MetricValue.objects.exists()


def test_the_form_takes_the_oldest_week_in_range(ada_client):
    metric = MetricFactory()

    response = ada_client.post(record_url(metric), {"week": "2021-11-17", "value": "42"})

    assert response.status_code == 302
    assert MetricValue.objects.get().week == EARLIEST


def test_the_upload_names_the_row(ada_client):
    MetricFactory()
    rows = "metric,week,value\nNet Promoter Score,2020-01-06,40\nNet Promoter Score,2026-11-16,41\n"

    response = upload(ada_client, rows)

    report = response.context["report"]
    assert [(note.row, note.column) for note in report.problems] == [(2, "week")]
    assert TOO_OLD in report.problems[0].message
    assert not MetricValue.objects.exists()


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2020-01-06", "The week of 6 January 2020 is too long ago"),
        ("2026-11-23", "The week of 23 November 2026 has not started yet"),
        ("9999-12-27", "The week of 27 December 9999 has not started yet"),
    ],
)
def test_the_api_answers_422_for_a_week_out_of_range(ada, week, message):
    metric = MetricFactory()

    response = api_for(ada).post(f"{METRICS}/{metric.pk}/values", {"week": week, "value": "4"})

    [said] = problems(response)["week"]
    assert said.startswith(message)
    assert not MetricValue.objects.exists()


def test_the_service_and_the_model_refuse_it_too():
    metric = MetricFactory()
    old = MetricValue(metric=metric, week=datetime.date(2020, 1, 6), value=1)

    with pytest.raises(MetricWeekError, match="too long ago"):
        metric_value_record(metric=metric, week=old.week, value=old.value, person=None)
    with pytest.raises(ValidationError) as error:
        old.full_clean()

    assert "too long ago" in error.value.message_dict["week"][0]
    assert weeks_ago(261) == EARLIEST
