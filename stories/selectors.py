"""Reads about stories that pages elsewhere (home, meetings, the digest) build on."""

from collections.abc import Sequence

from django.contrib.auth.models import User

from stories.models import Reaction, Story


def reacted_story_ids(person: User, stories: Sequence[Story]) -> set[int]:
    """Which of these stories the person already hears too (one query, whatever the page size)."""
    return set(
        Reaction.objects.filter(person=person, story__in=stories).values_list("story_id", flat=True)
    )
