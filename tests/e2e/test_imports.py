"""A big import's page in a real browser: the progress bar follows the worker's chunks without a
reload, then the page shows what the import did and the rows it left out, and stops asking."""

from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from stories.models import StoryImport

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_import_page_follows_the_worker_without_a_reload(
    signed_in_page: Page, live_server: Any, staff: AbstractUser, console_errors: list[str]
) -> None:
    page = signed_in_page
    story_import = StoryImport.objects.create(
        person=staff,
        filename="crm.csv",
        content="title,sentiment\n",
        rows_total=3000,
        confirmed_at=timezone.now(),
    )
    page.goto(f"{live_server.url}{reverse('stories:import_preview', args=[story_import.pk])}")
    bar = page.locator("#import-progress-bar")
    expect(bar).to_have_attribute("value", "0")

    # A worker commits its first chunk, as runs.chunk_import does.
    importing = StoryImport.objects.filter(pk=story_import.pk)
    importing.update(rows_done=1000, done_through_row=1001, imported_count=1000)
    expect(bar).to_have_attribute("value", "1000")
    said = page.get_by_text("1000 of 3000 rows done; 1000 insights written so far.")
    expect(said).to_be_visible()

    # Then the rest, with one row left out.
    problem = [17, "sentiment", "“grumpy” is not a sentiment we know: use success."]
    importing.update(
        rows_done=3000,
        done_through_row=3001,
        imported_count=2999,
        imported_at=timezone.now(),
        outcome={"rows_with_problems": 1, "problems": [problem], "problems_total": 1},
    )
    expect(page.get_by_text("2999 insights added.")).to_be_visible()
    expect(page.get_by_role("heading", name="Rows left out (1 problem)")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("“grumpy” is not a sentiment we know")
    expect(bar).to_have_count(0)
    expect(page.locator("[hx-trigger='every 1s']")).to_have_count(0)
    assert console_errors == []
