import datetime

import pytest
from django.urls import reverse

from stories.forms import StoryFilterForm, StoryForm
from stories.models import Reaction, Story
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_it_logs_an_insight_with_tags(alice_client, alice):
    response = alice_client.post(
        reverse("stories:create"),
        {
            "quick-title": "I could not find the cancel button",
            "quick-sentiment": "frustration",
            "quick-tags": "Checkout, billing",
            "quick-channel": "chat",
        },
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert story.author == alice
    assert sorted(tag.name for tag in story.tags.all()) == ["billing", "checkout"]


def test_it_lists_newest_first(alice_client):
    StoryFactory(title="older")
    StoryFactory(title="newer")
    response = alice_client.get(reverse("stories:list"))
    titles = [story.title for story in response.context["page"].rows]
    assert titles == ["newer", "older"]


def test_it_toggles_hear_too(alice_client, alice):
    story = StoryFactory()
    url = reverse("stories:hear_too", args=[story.pk])
    alice_client.post(url)
    assert Reaction.objects.filter(story=story, person=alice).count() == 1
    alice_client.post(url)
    assert not Reaction.objects.filter(story=story, person=alice).exists()


def test_it_fills_date_boxes_in_the_format_browsers_read():
    day = datetime.date(2026, 3, 4)
    story_form = StoryForm(initial={"happened_on": day})
    filters = StoryFilterForm(initial={"since": day, "until": day})
    for field in (story_form["happened_on"], filters["since"], filters["until"]):
        assert 'value="2026-03-04"' in str(field)
