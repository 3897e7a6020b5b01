"""What a merge left behind: who hears each story, its tags, and what the admin was told."""

from django.contrib.messages import get_messages

from stories.models import Story


def reactors(story: Story) -> list[str]:
    return sorted(story.reactions.values_list("person__username", flat=True))


def tag_names(story: Story) -> list[str]:
    return sorted(story.tags.values_list("name", flat=True))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]
