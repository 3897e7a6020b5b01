"""Customer metrics now live in insightboard.metrics; their tables stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_similar"),
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MetricValue"),
                migrations.DeleteModel(name="Metric"),
            ],
            database_operations=[],
        ),
    ]
