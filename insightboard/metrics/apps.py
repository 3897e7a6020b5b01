from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "insightboard.metrics"
    label = "metrics"
    verbose_name = "Customer metrics"
