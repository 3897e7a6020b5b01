"""Text that is never kept but shown straight back (searches, filters, a week to preview, a value
refused): the whole corpus, NUL included, in each; the page answers, and shows it only as text."""

import pytest
from django.urls import reverse

from tests.hostile.corpus import VECTORS, executable
from tests.meetings.factories import MeetingFactory, OpenerFactory
from tests.metrics.factories import MetricFactory

pytestmark = pytest.mark.django_db


def pieces(limit: int) -> list[str]:
    """The whole corpus, NUL and all, in pieces of at most `limit` characters."""
    found: list[str] = []
    for vector in (v for v in VECTORS if len(v) <= limit):
        if found and len(found[-1]) + 1 + len(vector) <= limit:
            found[-1] += " " + vector
        else:
            found.append(vector)
    return found


def shown_safely(answers: dict[str, object]) -> dict[str, object]:
    """The answers that failed, or would run something, by what was asked."""
    return {
        asked: found
        for asked, answer in answers.items()
        if answer.status_code >= 500  # type: ignore[attr-defined]
        or (found := executable(answer.content.decode()))  # type: ignore[attr-defined]
    }


def test_it_shows_a_hostile_search_and_tag_back_as_text(alice_client):
    url = reverse("stories:list")
    answers = {f"q={q!r}": alice_client.get(url, {"q": q}) for q in pieces(200)}
    answers |= {f"tag={tag!r}": alice_client.get(url, {"tag": tag}) for tag in pieces(50)}

    assert shown_safely(answers) == {}


def test_it_shows_a_hostile_opener_search_back_as_text(hugo, hugo_client):
    meeting = MeetingFactory(series__hosts=[hugo])
    OpenerFactory(meeting=meeting, kept_by=hugo)
    url = reverse("meetings:detail", args=[meeting.pk])

    answers = {f"find={find!r}": hugo_client.get(url, {"find": find}) for find in pieces(200)}

    assert shown_safely(answers) == {}


def test_it_shows_a_hostile_week_back_as_text(ada_client):
    weeks = [vector[:8] for vector in VECTORS] + VECTORS[:5]
    answers = {
        f"{name}?week={week!r}": ada_client.get(reverse(name), {"week": week})
        for name in ("digest:manage", "digest:preview")
        for week in weeks
    }

    assert shown_safely(answers) == {}


def test_it_shows_a_hostile_metric_value_back_as_text(ada_client):
    url = reverse("metrics:record", args=[MetricFactory().pk])

    answers = {
        f"value={value!r}": ada_client.post(url, {"week": "2026-11-16", "value": value})
        for value in pieces(200)
    }

    assert shown_safely(answers) == {}
    assert all(answer.status_code == 200 for answer in answers.values())
