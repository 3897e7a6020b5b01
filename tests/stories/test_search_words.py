"""Search and the similar-story suggestions match whole words (and their other forms), never
fragments inside other words, on SQLite (FTS5) as on PostgreSQL (full text), and rank a match in
the quote above a match in the detail. The SQLite index is kept in sync by triggers."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from stories.merging.services import story_merge
from stories.models import Story
from stories.search import alike, containing, ranked
from stories.services import story_delete, story_update
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def search(client, words: str) -> list[str]:
    response = client.get(reverse("stories:list"), {"q": words})
    assert response.status_code == 200
    return [story.title for story in response.context["page"].rows]


def found(words: str) -> list[str]:
    return [story.title for story in ranked(Story.objects.all(), words)]


def suggested(text: str) -> list[str]:
    return [story.title for story in alike(Story.objects.all(), text)]


# --- Words, not fragments ------------------------------------------------------------------------


def test_it_does_not_find_vat_inside_activation(alice_client):
    StoryFactory(title="Activation email never arrived")
    StoryFactory(title="The VAT number is missing from the invoice")

    assert search(alice_client, "VAT") == ["The VAT number is missing from the invoice"]


def test_it_does_not_find_new_inside_renewal(alice_client):
    StoryFactory(title="The renewal reminder came too late")
    StoryFactory(title="Loved the new dashboard")

    assert search(alice_client, "new") == ["Loved the new dashboard"]


def test_it_finds_a_story_with_both_words_wherever_they_are(alice_client):
    StoryFactory(title="Refund took three weeks", body="She had to call support twice.")
    StoryFactory(title="Refund was quick")
    StoryFactory(title="Support was friendly")

    assert search(alice_client, "refund support") == ["Refund took three weeks"]
    assert search(alice_client, "support refund") == ["Refund took three weeks"]


def test_it_finds_other_forms_of_a_word(alice_client):
    StoryFactory(title="Invoices arrive late")

    assert search(alice_client, "invoice") == ["Invoices arrive late"]


def test_it_ranks_a_title_match_above_a_newer_body_match(alice_client):
    StoryFactory(title="Checkout froze on the last step", body="Lost the basket.")
    StoryFactory(title="Long call about the roadmap", body="Also: checkout froze once.")

    assert search(alice_client, "checkout") == [
        "Checkout froze on the last step",
        "Long call about the roadmap",
    ]


def test_it_reads_quotes_or_and_minus_as_postgresql_web_search_does():
    StoryFactory(title="The export button is hidden")
    StoryFactory(title="Hidden fees on the export")
    StoryFactory(title="Import failed")

    assert sorted(found('"export button"')) == ["The export button is hidden"]
    assert sorted(found("import or button")) == ["Import failed", "The export button is hidden"]
    assert sorted(found("export -fees")) == ["The export button is hidden"]


@pytest.mark.parametrize("words", ["the", "and or", '""', "-", "*", '"(:^', "é"])
def test_it_finds_nothing_for_words_that_say_nothing(words):
    StoryFactory(title="The export button is hidden", body="And the menu too")

    assert found(words) == []
    assert list(containing(Story.objects.all(), words)) == []


# --- Suggestions while typing --------------------------------------------------------------------


def test_it_suggests_by_whole_words_only():
    StoryFactory(title="Activation email never arrived")
    StoryFactory(title="The renewal reminder came too late")
    StoryFactory(title="New VAT rules confuse customers")

    assert suggested("VAT is wrong ") == ["New VAT rules confuse customers"]
    assert suggested("a new plan ") == ["New VAT rules confuse customers"]


def test_it_suggests_the_half_typed_last_word_by_its_start():
    StoryFactory(title="Invoices arrive late")

    assert suggested("my invo") == ["Invoices arrive late"]
    # Once the word is finished (a space follows), it must be a whole word.
    assert suggested("my invo ") == []


# --- Kept in sync --------------------------------------------------------------------------------


def test_it_finds_a_story_by_its_words_after_every_kind_of_change(alice, ada):
    story = StoryFactory(author=alice, title="The export button is hidden", body="")
    other = StoryFactory(author=alice, title="Export button missing on phones")

    story_update(story=story, tags=[], title="The import wizard crashed", body="Twice on Monday")
    assert found("wizard") == ["The import wizard crashed"]
    assert found("monday") == ["The import wizard crashed"]
    assert found("hidden") == []

    Story.objects.filter(pk=other.pk).update(body="Seen on Tuesday")  # a bulk update
    assert found("tuesday") == ["Export button missing on phones"]

    story_merge(source=other, target=story, merged_by=ada)
    assert found("tuesday") == ["Export button missing on phones"]  # still there, merged

    story_delete(story=other)
    assert found("tuesday") == []


def test_it_indexes_stories_loaded_in_bulk():
    Story.objects.bulk_create(
        [
            Story(title="Bulk loaded about refunds", sentiment="idea", author=StoryFactory().author)
            for _ in range(3)
        ]
    )

    assert found("refunds") == ["Bulk loaded about refunds"] * 3


def test_it_keeps_the_index_in_sync_by_triggers_on_the_story_table():
    """A migration that rebuilds stories_story on SQLite drops its triggers: it must add them
    back (see migrations/0009_search_words_on_sqlite.py)."""
    StoryFactory(title="Checked by the database itself")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # FTS5 raises an error if its index and the story table disagree.
            cursor.execute(
                "INSERT INTO stories_story_words(stories_story_words) VALUES ('integrity-check')"
            )
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'stories_story' ORDER BY name"
            )
            expected = [
                "stories_story_words_delete",
                "stories_story_words_insert",
                "stories_story_words_update",
            ]
        else:
            cursor.execute(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers "
                "WHERE event_object_table = 'stories_story' ORDER BY trigger_name"
            )
            expected = ["stories_story_search_vector"]
        assert [row[0] for row in cursor.fetchall()] == expected


def test_it_indexes_the_stories_already_there_when_migrating():
    migration = importlib.import_module("stories.migrations.0009_search_words_on_sqlite")
    with connection.cursor() as cursor:
        # SQLite's schema editor refuses to run inside the test's transaction; this is all the
        # migration's functions use of it.
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.drop(apps, editor)
        StoryFactory(title="Logged before the index existed")

        migration.create(apps, editor)

    assert found("index") == ["Logged before the index existed"]
