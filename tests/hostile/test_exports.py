"""The corpus through the API, the CSV import, and back out of the API and both exports: kept to
the character (a cell a spreadsheet would run gets the export's leading quote, nothing else), and
never served as a page. What the API must refuse is refused in JSON, not with a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from ninja import Schema

from insightboard.api.metrics import MetricValueIn
from insightboard.api.stories import StoryIn, StoryQuery
from stories.imports.columns import spreadsheet_safe, spreadsheet_text
from stories.models import Story
from tests.api.client import METRICS, STORIES, api_for
from tests.hostile.corpus import STORABLE, VECTORS, executable
from tests.hostile.forms import packed
from tests.metrics.factories import MetricFactory
from tests.stories.imports.files import csv_text
from tests.stories.imports.test_exports import exported_csv, exported_json

pytestmark = pytest.mark.django_db

TEXT_COLUMNS = ("title", "body", "customer_name", "customer_organisation", "customer_segment")
LIMITS = {"title": 500, "body": 20_000, "customer_segment": 100}


def hostile_rows() -> list[dict[str, str]]:
    """Every vector in every text column, as many rows as the shortest column needs."""
    columns = {name: packed(LIMITS.get(name, 200)) for name in TEXT_COLUMNS}
    count = max(len(pieces) for pieces in columns.values())
    return [
        {name: pieces[n % len(pieces)] for name, pieces in columns.items()} for n in range(count)
    ]


@pytest.fixture
def through_the_api(alice) -> list[dict[str, str]]:
    api = api_for(alice)
    rows = hostile_rows()
    for row in rows:
        answer = api.post(STORIES, {**row, "sentiment": "frustration"})
        assert answer.status_code == 201, answer.content
        assert answer["Content-Type"].startswith("application/json")
    return rows


def test_it_keeps_every_vector_exactly_through_the_api(alice, through_the_api):
    api = api_for(alice)

    listed = api.get(STORIES, {"limit": 100}).json()["items"]

    kept = {tuple(story[name] for name in TEXT_COLUMNS) for story in listed}
    assert {tuple(row[name] for name in TEXT_COLUMNS) for row in through_the_api} <= kept


def text_fields(schema: type[Schema]) -> set[str]:
    """The fields of an API schema that take text (alone, in a list, or optional)."""
    return {name for name, info in schema.model_fields.items() if "str" in str(info.annotation)}


def test_it_sends_the_corpus_through_every_text_field_the_api_takes():
    assert text_fields(StoryIn) == {*TEXT_COLUMNS, "tags"}
    assert text_fields(StoryQuery) == {"q", "tag", "cursor"}
    assert text_fields(MetricValueIn) == set()


def test_it_answers_the_corpus_in_every_query_and_value_with_json(alice, ada, settings):
    # Three requests per vector from one key: more than a minute's API budget as the corpus grows.
    settings.INSIGHTBOARD_API_REQUESTS_PER_MINUTE = 10 * len(VECTORS)
    api, admin_api = api_for(alice), api_for(ada)
    metric = MetricFactory()
    values = f"{METRICS}/{metric.pk}/values"

    answers = [
        api.get(STORIES, {name: vector}) for vector in VECTORS for name in ("q", "tag", "cursor")
    ]
    answers += [admin_api.post(values, {"week": "2026-11-16", "value": v}) for v in VECTORS]

    assert {answer.status_code for answer in answers} <= {200, 422}
    assert all(answer["Content-Type"].startswith("application/json") for answer in answers)


def test_it_refuses_nul_and_vectors_as_tags_in_json(alice):
    api = api_for(alice)
    nul = next(vector for vector in VECTORS if vector not in STORABLE)

    answers = [
        api.post(STORIES, {"title": nul, "sentiment": "success"}),
        api.post(STORIES, {"title": "Tags", "sentiment": "success", "tags": STORABLE[:10]}),
        api.get(STORIES, {"q": nul}),
    ]

    assert [answer.status_code for answer in answers] == [422, 422, 422]
    assert all(answer["Content-Type"].startswith("application/json") for answer in answers)
    assert Story.objects.count() == 0


def test_it_exports_every_vector_exactly(alice_client, through_the_api):
    exported = exported_json(alice_client)
    rows = exported_csv(alice_client)

    for name in TEXT_COLUMNS:
        sent = {row[name] for row in through_the_api}
        assert {story[name] for story in exported} == sent
        # In the CSV, formula-like text gets the leading quote, and only that.
        assert {row[name] for row in rows} == {spreadsheet_safe(text) for text in sent}
        assert {spreadsheet_text(row[name]) for row in rows} == sent
    assert any(row["title"].startswith("'") for row in rows)


def test_it_never_serves_an_export_as_a_page(alice_client, through_the_api):
    for name in ("stories:export_csv", "stories:export_json"):
        answer = alice_client.get(reverse(name))

        assert not answer["Content-Type"].startswith("text/html")
        assert answer["Content-Disposition"].startswith("attachment;")


def test_it_imports_every_vector_exactly_and_shows_it_as_text(alice_client):
    rows = hostile_rows()
    text = csv_text(
        [[row[name] for name in TEXT_COLUMNS] + ["success"] for row in rows],
        header=[*TEXT_COLUMNS, "sentiment"],
    )
    file = SimpleUploadedFile("hostile.csv", text.encode(), "text/csv")

    preview = alice_client.post(reverse("stories:import"), {"file": file}, follow=True)
    confirm = preview.redirect_chain[-1][0] + "confirm/"
    # The import runs after the confirm commits, in process here (a worker's job elsewhere).
    with TestCase.captureOnCommitCallbacks(execute=True):
        alice_client.post(confirm)
    imported = alice_client.get(preview.redirect_chain[-1][0])

    assert executable(preview.content.decode()) == []
    assert executable(imported.content.decode()) == []
    kept = set(Story.objects.values_list(*TEXT_COLUMNS))
    assert {tuple(row[name] for name in TEXT_COLUMNS) for row in rows} == kept
