from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Seed data and benchmarks: kept out of the product apps, and without models of its own."""

    name = "insightboard.demo"
    label = "demo"
    verbose_name = "Demo company and benchmarks"
