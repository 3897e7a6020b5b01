"""The filters and the quick capture, rendered once per process for the same inputs: never with
another request's values, choices or errors."""

import pytest
from django.urls import reverse

from insightboard.fragments import process_fragments
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memo_of_its_own():
    process_fragments.clear()
    yield
    process_fragments.clear()


def test_it_shows_each_requests_own_filters(alice_client):
    StoryFactory()
    listing = reverse("stories:list")
    plain = alice_client.get(listing).content.decode()
    assert '<option value="success" selected>' not in plain
    chosen = alice_client.get(listing, {"sentiment": "success"}).content.decode()
    assert '<option value="success" selected>' in chosen
    assert '<option value="success" selected>' not in alice_client.get(listing).content.decode()


def test_it_offers_each_person_their_own_authors(alice_client, bob_client, alice, bob):
    StoryFactory(author=alice)
    StoryFactory(author=bob)
    listing = reverse("stories:list")
    for client, you, other in ((alice_client, alice, bob), (bob_client, bob, alice)):
        content = client.get(listing).content.decode()
        assert f'<option value="{you.pk}">You</option>' in content
        assert f'<option value="{other.pk}">{other.profile.display_name}</option>' in content


def test_it_shows_a_bad_date_error_only_where_it_was_typed(alice_client):
    listing = reverse("stories:list")
    wrong = alice_client.get(listing, {"since": "someday"}).content.decode()
    assert 'class="error"' in wrong
    assert 'class="error"' not in alice_client.get(listing).content.decode()


def test_it_keeps_the_quick_capture_empty_after_someone_elses_mistake(alice_client, bob_client):
    response = bob_client.post(
        reverse("stories:create"),
        {"quick-title": "", "quick-sentiment": "frustration"},
        headers={"HX-Request": "true"},
    )
    assert 'class="error"' in response.content.decode()
    home = alice_client.get(reverse("home")).content.decode()
    assert "quick-title" in home
    assert 'class="error"' not in home
