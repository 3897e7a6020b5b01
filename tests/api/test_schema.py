"""Schemathesis reads the API's own OpenAPI document and sends every endpoint generated requests,
valid and invalid, with a real admin's key: whatever arrives, the API answers without a 5xx, and
what it answers matches what the document promises."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from insightboard.metrics.models import Metric, MetricValue
from insightboard.people.tokens import api_token_create
from insightboard.weeks import week_start as week_of
from insightboard.wsgi import application
from tests.stories.factories import ReactionFactory, StoryFactory

# Through Django's real WSGI handler, as a client would reach it, not the test client.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    # The same examples every run: a finding is reproducible, and CI is never flaky.
    deterministic=True,
)


@pytest.fixture
def connections_kept_open() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Rows:
    key: str
    ids: dict[str, int]


@pytest.fixture
def rows(ada, alice, connections_kept_open) -> Rows:
    """An admin's key, so that every endpoint is reached past its permission check, and rows for
    the reads to return and the writes to find."""
    story = StoryFactory(author=alice, tags=["checkout"], body="Slow **again**")
    ReactionFactory(story=story, person=ada)
    metric = Metric.objects.create(name="NPS", unit="points")
    _, raw_key = api_token_create(person=ada, name="Schemathesis")
    return Rows(key=raw_key, ids={"story_id": story.pk, "metric_id": metric.pk})


@pytest.mark.django_db
@schema.parametrize()
@schema.given(at_real_rows=st.booleans())
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_never_answers_generated_requests_with_a_server_error(case, at_real_rows, rows):
    if at_real_rows and case.path_parameters:
        # A generated id almost never names a row; half the time, reach past the lookup too.
        case.path_parameters = {name: rows.ids[name] for name in case.path_parameters}
    case.call_and_validate(
        headers={"Authorization": f"Bearer {rows.key}"},
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )


# A week must be a Monday, which no schema says: generate Mondays on purpose, and values of every
# type, so that recording reaches the database as often as it is refused.
weeks = st.one_of(st.dates(), st.dates().map(week_of))
values = st.one_of(
    st.decimals(places=4, min_value=-(10**12), max_value=10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(),
    st.integers(),
    st.text(max_size=30),
    st.none(),
    st.booleans(),
)


@pytest.mark.django_db
@given(week=weeks, value=values)
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_records_or_refuses_any_metric_value_without_a_server_error(week, value, rows):
    client = Client(headers={"Authorization": f"Bearer {rows.key}"})
    payload = json.dumps({"week": week.isoformat(), "value": value})

    response = client.post(
        f"/api/v1/metrics/{rows.ids['metric_id']}/values", payload, content_type="application/json"
    )

    assert response.status_code in {200, 201, 422}, response.content
    if response.status_code != 422:
        recorded = MetricValue.objects.get(metric_id=rows.ids["metric_id"], week=week)
        assert recorded.value == Decimal(str(value))
