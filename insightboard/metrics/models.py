"""Key customer metrics and their weekly values: what the weekly digest reports beside the stories.

The tables were created by the stories app and keep their names (db_table), so moving the models
here moved no data.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from insightboard.plausible_dates import validate_metric_week


class GoodDirection(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class Metric(models.Model):
    """A key customer metric the weekly report carries (practice 4)."""

    name = models.CharField(max_length=100, unique=True)
    unit = models.CharField(max_length=30, blank=True, help_text="For example: %, minutes, £.")
    good_direction = models.CharField(
        "which direction is good", max_length=4, choices=GoodDirection, default=GoodDirection.UP
    )
    description = models.TextField(blank=True, max_length=2000)

    class Meta:
        db_table = "stories_metric"
        ordering = ["name"]
        constraints = [
            # "NPS" and "nps" side by side would read as one metric on every page and in CSV
            # files: the database refuses the second even when two admins add them at once.
            models.UniqueConstraint(
                Lower("name"),
                name="metric_name_once_in_any_case",
                violation_error_message="There is already a metric of this name, in some "
                "letter case: choose another name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MetricValue(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    week = models.DateField(help_text="The Monday of the week.", validators=[validate_metric_week])
    value = models.DecimalField(max_digits=16, decimal_places=4)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "stories_metricvalue"
        ordering = ["metric", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "week"], name="one_value_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.week}: {self.value}"
