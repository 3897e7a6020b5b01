import pytest

from tests.access.world import World, world_to_walk


@pytest.fixture
def world(alice, bob, hugo, lena, ada) -> World:
    return world_to_walk(alice, bob, hugo, lena, ada)
