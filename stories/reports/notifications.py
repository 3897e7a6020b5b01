"""Emails about executive reports: friendly reminders to leaders who are behind, and telling
people a leader's suggested action is theirs.

Each send is claimed in the same transaction as the send: a redelivered task finds the claim
taken, and a failed send gives it back so the task's retry can still deliver.
"""

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from insightboard.emails import absolute_url, send_email
from insightboard.people.models import display_name
from stories.models import ExecutiveReport, LeaderReminder
from stories.reports.selectors import cadence_of, holds_leader_role, with_last_report


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


def report_notify_owner(*, report_id: int, owner_id: int, named_by_id: int | None) -> bool:
    """Tell a person a leader's suggested action is theirs; True if an email went out.

    Claimed for that owner by a conditional UPDATE, in the send's transaction: a redelivered
    task finds it claimed, a failed send gives the claim back for the retry, and if the action
    went on to someone else before this ran, they get their own email and this one is not sent.
    """
    with transaction.atomic():
        claimed = ExecutiveReport.objects.filter(
            pk=report_id, action_owner_id=owner_id, owner_notified_at__isnull=True
        ).update(owner_notified_at=timezone.now())
        if not claimed:
            return False
        report = ExecutiveReport.objects.select_related(
            "story__author__profile", "action_owner__profile"
        ).get(pk=report_id)
        owner = report.action_owner
        if owner is None or not owner.is_active or not owner.email:
            return False
        named_by = (
            User.objects.select_related("profile").filter(pk=named_by_id).first()
            if named_by_id is not None
            else None
        )
        leader = report.story.author
        # Only a story the owner may see (it may have been made private since it was filed):
        # otherwise the email says what to do, not what the customer said.
        story = report.story if report.story.is_visible_to(owner) else None
        send_email(
            template="report_action_owner",
            to=[owner.email],
            context={
                "owner_name": display_name(owner),
                "leader_name": display_name(leader),
                "named_by_name": (
                    display_name(named_by) if named_by and named_by.pk != leader.pk else ""
                ),
                "suggested_action": report.suggested_action,
                "story": story,
                "story_url": absolute_url("stories:detail", story.pk) if story else "",
                "corner_url": absolute_url("stories:leaders"),
            },
        )
    return True
