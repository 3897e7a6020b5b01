import pytest

from tests.api.client import ApiClient, api_for


@pytest.fixture
def alice_api(alice) -> ApiClient:
    return api_for(alice)


@pytest.fixture
def ada_api(ada) -> ApiClient:
    return api_for(ada)
