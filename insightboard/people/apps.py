from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "insightboard.people"
    label = "people"
    verbose_name = "People"
