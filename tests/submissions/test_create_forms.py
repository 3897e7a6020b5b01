"""Every form that creates something creates it once, however often the same form is sent."""

import pytest

from insightboard.submissions.decorators import ALREADY_SAVED
from tests.submissions.cases import CREATE_FORMS, TOKEN, story

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(CREATE_FORMS))
def test_it_creates_once_when_the_same_form_is_sent_twice(request, name):
    case = CREATE_FORMS[name](request)
    token = case.token()
    before = case.count()

    first = case.send(token)
    assert first.status_code in {200, 302}, first.content.decode()[:3000]
    made = case.count() - before
    assert made >= 1
    second = case.send(token)

    assert case.count() == before + made
    if case.htmx:
        # The same answer again, with fresh secrets: not an error, not a second story.
        assert second.status_code == 200
        assert second.content.decode().split("<form")[0] == first.content.decode().split("<form")[0]
    else:
        assert second.status_code == 302
        if first.status_code == 302:
            assert second["Location"] == first["Location"]
        assert ALREADY_SAVED in case.client.get(second["Location"]).content.decode()


def test_it_shows_the_same_fragment_again_with_fresh_tokens(request):
    case = CREATE_FORMS["quick capture"](request)
    token = case.token()

    first, second = case.send(token).content.decode(), case.send(token).content.decode()

    assert "Logged" in second
    assert TOKEN.findall(second) != TOKEN.findall(first)
    assert 'name="csrfmiddlewaretoken" value=""' not in second


def test_it_lets_a_corrected_form_use_the_token_a_rejected_one_had(request):
    case = story(request)
    token = case.token()

    rejected = case.client.post(case.action, {**case.fields(), "title": "", "submission": token})
    accepted = case.send(token)

    assert rejected.status_code in {200, 400}
    assert accepted.status_code == 302
    assert case.count() == 1


def test_it_keeps_posts_without_a_token_working_as_before(request):
    case = story(request)

    case.client.post(case.action, case.fields())
    case.client.post(case.action, case.fields())

    assert case.count() == 2


def test_it_keeps_each_form_s_token_to_itself(request):
    """Two forms sent with different tokens are two intents: both are created."""
    case = story(request)

    case.send(case.token())
    case.send(case.token())

    assert case.count() == 2
