"""The files people upload to import insights, and what the import pages say about them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from stories.models import StoryImport

HEADER = ["title", "sentiment", "body", "tags", "customer_name", "channel", "happened_on"]
GOOD_ROWS = [
    [
        "I waited 40 minutes to cancel",
        "frustration",
        "",
        "billing; cancellation",
        "Amira",
        "call",
        "2025-03-31",
    ],
    [
        "The app found my parcel in seconds",
        "Success",
        "**Quick**",
        "delivery",
        "",
        "",
        "31/03/2025",
    ],
]


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def upload(client, content: str | bytes, name: str = "insights.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("stories:import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def preview_of(client, content: str | bytes):
    response = upload(client, content)
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response["Location"])


def confirm(client, story_import: StoryImport):
    """Confirm, and run the import task it queues after commit (in process, as `make run` does)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("stories:import_confirm", args=[story_import.pk]))


def problems(response) -> list[tuple[int, str, str]]:
    return [(note.row, note.column, note.message) for note in response.context["preview"].problems]


def upload_error(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["file"])
