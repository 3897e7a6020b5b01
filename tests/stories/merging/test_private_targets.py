"""A merged story's old address leads to the story it joined, only while the person may still see
that story: one made private after the merge stays with its author and admins."""

import pytest
from django.urls import reverse

from stories.merging.services import story_merge
from stories.models import Story, Visibility
from tests.stories.merging.outcome import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(pair, ada):
    """Alice's duplicate merged into bob's story, which bob then made private."""
    source, target = pair
    story_merge(source=source, target=target, merged_by=ada)
    Story.objects.filter(pk=target.pk).update(visibility=Visibility.PRIVATE)
    return source, target


def test_it_does_not_lead_others_to_a_story_made_private_since_the_merge(alice_client, merged):
    source, _ = merged

    response = alice_client.get(reverse("stories:detail", args=[source.pk]))

    assert response.status_code == 404
    assert messages_of(response) == []


@pytest.mark.parametrize("persona", ["bob", "ada"])
def test_it_still_leads_the_author_and_admins_there(request, persona, merged):
    source, target = merged
    client = request.getfixturevalue(f"{persona}_client")

    response = client.get(reverse("stories:detail", args=[source.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("stories:detail", args=[target.pk])
