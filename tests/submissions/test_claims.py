"""The one-time token's own rules: a post still being saved, one whose process died, a refusal,
old tokens forgotten, and two posts at the same moment."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.submissions import decorators
from insightboard.submissions.models import Submission
from meetings.models import ActionItem
from stories.models import Story
from tests.conftest import client_for
from tests.meetings.factories import MeetingFactory, OpenerFactory
from tests.races import at_once
from tests.submissions.cases import TOKEN, story_fields

TOKEN_VALUE = "a-one-time-token-for-tests"


def claimed(person, *, ago: datetime.timedelta, token: str = TOKEN_VALUE) -> Submission:
    return Submission.objects.create(person=person, token=token, claimed_at=timezone.now() - ago)


def send_story(client: Client, token: str = TOKEN_VALUE):
    return client.post(reverse("stories:create"), {**story_fields(), "submission": token})


@pytest.mark.django_db
def test_it_answers_409_while_the_first_post_is_still_being_saved(alice, alice_client, monkeypatch):
    monkeypatch.setattr(decorators, "IN_FLIGHT_WAIT_SECONDS", 0)
    claimed(alice, ago=datetime.timedelta(seconds=2))

    response = send_story(alice_client)

    assert response.status_code == 409
    assert "Still saving what you sent" in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.django_db
def test_it_takes_over_a_post_whose_process_died(alice, alice_client):
    claimed(alice, ago=datetime.timedelta(minutes=11))

    response = send_story(alice_client)

    assert response.status_code == 302
    assert Story.objects.count() == 1
    assert Submission.objects.get().saved_at is not None


@pytest.mark.django_db
def test_it_releases_the_token_when_the_post_is_refused(alice_client):
    # Alice is no leader: the report form refuses her, and keeps no claim.
    response = alice_client.post(reverse("stories:report_create"), {"submission": TOKEN_VALUE})

    assert response.status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_it_forgets_tokens_older_than_a_day(alice, alice_client):
    claimed(alice, ago=datetime.timedelta(days=1, minutes=1), token="yesterday-s-token-long")

    send_story(alice_client)

    assert list(Submission.objects.values_list("token", flat=True)) == [TOKEN_VALUE]


@pytest.mark.django_db
def test_it_keeps_one_person_s_token_from_another(alice, bob_client):
    claimed(alice, ago=datetime.timedelta(seconds=1))

    assert send_story(bob_client).status_code == 302
    assert Story.objects.count() == 1


@pytest.mark.django_db
def test_it_ignores_a_token_that_is_no_token(alice_client):
    send_story(alice_client, token="<not a token>")
    send_story(alice_client, token="<not a token>")

    assert Story.objects.count() == 2
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_presses_at_the_same_moment_add_one_action(hugo):
    meeting = MeetingFactory(series__hosts=[hugo])
    OpenerFactory(meeting=meeting)
    page = client_for(hugo).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    token = TOKEN.findall(page)[-1]  # the "Add action" form's, after the takeaway's
    fields = {"text": "Call Acme back", "owner": hugo.pk, "submission": token}
    url = reverse("meetings:action_add", args=[meeting.pk])

    def press() -> int:
        return client_for(hugo).post(url, fields).status_code

    outcomes = at_once(press, press)

    assert ActionItem.objects.count() == 1
    assert sorted(outcomes) in ([302, 302], [302, 409])
