"""Writes about stories: creating, editing and deleting them, tags, and "we hear this too"."""

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from stories.models import (
    Channel,
    Kind,
    Reaction,
    Sentiment,
    Spotlight,
    Story,
    Tag,
    Visibility,
)


def tags_for(names: list[str]) -> list[Tag]:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [existing[name] for name in names]


@transaction.atomic
def story_create(
    *,
    author: User,
    title: str,
    sentiment: Sentiment | str,
    kind: Kind | str = Kind.INSIGHT,
    body: str = "",
    tags: list[str] | None = None,
    customer_name: str = "",
    customer_organisation: str = "",
    customer_segment: str = "",
    channel: Channel | str = Channel.OTHER,
    happened_on: datetime.date | None = None,
    visibility: Visibility | str = Visibility.COMPANY,
    shout_out_to: str = "",
) -> Story:
    story = Story(
        author=author,
        title=title,
        sentiment=sentiment,
        kind=kind,
        body=body,
        customer_name=customer_name,
        customer_organisation=customer_organisation,
        customer_segment=customer_segment,
        channel=channel,
        visibility=visibility,
        shout_out_to=shout_out_to,
    )
    if happened_on is not None:
        story.happened_on = happened_on
    story.full_clean()
    story.save()
    story.tags.set(tags_for(tags or []))
    return story


@transaction.atomic
def story_update(*, story: Story, tags: list[str], **fields: object) -> Story:
    for name, value in fields.items():
        setattr(story, name, value)
    story.full_clean()
    story.save()
    story.tags.set(tags_for(tags))
    return story


def story_delete(*, story: Story) -> None:
    story.delete()


class OwnStoryError(Exception):
    """The author said they hear their own story too: it counts once already, as theirs."""


OWN_STORY = (
    "This is your own insight, so it counts already: “we hear this too” is for colleagues "
    "who heard the same from their customers."
)


def hear_too_add(*, story: Story, person: User) -> bool:
    """Record that the person hears this story too; False if they already did.

    "This is the same as" comes here too: saying it twice means the same as saying it once.
    Every way of saying it comes here, so this is where an author is refused (OwnStoryError).
    """
    if story.author_id == person.pk:
        raise OwnStoryError(OWN_STORY)
    try:
        with transaction.atomic():
            _, created = Reaction.objects.get_or_create(story=story, person=person)
    except IntegrityError:
        # A double click raced us to it: the reaction exists, which is what was asked for.
        return False
    return created


def hear_too_set(*, story: Story, person: User, hears: bool) -> bool:
    """Say you hear it too, or take it back: pressed twice, the same as pressed once."""
    if hears:
        hear_too_add(story=story, person=person)
    else:
        Reaction.objects.filter(story=story, person=person).delete()
    return hears


def hear_too_toggle(*, story: Story, person: User) -> bool:
    """Record or withdraw "we hear this too"; returns whether the person now hears it too."""
    deleted, _ = Reaction.objects.filter(story=story, person=person).delete()
    if deleted:
        return False
    hear_too_add(story=story, person=person)
    return True


def spotlight_set(*, story_id: int, week: datetime.date, reason: str) -> Spotlight:
    """Put a story forward for a week, with why (the digest's top frustration, for next week)."""
    spotlight, _ = Spotlight.objects.update_or_create(
        week=week, defaults={"story_id": story_id, "reason": reason}
    )
    return spotlight
