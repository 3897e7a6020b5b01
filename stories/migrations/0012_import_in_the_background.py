from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import F


def confirmed_when_imported(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Files imported before the background import were confirmed when they were imported."""
    StoryImport = apps.get_model("stories", "StoryImport")
    StoryImport.objects.filter(imported_at__isnull=False).update(
        confirmed_at=F("imported_at"), progress_at=F("imported_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0011_report_owner_notified_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="storyimport",
            name="rows_total",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="storyimport",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="storyimport",
            name="rows_done",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="storyimport",
            name="done_through_row",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="storyimport",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="storyimport",
            name="outcome",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="storyimport",
            name="failure",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(confirmed_when_imported, migrations.RunPython.noop),
    ]
