from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "insightboard.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Every app depends on this one, so it is the project's first say over its forms.
        from insightboard.form_messages import friendly_messages_apply

        friendly_messages_apply()
