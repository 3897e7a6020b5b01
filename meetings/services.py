"""Writes about meetings: keeping an opener, series and one-offs, takeaways, actions, empathy.

Each takes the data a form cleaned, not the form; background work is queued after commit.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from meetings.permissions import may_replace_opener
from meetings.tasks import (
    notify_author_of_action,
    notify_author_of_opener,
    notify_owner_of_action,
)
from stories.empathy.services import empathy_exercise_create
from stories.models import Story
from stories.services import tags_for


class OpenerError(Exception):
    """A reason a story cannot be kept as a meeting's opener, in words for the host."""


def opener_keep(*, meeting: Meeting, story_id: int, person: User, reason: str = "") -> Opener:
    """Make a story the meeting's opener; the database refuses a second opener or a repeat.

    An opener whose story was deleted or made private since it was kept is replaced, if the
    person may (meetings.permissions.may_replace_opener).
    """
    with transaction.atomic():
        # Two hosts pressing "Use this" at once queue here; the second sees the first's opener.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        current = Opener.objects.select_related("story").filter(meeting=locked).first()
        if current is not None:
            if not may_replace_opener(person, locked, current):
                raise OpenerError("This meeting already has its opener.")
            current.delete()
        story = Story.objects.company_wide().filter(pk=story_id).first()
        if story is None:
            raise OpenerError(
                "That story is not visible to the whole company, so it cannot open a meeting."
            )
        try:
            with transaction.atomic():
                opener = Opener.objects.create(
                    meeting=locked,
                    series_id=locked.series_id,
                    story=story,
                    reason=reason[:300],
                    kept_by=person,
                )
        except IntegrityError:
            raise OpenerError(
                "That story already opened a meeting in this series; pull another one."
            ) from None
        notify_author_of_opener.delay_on_commit(opener.pk)
        return opener


@transaction.atomic
def series_save(
    *,
    series: MeetingSeries | None,
    name: str,
    team: str,
    hosts: Iterable[User],
    attendees: Iterable[User],
    cadence: int,
    weekday: int,
    starts_at: datetime.time,
    ends_at: datetime.time,
    first_day: datetime.date,
    focus_tags: list[str],
) -> MeetingSeries:
    """Set up a recurring meeting, or change one."""
    series = series or MeetingSeries()
    series.name, series.team, series.cadence, series.weekday = name, team, cadence, weekday
    series.starts_at, series.ends_at, series.first_day = starts_at, ends_at, first_day
    series.save()
    series.hosts.set(hosts)
    series.attendees.set(attendees)
    series.focus_tags.set(tags_for(focus_tags))
    return series


def meeting_create_one_off(
    *, person: User, title: str, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> Meeting:
    return Meeting.objects.create(
        title=title, starts_at=starts_at, ends_at=ends_at, created_by=person
    )


def meeting_takeaway_save(*, meeting: Meeting, takeaway: str, resonated_with: int) -> Meeting:
    """What the opener means for us, and how many people it resonated with."""
    meeting.takeaway, meeting.resonated_with = takeaway, resonated_with
    meeting.save(update_fields=["takeaway", "resonated_with"])
    return meeting


@transaction.atomic
def action_create(
    *,
    meeting: Meeting,
    text: str,
    owner: User,
    due_on: datetime.date | None,
    assigned_by: User | None = None,
) -> ActionItem:
    """An action out of the meeting's opener; its story's author, and its owner unless they
    gave it to themselves, hear about it after commit."""
    opener = Opener.objects.get(meeting=meeting)
    action = ActionItem.objects.create(
        meeting=meeting, story_id=opener.story_id, text=text, owner=owner, due_on=due_on
    )
    notify_author_of_action.delay_on_commit(action.pk)
    tell_owner(action=action, assigned_by=assigned_by)
    return action


@transaction.atomic
def action_reassign(*, action: ActionItem, owner: User, assigned_by: User | None) -> ActionItem:
    """Give an action to someone else. Giving it to whoever already owns it changes nothing."""
    if action.owner_id == owner.pk:
        return action
    action.owner = owner
    action.save(update_fields=["owner"])
    action_owner_changed(action=action, assigned_by=assigned_by)
    return action


def action_owner_changed(*, action: ActionItem, assigned_by: User | None) -> None:
    """An action was given to someone else (here, or in the admin): its new owner is told."""
    action.owner_notified_at = None
    ActionItem.objects.filter(pk=action.pk).update(owner_notified_at=None)
    tell_owner(action=action, assigned_by=assigned_by)


def tell_owner(*, action: ActionItem, assigned_by: User | None) -> None:
    """Email the owner after commit that the action is theirs, unless they took it themselves."""
    if assigned_by is None or assigned_by.pk != action.owner_id:
        assigner_id = assigned_by.pk if assigned_by is not None else None
        notify_owner_of_action.delay_on_commit(action.pk, action.owner_id, assigner_id)


def action_set_done(*, action: ActionItem, done: bool) -> ActionItem:
    """Tick an action off or back on: pressed twice, the same as pressed once."""
    if action.done != done:
        action_toggle_done(action=action)
    return action


def action_toggle_done(*, action: ActionItem) -> ActionItem:
    action.done = not action.done
    action.done_at = timezone.now() if action.done else None
    action.save(update_fields=["done", "done_at"])
    return action


@transaction.atomic
def empathy_story_create(*, meeting: Meeting, person: User, **answers: Any) -> Story:
    """A shared experience becomes an empathy story, shown in the meeting after the opener."""
    story = empathy_exercise_create(author=person, **answers)
    Meeting.objects.filter(pk=meeting.pk).update(empathy_story=story)
    return story
