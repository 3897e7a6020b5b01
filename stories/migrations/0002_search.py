from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# Title words weigh more (A) than body words (B), so a title match ranks first.
CREATE = """
CREATE FUNCTION stories_story_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER stories_story_search_vector
  BEFORE INSERT OR UPDATE OF title, body ON stories_story
  FOR EACH ROW EXECUTE FUNCTION stories_story_search_vector();

CREATE INDEX story_search ON stories_story USING gin (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS story_search;
DROP TRIGGER IF EXISTS stories_story_search_vector ON stories_story;
DROP FUNCTION IF EXISTS stories_story_search_vector();
"""


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
