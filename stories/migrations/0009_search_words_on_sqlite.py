"""Whole-word search on SQLite: an FTS5 index of each story's title and body.

PostgreSQL already matches words (0002_search.py); SQLite compared text, so "VAT" found
"activation". The index reads the text from stories_story itself (an external-content table) and
triggers keep it in step with every insert, update and delete, bulk ones included. The porter
stemmer lets "invoices" find "invoice", as PostgreSQL's english configuration does.

SQLite drops a table's triggers with the table: a later migration that makes Django rebuild
stories_story on SQLite (most AlterField operations) must run CREATE_TRIGGERS again.
tests/stories/test_search_words.py fails until it does.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CREATE_INDEX = [
    """
    CREATE VIRTUAL TABLE stories_story_words USING fts5(
        title, body, content='stories_story', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    # Index the stories already there.
    "INSERT INTO stories_story_words(stories_story_words) VALUES ('rebuild')",
]

CREATE_TRIGGERS = [
    """
    CREATE TRIGGER stories_story_words_insert AFTER INSERT ON stories_story BEGIN
      INSERT INTO stories_story_words(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER stories_story_words_delete AFTER DELETE ON stories_story BEGIN
      INSERT INTO stories_story_words(stories_story_words, rowid, title, body)
      VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER stories_story_words_update AFTER UPDATE OF title, body ON stories_story BEGIN
      INSERT INTO stories_story_words(stories_story_words, rowid, title, body)
      VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO stories_story_words(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS stories_story_words_update",
    "DROP TRIGGER IF EXISTS stories_story_words_delete",
    "DROP TRIGGER IF EXISTS stories_story_words_insert",
    "DROP TABLE IF EXISTS stories_story_words",
]


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*CREATE_INDEX, *CREATE_TRIGGERS]:
            schema_editor.execute(statement)


def drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("stories", "0008_reaction_created")]

    operations = [migrations.RunPython(create, drop)]
