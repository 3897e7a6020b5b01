"""The import pages: the upload form explains the columns, and the preview escapes the file."""

import pytest
from django.urls import reverse

from tests.stories.imports.files import (
    csv_text,
    upload,
)

pytestmark = pytest.mark.django_db


# --- Pages ---------------------------------------------------------------------------------------


def test_it_escapes_what_the_file_says(alice_client):
    content = csv_text(
        [["<b>bold</b> claim", "idea"], ["Fine", "<i>meh</i>"]], ["title", "sentiment"]
    )
    response = upload(alice_client, content, name="<img src=x onerror=alert(1)>.csv")
    page = alice_client.get(response["Location"]).text

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in page
    assert "“&lt;i&gt;meh&lt;/i&gt;” is not a sentiment we know" in page


def test_it_explains_the_columns_on_the_upload_page(alice_client):
    response = alice_client.get(reverse("stories:import"))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert "31/03/2025" in response.text
    assert "source_id" in response.text


def test_it_links_to_the_import_from_the_insights_page(alice_client):
    assert reverse("stories:import") in alice_client.get(reverse("stories:list")).text


@pytest.mark.parametrize("count", [1, 50])
def test_it_previews_in_constant_queries(alice_client, django_assert_num_queries, count):
    rows = [
        [f"Refund took {n} days", "frustration", "", "refunds", "", "", ""] for n in range(count)
    ]
    response = upload(alice_client, csv_text(rows))

    # Session, person, the upload, which rows were imported before (one query per 1,000 rows),
    # then the layout: two permission reads and the profile.
    with django_assert_num_queries(7):
        page = alice_client.get(response["Location"])

    assert page.context["preview"].to_import == count
