"""What the digest's page tests share: a week worth a digest, a sent one, and the clock on the
Tuesday after it."""

import datetime

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insightboard.digest import runs
from insightboard.digest.models import (
    Digest,
    DigestStatus,
)
from insightboard.metrics.models import Metric, MetricValue
from stories.models import Sentiment
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

WEEK = datetime.date(2026, 11, 16)
LABEL = "2026-W47"
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
# Tuesday after the week: it is the last complete week.
NOW = datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC)
MANAGE = reverse("digest:manage")
HTMX = {"HX-Request": "true"}
NOT_SENDERS = ["alice", "bob", "hugo", "lena"]


def a_week(*, readers: int = 0, title: str = "Checkout froze at the last step") -> None:
    """A week worth a digest: one frustration, one success, a metric, and some readers."""
    with time_machine.travel(MIDWEEK, tick=False):
        StoryFactory(title=title)
        StoryFactory(title="Refund sorted in minutes", sentiment=Sentiment.SUCCESS)
        metric = Metric.objects.create(name="Net Promoter Score", unit="points")
        MetricValue.objects.create(metric=metric, week=WEEK, value=42)
        PersonFactory.create_batch(readers)


def sent_week(*, readers: int = 0) -> Digest:
    a_week(readers=readers)
    digest = runs.digest_send_now(week=WEEK)
    runs.send_all(digest)
    digest.refresh_from_db()
    assert digest.status == DigestStatus.SENT
    return digest


def queries(client: Client, url: str, **headers: str) -> int:
    """How many queries a page takes, once the session and the digest policy exist."""
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return len(captured)
