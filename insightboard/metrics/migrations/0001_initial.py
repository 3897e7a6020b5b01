"""Customer metrics move out of the stories app into their own, without moving any data.

The tables stay as the stories app made them (stories_metric, stories_metricvalue), so this only
tells Django's state that the models now live here. The content types are renamed in place, so
the admin's history of a metric, and the permissions on metrics, still point at them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MODELS = ("metric", "metricvalue")


def content_types_follow(old_label: str, new_label: str):
    def move(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        LogEntry = apps.get_model("admin", "LogEntry")
        for model in MODELS:
            old = ContentType.objects.filter(app_label=old_label, model=model).first()
            if old is None:
                continue
            new = ContentType.objects.filter(app_label=new_label, model=model).first()
            if new is None:
                old.app_label = new_label
                old.save(update_fields=["app_label"])
                continue
            # Both exist (a database that saw the new app before this ran): keep the new one,
            # and move the history and permissions that still point at the old.
            LogEntry.objects.filter(content_type=old).update(content_type=new)
            Permission = apps.get_model("auth", "Permission")
            taken = set(
                Permission.objects.filter(content_type=new).values_list("codename", flat=True)
            )
            Permission.objects.filter(content_type=old, codename__in=taken).delete()
            Permission.objects.filter(content_type=old).update(content_type=new)
            old.delete()

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("stories", "0005_similar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Metric",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        (
                            "unit",
                            models.CharField(
                                blank=True, help_text="For example: %, minutes, £.", max_length=30
                            ),
                        ),
                        (
                            "good_direction",
                            models.CharField(
                                choices=[("up", "Higher is better"), ("down", "Lower is better")],
                                default="up",
                                max_length=4,
                                verbose_name="which direction is good",
                            ),
                        ),
                        ("description", models.TextField(blank=True, max_length=2000)),
                    ],
                    options={"db_table": "stories_metric", "ordering": ["name"]},
                ),
                migrations.CreateModel(
                    name="MetricValue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("week", models.DateField(help_text="The Monday of the week.")),
                        ("value", models.DecimalField(decimal_places=4, max_digits=16)),
                        ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "metric",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="values",
                                to="metrics.metric",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "stories_metricvalue",
                        "ordering": ["metric", "-week"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("metric", "week"), name="one_value_per_week"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_follow("stories", "metrics"),
            content_types_follow("metrics", "stories"),
        ),
    ]
