"""Emails about meetings: the hosts' pre-brief, telling authors what their insight led to, and
telling people an action is theirs.

Every send is claimed by a conditional UPDATE in the same transaction as the send. A second
worker (a second beat, a redelivered task) waits on the row lock, then finds the row claimed and
stops; a failed send rolls the claim back, so the task's retry can still deliver.
"""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable
from django.utils import timezone

from insightboard.emails import absolute_url, send_email
from insightboard.people.models import display_name
from meetings.models import ActionItem, Meeting, MeetingSeries, Opener
from meetings.openers import opener_pull
from meetings.schedule import series_upcoming_meetings


def can_receive(person: User | None) -> bool:
    return person is not None and person.is_active and bool(person.email)


# --- Closing the loop with the author -------------------------------------------------------------


def opener_notify_author(*, opener_id: int) -> bool:
    """Tell a story's author that it opened a meeting; True if an email went out.

    Authors who kept their own story as the opener were there when it happened: no email.
    """
    with transaction.atomic():
        claimed = Opener.objects.filter(pk=opener_id, author_notified_at__isnull=True).update(
            author_notified_at=timezone.now()
        )
        if not claimed:
            return False
        opener = Opener.objects.select_related(
            "story__author__profile", "meeting", "kept_by__profile"
        ).get(pk=opener_id)
        if opener.story is None:
            return False  # deleted by its author since: nobody to tell
        author = opener.story.author
        if author.pk == opener.kept_by_id or not can_receive(author):
            return False
        send_email(
            template="opener_author",
            to=[author.email],
            context={
                "author_name": display_name(author),
                "story": opener.story,
                "meeting": opener.meeting,
                "kept_by_name": display_name(opener.kept_by),
                "story_url": absolute_url("stories:detail", opener.story_id),
            },
        )
    return True


def action_notify_author(*, action_id: int) -> bool:
    """Tell a story's author that a meeting decided to act on it; True if an email went out.

    Authors who own the action already know about it: no email.
    """
    with transaction.atomic():
        claimed = ActionItem.objects.filter(pk=action_id, author_notified_at__isnull=True).update(
            author_notified_at=timezone.now()
        )
        if not claimed:
            return False
        action = ActionItem.objects.select_related(
            "story__author__profile", "meeting", "owner__profile"
        ).get(pk=action_id)
        if action.story is None:
            return False  # its story was deleted by its author since: nobody to tell
        author = action.story.author
        if author.pk == action.owner_id or not can_receive(author):
            return False
        send_email(
            template="action_author",
            to=[author.email],
            context={
                "author_name": display_name(author),
                "story": action.story,
                "meeting": action.meeting,
                "action": action,
                "owner_name": display_name(action.owner),
                "story_url": absolute_url("stories:detail", action.story_id),
            },
        )
    return True


def action_notify_owner(*, action_id: int, owner_id: int, assigned_by_id: int | None) -> bool:
    """Tell a person an action was given to them; True if an email went out.

    Claimed for that owner: if the action went on to someone else before this ran, they get
    their own email, and this one is not sent.
    """
    with transaction.atomic():
        claimed = ActionItem.objects.filter(
            pk=action_id, owner_id=owner_id, owner_notified_at__isnull=True
        ).update(owner_notified_at=timezone.now())
        if not claimed:
            return False
        action = ActionItem.objects.select_related("story", "meeting", "owner__profile").get(
            pk=action_id
        )
        owner = action.owner
        if not can_receive(owner):
            return False
        assigned_by = (
            User.objects.select_related("profile").filter(pk=assigned_by_id).first()
            if assigned_by_id is not None
            else None
        )
        # Only a story the owner may see (it may have been made private since it opened the
        # meeting): otherwise the email says what to do, not what the customer said.
        story = action.story if action.story and action.story.is_visible_to(owner) else None
        send_email(
            template="action_owner",
            to=[owner.email],
            context={
                "owner_name": display_name(owner),
                "assigned_by_name": display_name(assigned_by) if assigned_by else "",
                "action": action,
                "meeting": action.meeting,
                "story": story,
                "actions_url": absolute_url("home"),
                "story_url": absolute_url("stories:detail", story.pk) if story else "",
            },
        )
    return True


# --- The hosts' pre-brief ---------------------------------------------------------------------


def without_opener() -> Combinable:
    # A correlated NOT EXISTS, not a join: PostgreSQL re-checks it on the row a claim waited for.
    return ~Exists(Opener.objects.filter(meeting=OuterRef("pk")))


def meetings_due_prebrief(*, within: datetime.timedelta) -> list[int]:
    """Meetings starting within the window that have no opener and no pre-brief yet.

    Each series' next occurrence is created first, so a series nobody has looked at this week
    still gets its pre-brief.
    """
    for series in MeetingSeries.objects.all():
        series_upcoming_meetings(series=series, count=1)
    now = timezone.now()
    return list(
        Meeting.objects.filter(
            without_opener(),
            starts_at__gt=now,
            starts_at__lte=now + within,
            prebrief_sent_at__isnull=True,
        )
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )


def meeting_hosts(meeting: Meeting) -> list[User]:
    """The series' hosts; a one-off is hosted by whoever set it up."""
    if meeting.series is not None:
        return list(meeting.series.hosts.order_by("pk"))
    return [meeting.created_by] if meeting.created_by is not None else []


def meeting_send_prebrief(*, meeting_id: int) -> bool:
    """Email the hosts an opener to keep, or pull again, before the meeting; True if sent.

    Sent once per meeting, and only while it is still ahead and has no opener.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            without_opener(), pk=meeting_id, prebrief_sent_at__isnull=True, starts_at__gt=now
        ).update(prebrief_sent_at=now)
        if not claimed:
            return False
        meeting = Meeting.objects.select_related("series", "created_by").get(pk=meeting_id)
        recipients = [host.email for host in meeting_hosts(meeting) if can_receive(host)]
        if not recipients:
            return False
        candidate = opener_pull(meeting=meeting)
        meeting_url = absolute_url("meetings:detail", meeting.pk)
        send_email(
            template="prebrief",
            to=recipients,
            context={
                "meeting": meeting,
                "candidate": candidate,
                "story": candidate.story if candidate else None,
                "author_name": display_name(candidate.story.author) if candidate else "",
                "meeting_url": meeting_url,
                "keep_url": f"{meeting_url}?offer={candidate.story.pk}" if candidate else "",
                "log_url": absolute_url("stories:create"),
            },
        )
    return True
