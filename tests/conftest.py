"""Personas: alice is staff, hugo hosts meetings, lena leads, ada administers; bob is more staff."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from insightboard.celery import app as celery_app
from tests.people.factories import PersonFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def cache_of_its_own(settings: Any) -> None:
    """Each test starts with an empty cache: on Redis, under a key prefix no other test (or run)
    uses; changing CACHES makes Django open the cache afresh."""
    default = {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def tasks_run_in_process() -> Iterator[None]:
    """Queued tasks run where they are queued, so a test sees their effect; a real worker (on
    Redis, or Celery's in-memory broker) has its own test in tests/meetings/test_tasks.py."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def alice(db: None) -> AbstractUser:
    return PersonFactory(username="alice@example.com", profile__display_name="Alice Staff")


@pytest.fixture
def bob(db: None) -> AbstractUser:
    return PersonFactory(username="bob@example.com", profile__display_name="Bob Staff")


@pytest.fixture
def hugo(db: None) -> AbstractUser:
    return PersonFactory(
        username="hugo@example.com", profile__display_name="Hugo Host", roles=["Hosts"]
    )


@pytest.fixture
def lena(db: None) -> AbstractUser:
    return PersonFactory(
        username="lena@example.com", profile__display_name="Lena Leader", roles=["Leaders"]
    )


@pytest.fixture
def ada(db: None) -> AbstractUser:
    return PersonFactory(
        username="ada@example.com",
        profile__display_name="Ada Admin",
        roles=["Admins"],
        is_staff=True,
        is_superuser=True,
    )


PERSONAS = ["anonymous", "alice", "bob", "hugo", "lena", "ada"]


def client_for(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def persona_client(request: pytest.FixtureRequest, persona: str) -> Client:
    """The persona's signed-in client, or a signed-out one for "anonymous"."""
    if persona == "anonymous":
        return Client()
    return client_for(request.getfixturevalue(persona))


@pytest.fixture
def alice_client(alice: AbstractUser) -> Client:
    return client_for(alice)


@pytest.fixture
def bob_client(bob: AbstractUser) -> Client:
    return client_for(bob)


@pytest.fixture
def ada_client(ada: AbstractUser) -> Client:
    return client_for(ada)


@pytest.fixture
def hugo_client(hugo: AbstractUser) -> Client:
    return client_for(hugo)


@pytest.fixture
def lena_client(lena: AbstractUser) -> Client:
    return client_for(lena)
