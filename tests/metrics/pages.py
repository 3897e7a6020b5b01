"""What the metrics pages are sent and what people read on them."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from insightboard.metrics.models import Metric


def csv_file(text: str | bytes, name: str = "values.csv") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def upload(client: Client, text: str | bytes):
    return client.post(reverse("metrics:upload"), {"file": csv_file(text)})


def record_url(metric: Metric) -> str:
    return reverse("metrics:record", args=[metric.pk])


def text_of(response) -> str:
    """The page's words, tags stripped and spaces squeezed, to check sentences people read."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.text))
