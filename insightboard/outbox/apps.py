from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "insightboard.outbox"
    label = "outbox"
    verbose_name = "Background work waiting for the broker"
