"""Practice 3, executive reports: what a leader heard, made usable; and friendly reminders to
leaders who are behind on them."""

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from insightboard.emails import absolute_url, send_email
from insightboard.people.models import display_name
from stories.models import (
    Channel,
    ExecutiveReport,
    Kind,
    LeaderReminder,
    ReportPlace,
    Sentiment,
    Story,
    Visibility,
)
from stories.reports.selectors import cadence_of, holds_leader_role, with_last_report
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

    Reports are shared with the whole company: that is the practice.
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
    return story


def leader_remind(*, leader_id: int, due_since: datetime.date) -> bool:
    """Send one leader the reminder for one overdue period; True if an email went out.

    The LeaderReminder row is the claim: a second sweep or a redelivered task finds it taken.
    The send happens inside the claim's transaction, so a failed send gives the claim back and
    the task's retry can still deliver.
    """
    today = timezone.localdate()
    with transaction.atomic():
        leader = (
            with_last_report(User.objects.filter(holds_leader_role(), is_active=True))
            .select_related("profile")
            .filter(pk=leader_id)
            .first()
        )
        if leader is None or not leader.email:
            return False
        cadence = cadence_of(leader, today=today)
        # They filed (or lost the role) since the sweep looked: nothing to remind them of.
        if not cadence.is_behind or cadence.due_since != due_since:
            return False
        try:
            with transaction.atomic():
                LeaderReminder.objects.create(leader=leader, due_since=due_since)
        except IntegrityError:
            return False
        send_email(
            template="report_reminder",
            to=[leader.email],
            context={
                "leader_name": display_name(leader),
                "cadence": cadence,
                "report_url": absolute_url("stories:report_create"),
                "corner_url": absolute_url("stories:leaders"),
            },
        )
    return True
