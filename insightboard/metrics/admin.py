from django.contrib import admin

from insightboard.metrics.models import Metric, MetricValue


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin[Metric]):
    list_display = ["name", "unit", "good_direction"]
    search_fields = ["name"]


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin[MetricValue]):
    list_display = ["metric", "week", "value", "recorded_by", "recorded_at"]
    list_filter = ["metric"]
    list_select_related = ["metric", "recorded_by"]
    raw_id_fields = ["recorded_by"]
    date_hierarchy = "week"
