"""One rule for who sees a story: a story already in hand (reached through a meeting's opener, an
empathy turn, a merge) answers exactly as `Story.objects.visible_to` does for its id."""

import pytest
from django.contrib.auth.models import AnonymousUser

from stories.models import Story, Visibility
from tests.conftest import PERSONAS
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("merged", [False, True])
def test_a_story_in_hand_follows_the_same_rule_as_the_story_lists(
    request, persona, visibility, merged, alice
):
    person = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    story = StoryFactory(author=alice, visibility=visibility)
    if merged:
        Story.objects.filter(pk=story.pk).update(merged_into=StoryFactory())
        story.refresh_from_db()
    # A merged story is still found by its id (its page redirects): the same goes for one in hand.
    listed = Story.objects.visible_to(person, include_merged=True).filter(pk=story.pk).exists()

    assert story.is_visible_to(person) is listed


def test_it_reads_nothing_to_answer_for_a_company_wide_story(alice, bob, django_assert_num_queries):
    story = StoryFactory(author=alice)

    with django_assert_num_queries(0):
        assert story.is_visible_to(bob)
