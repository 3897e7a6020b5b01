"""Practice 3, executive reports: what a leader heard, made usable. Filing one, or giving its
suggested action to someone else, tells the action's owner (stories.reports.notifications)."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction

from stories.models import (
    Channel,
    ExecutiveReport,
    Kind,
    ReportPlace,
    Sentiment,
    Story,
    Visibility,
)
from stories.reports.tasks import notify_action_owner
from stories.services import story_create

# The report's place, in the story list's channel filter.
CHANNEL_OF_PLACE = {
    ReportPlace.VISIT: Channel.IN_PERSON,
    ReportPlace.CALL: Channel.CALL,
    ReportPlace.EVENT: Channel.IN_PERSON,
    ReportPlace.SUPPORT_SHADOWING: Channel.OTHER,
    ReportPlace.OTHER: Channel.OTHER,
}


@transaction.atomic
def executive_report_create(
    *,
    author: User,
    title: str,
    sentiment: Sentiment | str,
    spoke_with: str,
    conversations: int,
    place: ReportPlace | str,
    insight: str,
    suggested_action: str,
    action_owner: User,
    body: str = "",
    happened_on: datetime.date | None = None,
) -> Story:
    """A leader's report: the story is what they heard, the report how to use it.

    Reports are shared with the whole company: that is the practice. The action's owner hears
    about it after commit, unless the leader named themself.
    """
    story = story_create(
        author=author,
        kind=Kind.EXECUTIVE,
        title=title,
        sentiment=sentiment,
        body=body,
        channel=CHANNEL_OF_PLACE[ReportPlace(place)],
        happened_on=happened_on,
        visibility=Visibility.COMPANY,
    )
    report = ExecutiveReport(
        story=story,
        spoke_with=spoke_with,
        conversations=conversations,
        place=place,
        insight=insight,
        suggested_action=suggested_action,
        action_owner=action_owner,
    )
    report.full_clean()
    report.save()
    tell_action_owner(report=report, named_by=author)
    return story


@transaction.atomic
def executive_report_update(
    *,
    story: Story,
    title: str,
    sentiment: Sentiment | str,
    spoke_with: str,
    conversations: int,
    place: ReportPlace | str,
    insight: str,
    suggested_action: str,
    action_owner: User,
    named_by: User,
    body: str = "",
    happened_on: datetime.date | None = None,
) -> Story:
    """A corrected report, by `named_by` (its leader or an admin). The story's channel follows a
    changed place, as when it was filed; its date stays when none is given; who sees it, its tags
    and customer stay as they were. A new action owner is told, unless they named themself."""
    # As stored (a form may have changed the object it was given already), and held until saved.
    report = ExecutiveReport.objects.select_for_update().get(story=story)
    story.title = title
    story.sentiment = sentiment
    story.body = body
    if happened_on is not None:
        story.happened_on = happened_on
    if place != report.place:
        story.channel = CHANNEL_OF_PLACE[ReportPlace(place)]
    story.full_clean()
    story.save()
    report.spoke_with = spoke_with
    report.conversations = conversations
    report.place = place
    report.insight = insight
    report.suggested_action = suggested_action
    owner_changed = report.action_owner_id != action_owner.pk
    report.action_owner = action_owner
    report.full_clean()
    report.save()
    if owner_changed:
        report_owner_changed(report=report, named_by=named_by)
    return story


def report_owner_changed(*, report: ExecutiveReport, named_by: User | None) -> None:
    """The suggested action went to someone else (on the form, or in the admin): they are told."""
    report.owner_notified_at = None
    ExecutiveReport.objects.filter(pk=report.pk).update(owner_notified_at=None)
    tell_action_owner(report=report, named_by=named_by)


def tell_action_owner(*, report: ExecutiveReport, named_by: User | None) -> None:
    """Email the owner after commit that the suggested action is theirs, unless they named
    themself."""
    owner_id = report.action_owner_id
    if owner_id is None or (named_by is not None and named_by.pk == owner_id):
        return
    named_by_id = named_by.pk if named_by is not None else None
    notify_action_owner.delay_on_commit(report.pk, owner_id, named_by_id)
