"""Buttons that switch something say which way: pressed twice, the same as pressed once."""

import pytest
from django.urls import reverse

from meetings.models import ActionItem
from stories.models import Reaction
from tests.meetings.factories import ActionItemFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_pressing_we_hear_this_too_twice_still_hears_it(alice_client, bob):
    story = StoryFactory(author=bob)
    page = alice_client.get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert 'name="hears" value="yes"' in page
    url = reverse("stories:hear_too", args=[story.pk])

    alice_client.post(url, {"hears": "yes"}, headers={"HX-Request": "true"})
    alice_client.post(url, {"hears": "yes"}, headers={"HX-Request": "true"})

    assert Reaction.objects.filter(story=story).count() == 1


def test_taking_it_back_twice_takes_it_back(alice, alice_client, bob):
    story = StoryFactory(author=bob)
    Reaction.objects.create(story=story, person=alice)
    url = reverse("stories:hear_too", args=[story.pk])

    alice_client.post(url, {"hears": "no"})
    alice_client.post(url, {"hears": "no"})

    assert not Reaction.objects.filter(story=story).exists()


def test_marking_an_action_done_twice_leaves_it_done(alice, alice_client):
    action = ActionItemFactory(owner=alice)
    url = reverse("meetings:action_toggle", args=[action.pk])
    page = alice_client.get(reverse("home")).content.decode()
    assert 'name="done" value="yes"' in page

    alice_client.post(url, {"done": "yes"})
    alice_client.post(url, {"done": "yes"})

    assert ActionItem.objects.get().done
