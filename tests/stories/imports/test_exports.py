"""CSV and JSON export: only the stories the person can see, the list's filters honoured, and
no cell a spreadsheet would run as a formula."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.urls import reverse

from stories.imports.columns import spreadsheet_safe
from stories.models import Story, StoryImport, Visibility
from tests.stories.factories import ReactionFactory, StoryFactory

pytestmark = pytest.mark.django_db


def exported_csv(client, **filters) -> list[dict[str, str]]:
    response = client.get(reverse("stories:export_csv"), filters)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def exported_json(client, **filters) -> list[dict[str, object]]:
    response = client.get(reverse("stories:export_json"), filters)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))["stories"]


@pytest.fixture
def stories(alice, bob):
    return {
        "alices_private": StoryFactory(
            author=alice, title="Alice's private note", visibility=Visibility.PRIVATE
        ),
        "bobs_private": StoryFactory(
            author=bob, title="Bob's private note", visibility=Visibility.PRIVATE
        ),
        "bobs_company": StoryFactory(
            author=bob, title="Refunds are slow", sentiment="frustration", tags=["refunds"]
        ),
        "bobs_success": StoryFactory(
            author=bob, title="The agent was kind", sentiment="success", tags=["support"]
        ),
    }


def test_it_exports_the_stories_the_person_can_see_as_csv(alice_client, stories):
    ReactionFactory(story=stories["bobs_company"])

    rows = exported_csv(alice_client)

    assert [row["title"] for row in rows] == [
        "The agent was kind",
        "Refunds are slow",
        "Alice's private note",
    ]
    refunds = rows[1]
    assert refunds["sentiment"] == "frustration"
    assert refunds["tags"] == "refunds"
    assert refunds["author"] == "Bob Staff"
    assert refunds["hear_too"] == "1"
    assert refunds["url"] == f"http://testserver{stories['bobs_company'].get_absolute_url()}"


def test_it_exports_the_stories_the_person_can_see_as_json(bob_client, stories):
    exported = exported_json(bob_client)

    assert [story["title"] for story in exported] == [
        "The agent was kind",
        "Refunds are slow",
        "Bob's private note",
    ]
    assert exported[0]["tags"] == ["support"]
    assert exported[0]["id"] == stories["bobs_success"].pk


def test_it_never_exports_someone_elses_private_story(hugo_client, stories):
    csv_titles = {row["title"] for row in exported_csv(hugo_client)}
    json_titles = {story["title"] for story in exported_json(hugo_client)}

    assert csv_titles == json_titles == {"The agent was kind", "Refunds are slow"}


def test_it_exports_private_stories_to_admins_as_the_list_shows_them(ada_client, stories):
    assert len(exported_csv(ada_client)) == 4


def test_it_honours_the_lists_filters(alice_client, stories):
    assert [row["title"] for row in exported_csv(alice_client, sentiment="success")] == [
        "The agent was kind"
    ]
    assert [story["title"] for story in exported_json(alice_client, tag="refunds")] == [
        "Refunds are slow"
    ]
    assert [row["title"] for row in exported_csv(alice_client, q="refunds")] == ["Refunds are slow"]
    # A forged filter is left out, as on the list page, and every page is exported.
    assert len(exported_csv(alice_client, sentiment="forged", page="2")) == 3


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(alice_client, alice, title):
    StoryFactory(
        author=alice, title=title, customer_name="=evil()", body="- a list item", tags=["ok"]
    )

    (row,) = exported_csv(alice_client)
    (story,) = exported_json(alice_client)

    assert row["title"] == f"'{title}"
    assert row["customer_name"] == "'=evil()"
    assert row["body"] == "'- a list item"
    assert row["tags"] == "ok"
    # JSON is read by programs, not spreadsheets: its text is exactly as stored.
    assert story["title"] == title


def test_it_leaves_ordinary_cells_alone():
    assert spreadsheet_safe("Refunds take 5-10 days") == "Refunds take 5-10 days"
    assert spreadsheet_safe("") == ""


def test_it_names_the_download(alice_client):
    response = alice_client.get(reverse("stories:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="insightboard-insights-'
    )
    assert response["Content-Disposition"].endswith('.csv"')


def test_it_exports_a_file_the_import_reads_back(alice_client, bob_client, stories):
    content = b"".join(alice_client.get(reverse("stories:export_csv")).streaming_content)

    upload = SimpleUploadedFile("export.csv", content, "text/csv")
    response = bob_client.post(reverse("stories:import"), {"file": upload})
    preview = bob_client.get(response["Location"]).context["preview"]

    # Every row is read without a problem, and each is a story still here: nothing to add.
    assert (preview.rows_read, preview.rows_with_problems) == (3, 0)
    assert (preview.to_import, preview.already_here) == (0, 3)
    bob_client.post(reverse("stories:import_confirm", args=[StoryImport.objects.get().pk]))
    assert Story.objects.count() == 4


def test_it_links_the_export_with_the_current_filters(alice_client, stories):
    page = alice_client.get(reverse("stories:list"), {"sentiment": "success", "page": "1"}).text

    assert f'href="{reverse("stories:export_csv")}?sentiment=success"' in page
    assert f'href="{reverse("stories:export_json")}?sentiment=success"' in page


@pytest.mark.parametrize("count", [1, 50])
def test_it_exports_in_constant_queries(alice_client, bob, django_assert_num_queries, count):
    for n in range(count):
        story = StoryFactory(author=bob, title=f"Refund took {n} days", tags=["refunds", "speed"])
        ReactionFactory(story=story)

    # Session, person, two permission reads (is this an admin?), the stories, their tags.
    with django_assert_num_queries(6):
        rows = exported_csv(alice_client)

    assert len(rows) == count
