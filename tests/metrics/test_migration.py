"""Moving customer metrics out of the stories app keeps every metric, value and admin history.

The database is taken back to where it stood before the move (metrics in the stories app), filled
the way that code filled it, then migrated forward as a deploy would.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from insightboard.metrics.models import Metric, MetricValue

BEFORE_THE_MOVE = [("stories", "0005_similar"), ("metrics", None)]


def migrate(targets):
    """Take the database to these migrations; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_metrics_values_and_admin_history_across_the_move():
    old = migrate(BEFORE_THE_MOVE)
    OldMetric = old.get_model("stories", "Metric")
    OldValue = old.get_model("stories", "MetricValue")
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldLogEntry = old.get_model("admin", "LogEntry")
    OldUser = old.get_model("auth", "User")
    admin = OldUser.objects.create(username="ada@example.com", is_staff=True, is_superuser=True)
    nps = OldMetric.objects.create(name="Net Promoter Score", unit="points", good_direction="up")
    wait = OldMetric.objects.create(name="First reply", unit="minutes", good_direction="down")
    for weeks_ago, value in enumerate(["41.5", "39", "40.25"]):
        OldValue.objects.create(
            metric=nps,
            week=datetime.date(2026, 11, 16) - datetime.timedelta(weeks=weeks_ago),
            value=Decimal(value),
            recorded_by=admin,
        )
    old_type, _ = OldContentType.objects.get_or_create(app_label="stories", model="metric")
    for action, message in ((ADDITION, "Added."), (CHANGE, "Changed unit.")):
        OldLogEntry.objects.create(
            user=admin,
            content_type=old_type,
            object_id=str(nps.pk),
            object_repr=nps.name,
            action_flag=action,
            change_message=message,
        )

    migrate(latest())

    assert list(Metric.objects.values_list("pk", "name", "unit")) == [
        (wait.pk, "First reply", "minutes"),
        (nps.pk, "Net Promoter Score", "points"),
    ]
    assert sorted(MetricValue.objects.values_list("week", "value")) == [
        (datetime.date(2026, 11, 2), Decimal("40.25")),
        (datetime.date(2026, 11, 9), Decimal(39)),
        (datetime.date(2026, 11, 16), Decimal("41.5")),
    ]
    metric_type = ContentType.objects.get_for_model(Metric)
    assert metric_type.pk == old_type.pk
    assert not ContentType.objects.filter(app_label="stories", model="metric").exists()
    history = LogEntry.objects.filter(content_type=metric_type, object_id=str(nps.pk))
    assert [entry.change_message for entry in history.order_by("pk")] == [
        "Added.",
        "Changed unit.",
    ]
    assert {entry.get_edited_object() for entry in history} == {Metric.objects.get(pk=nps.pk)}
    assert Permission.objects.filter(content_type=metric_type, codename="change_metric").exists()


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_metrics_back_to_the_stories_app_when_undone():
    migrate(latest())
    ContentType.objects.get_for_model(Metric)

    old = migrate(BEFORE_THE_MOVE)

    OldContentType = old.get_model("contenttypes", "ContentType")
    assert OldContentType.objects.filter(app_label="stories", model="metric").exists()
    assert not OldContentType.objects.filter(app_label="metrics", model="metric").exists()
    migrate(latest())
