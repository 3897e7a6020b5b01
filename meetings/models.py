import datetime
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone

from insightboard.people.roles import is_admin
from insightboard.plausible_dates import (
    planning_horizon,
    validate_plan_day,
    validate_plan_moment,
)
from stories.models import Story, Tag, Visibility


class Cadence(models.IntegerChoices):
    WEEKLY = 1, "Every week"
    FORTNIGHTLY = 2, "Every two weeks"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SeriesQuerySet(models.QuerySet["MeetingSeries"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        if is_admin(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(hosts=user) | Q(attendees=user)).distinct()


class MeetingSeries(models.Model):
    """A recurring meeting; each occurrence opens with a story never used before in the series."""

    name = models.CharField(max_length=120)
    team = models.CharField(max_length=100, blank=True)
    hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="hosted_series")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="attended_series", blank=True
    )
    cadence = models.PositiveSmallIntegerField(choices=Cadence, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    starts_at = models.TimeField("starts at", help_text="In the company's time zone.")
    ends_at = models.TimeField("ends at")
    first_day = models.DateField(
        "starting from",
        help_text="The first meeting is on the first matching weekday from here.",
        validators=[validate_plan_day],
    )
    focus_tags = models.ManyToManyField(Tag, blank=True, related_name="focused_series")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "meeting series"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def duration(self) -> datetime.timedelta:
        day = datetime.date(2000, 1, 3)
        return datetime.datetime.combine(day, self.ends_at) - datetime.datetime.combine(
            day, self.starts_at
        )

    def first_slot(self) -> datetime.datetime:
        days_ahead = (self.weekday - self.first_day.weekday()) % 7
        day = self.first_day + datetime.timedelta(days=days_ahead)
        return timezone.make_aware(datetime.datetime.combine(day, self.starts_at))

    def slots_after(
        self, moment: datetime.datetime, count: int, *, until: datetime.datetime | None = None
    ) -> list[datetime.datetime]:
        """The series' next meeting times after a moment, in the company's time zone.

        None after `until` (the planning horizon when not given): a start date typed as year
        9999 before dates were checked gives no meetings, rather than dates past the calendar.
        """
        until = until or planning_horizon()
        step = datetime.timedelta(weeks=self.cadence)
        slots: list[datetime.datetime] = []
        try:
            slot = self.first_slot()
            if slot <= moment:
                # Whole steps to the last slot at or before the moment, then one more.
                slot += step * ((moment - slot) // step + 1)
            while len(slots) < count and slot <= until:
                # Re-localise each slot so the wall-clock time survives daylight-saving changes.
                day = timezone.localtime(slot).date()
                slots.append(timezone.make_aware(datetime.datetime.combine(day, self.starts_at)))
                slot += step
        except OverflowError:
            pass  # the calendar ends (year 9999) before the slots asked for
        return slots


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Meetings of the series a person hosts or attends, and one-offs they created."""
        if is_admin(user):
            return self
        if not user.is_authenticated:
            return self.none()
        series = MeetingSeries.objects.visible_to(user).values("pk")
        return self.filter(Q(series__in=series) | Q(series=None, created_by=user))

    def upcoming(self) -> Self:
        return self.filter(starts_at__gte=timezone.now()).planned().order_by("starts_at")

    def planned(self) -> Self:
        """Within the planning range: a meeting saved for year 9999 before dates were checked
        is not listed as coming up (its own page still opens)."""
        return self.filter(starts_at__lt=planning_horizon())


class Meeting(models.Model):
    """One occurrence of a series, or a one-off meeting."""

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="meetings", null=True, blank=True
    )
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField(validators=[validate_plan_moment])
    ends_at = models.DateTimeField(validators=[validate_plan_moment])
    # Hosts a one-off meeting; a series' occurrences are hosted by the series' hosts.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_meetings",
    )
    takeaway = models.CharField("what it means for us", max_length=300, blank=True)
    resonated_with = models.PositiveIntegerField("people it resonated with", default=0)
    # Practice 2: whose turn it is to share their own experience as a customer, and their story.
    empathy_sharer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="empathy_turns",
    )
    empathy_story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="empathy_meetings"
    )
    # Claimed by a conditional UPDATE, so the pre-brief goes out once whoever runs the job.
    prebrief_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="one_meeting_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.starts_at:%Y-%m-%d}"


def keep_meeting_record(
    collector: Collector, field: models.Field[Any, Any], sub_objs: Any, using: str
) -> None:
    """on_delete for an opener's story: the meeting keeps its opener, its takeaway and actions,
    and records when the story was deleted (by its author or an admin), so it can say so."""
    collector.add_field_update(field, None, sub_objs)
    deleted_at = field.model._meta.get_field("story_deleted_at")
    collector.add_field_update(deleted_at, timezone.now(), sub_objs)  # type: ignore[arg-type]


class Opener(models.Model):
    """The ledger: the story a meeting opened with. A story opens a series at most once.

    Its story may be deleted later by its author: the opener stays, without it.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="opener")
    # Copied from the meeting so the database itself can forbid a repeat within a series.
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="openers", null=True, blank=True
    )
    story = models.ForeignKey(
        Story, on_delete=keep_meeting_record, null=True, related_name="openers"
    )
    story_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reason = models.CharField(max_length=300)
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kept_at = models.DateTimeField(auto_now_add=True)
    author_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "story"], name="story_opens_series_once")
        ]
        indexes = [
            # The series' latest opener (to alternate sentiment) without reading the whole ledger.
            models.Index(fields=["series", "-kept_at"], name="opener_series_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} opened with {self.story_id}"

    def may_be_replaced(self, meeting: Meeting) -> bool:
        """Its story was deleted, or made private since it was kept, and `meeting` (this opener's,
        as the caller already has it) is still ahead: nobody but its author and admins could
        see it opened. Once held, the meeting's opener is its record and stays."""
        gone = self.story is None or self.story.visibility != Visibility.COMPANY
        return gone and meeting.starts_at > timezone.now()


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    # The story it came out of; an action outlives its story (deleted by its author).
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions"
    )
    due_on = models.DateField(null=True, blank=True, validators=[validate_plan_day])
    done = models.BooleanField(default=False)
    # When it was marked done (the digest reports actions finished in its week).
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    author_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When its owner was told it is theirs; cleared when it is given to someone else.
    owner_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["done", "due_on"]

    def __str__(self) -> str:
        return self.text
