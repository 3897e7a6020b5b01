"""API keys: made for one person, shown once, stored as a hash, revoked from the profile page."""

import datetime
import hashlib

import pytest
import time_machine
from django.urls import reverse

from insightboard.people.models import ApiToken
from insightboard.people.tokens import (
    LAST_USED_PRECISION,
    api_token_create,
    api_token_revoke,
    authenticate,
)

pytestmark = pytest.mark.django_db


# --- Services ----------------------------------------------------------------------------------


def test_it_stores_only_a_hash_and_a_short_prefix_of_the_key(alice):
    token, raw_key = api_token_create(person=alice, name="  Zendesk import ")

    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "Zendesk import"
    assert stored.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key.startswith(stored.prefix)
    assert len(stored.prefix) < 12 < len(raw_key)
    assert raw_key not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_it_makes_a_different_key_every_time(alice):
    keys = {api_token_create(person=alice, name="Script")[1] for _ in range(5)}

    assert len(keys) == 5


def test_it_finds_the_person_behind_a_live_key(alice):
    token, raw_key = api_token_create(person=alice, name="Script")

    found = authenticate(raw_key)

    assert found == token
    assert found is not None
    assert found.person == alice


@pytest.mark.parametrize(
    "raw_key", ["", "ib_not-a-key", "ib_" + "x" * 500, "ib_clé", "\x00", "Bearer"]
)
def test_it_refuses_keys_it_never_made(alice, raw_key):
    api_token_create(person=alice, name="Script")

    assert authenticate(raw_key) is None


def test_it_refuses_a_revoked_key(alice):
    token, raw_key = api_token_create(person=alice, name="Script")

    api_token_revoke(token=token)

    assert token.revoked_at is not None
    assert authenticate(raw_key) is None


def test_it_keeps_the_first_revocation_date(alice):
    token, _ = api_token_create(person=alice, name="Script")
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC)):
        api_token_revoke(token=token)
    first = token.revoked_at

    api_token_revoke(token=token)

    assert token.revoked_at == first
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_it_refuses_the_key_of_someone_who_left(alice):
    _, raw_key = api_token_create(person=alice, name="Script")
    alice.is_active = False
    alice.save()

    assert authenticate(raw_key) is None


def test_it_notes_the_last_use_at_most_once_a_minute(alice, django_assert_num_queries):
    token, raw_key = api_token_create(person=alice, name="Script")
    start = datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC)

    with time_machine.travel(start, tick=False):
        with django_assert_num_queries(2):  # the lookup, and the first use written
            authenticate(raw_key)
        with django_assert_num_queries(1):  # the lookup only
            authenticate(raw_key)
    half_a_minute = start + LAST_USED_PRECISION / 2
    with time_machine.travel(half_a_minute, tick=False), django_assert_num_queries(1):
        authenticate(raw_key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == start

    later = start + LAST_USED_PRECISION + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False), django_assert_num_queries(2):
        authenticate(raw_key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


# --- Profile page ------------------------------------------------------------------------------


def test_it_lists_my_keys_and_not_anyone_elses(alice_client, alice, bob):
    api_token_create(person=alice, name="Zendesk import")
    revoked, _ = api_token_create(person=alice, name="Old script")
    api_token_revoke(token=revoked)
    api_token_create(person=bob, name="Bob's secret script")

    response = alice_client.get(reverse("profile"))

    assert response.status_code == 200
    assert "Zendesk import" in response.text
    assert "Old script" in response.text
    assert "Revoked" in response.text
    assert "Never" in response.text
    assert "Bob&#x27;s secret script" not in response.text
    assert list(response.context["api_tokens"]) == list(alice.api_tokens.order_by("-created_at"))


def test_it_says_what_to_do_when_there_are_no_keys(alice_client):
    response = alice_client.get(reverse("profile"))

    assert "You have no API keys yet" in response.text


def test_it_shows_a_new_key_once_and_never_caches_it(alice_client, alice):
    response = alice_client.post(reverse("api_token_create"), {"name": "Zendesk import"})

    token = alice.api_tokens.get()
    raw_key = response.context["raw_key"]
    assert response.status_code == 200
    assert raw_key in response.text
    assert "shown only this once" in response.text
    assert authenticate(raw_key) == token
    assert "no-store" in response["Cache-Control"]
    # Not on the profile page, and not in a message kept for the next page.
    assert raw_key not in alice_client.get(reverse("profile")).text


def test_it_escapes_a_key_name(alice_client):
    response = alice_client.post(reverse("api_token_create"), {"name": "<script>x</script>"})

    assert "<script>x</script>" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "nul\x00name"])
def test_it_keeps_the_profile_page_with_a_clear_error_for_a_bad_name(alice_client, alice, name):
    response = alice_client.post(reverse("api_token_create"), {"name": name})

    assert response.status_code == 200
    assert response.context["token_form"].errors["name"]
    assert "Please fix the 1 problem below" in response.text
    assert not alice.api_tokens.exists()


def test_it_asks_before_revoking_and_then_revokes(alice_client, alice):
    token, raw_key = api_token_create(person=alice, name="Zendesk import")
    url = reverse("api_token_revoke", args=[token.pk])

    confirm = alice_client.get(url)
    assert confirm.status_code == 200
    assert "Revoke this API key?" in confirm.text
    assert authenticate(raw_key) == token

    response = alice_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('profile')}#api-keys"
    assert authenticate(raw_key) is None
    assert "Revoked “Zendesk import”" in alice_client.get(reverse("profile")).text
    assert "This key is revoked" in alice_client.get(url).text


@pytest.mark.parametrize("persona", ["bob_client", "ada_client"])
def test_it_lets_nobody_else_revoke_my_key(request, persona, alice):
    token, raw_key = api_token_create(person=alice, name="Zendesk import")
    client = request.getfixturevalue(persona)
    url = reverse("api_token_revoke", args=[token.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert authenticate(raw_key) == token


def test_it_answers_a_huge_key_id_with_not_found(alice_client):
    response = alice_client.get(f"/accounts/profile/keys/{10**30}/revoke/")

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_it_shows_the_profile_page_in_constant_queries(
    alice_client, alice, django_assert_num_queries, count
):
    for n in range(count):
        token, _ = api_token_create(person=alice, name=f"Script {n}")
        if n % 2:
            api_token_revoke(token=token)

    # Session, person, profile (twice: the page's form and the header), two permission reads
    # (is this an admin?), the keys.
    with django_assert_num_queries(7):
        response = alice_client.get(reverse("profile"))

    assert len(response.context["api_tokens"]) == count
