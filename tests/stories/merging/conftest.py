import pytest

from tests.stories.factories import ReactionFactory, StoryFactory


@pytest.fixture
def pair(alice, bob, hugo, lena):
    """A duplicate heard by bob and hugo, and the story kept, heard by hugo and lena."""
    source = StoryFactory(author=alice, title="Refunds take weeks", tags=["refunds", "speed"])
    target = StoryFactory(author=bob, title="Refunds are slow", tags=["speed", "billing"])
    for person in (bob, hugo):
        ReactionFactory(story=source, person=person)
    for person in (hugo, lena):
        ReactionFactory(story=target, person=person)
    return source, target
