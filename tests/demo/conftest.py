"""A real person, made the way the product makes one (no factories): a database that is not a
demo company."""

import pytest
from django.contrib.auth.models import User

from insightboard.people.services import person_create


@pytest.fixture
def alice(db: None) -> User:
    return person_create(email="alice@example.com", display_name="Alice Staff")
