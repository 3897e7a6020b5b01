"""GET /healthz tells a load balancer whether this process can serve: database and broker."""

import os

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The Redis that CI and docker compose provide; tests run beside one.
REAL_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def test_it_is_healthy_with_tasks_in_process_when_there_is_no_broker(settings):
    settings.REDIS_URL = ""

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


def test_it_is_unhealthy_when_the_broker_cannot_be_reached(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_it_is_healthy_with_a_reachable_broker(settings):
    settings.REDIS_URL = REAL_REDIS_URL

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_needs_no_sign_in_and_is_never_cached(settings):
    settings.REDIS_URL = ""

    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_it_answers_only_get(settings):
    settings.REDIS_URL = ""

    assert Client().post(reverse("healthz")).status_code == 405


def test_it_is_unhealthy_when_the_database_fails(settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down", "broker": "in-process"}
