from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "insightboard.submissions"
    label = "submissions"
    verbose_name = "Form submissions"
