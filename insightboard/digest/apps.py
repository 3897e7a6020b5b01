from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "insightboard.digest"
    label = "digest"
    verbose_name = "Weekly digest"
