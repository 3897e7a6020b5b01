import datetime
from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q
from django.utils import timezone

from insightboard.people.roles import is_admin
from stories.models import Story, Tag


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
        "starting from", help_text="The first meeting is on the first matching weekday from here."
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

    def slots_after(self, moment: datetime.datetime, count: int) -> list[datetime.datetime]:
        """The series' next meeting times after a moment, in the company's time zone."""
        step = datetime.timedelta(weeks=self.cadence)
        slot = self.first_slot()
        if slot <= moment:
            # Whole steps to the last slot at or before the moment, then one more.
            slot += step * ((moment - slot) // step + 1)
        slots = []
        for _ in range(count):
            # Re-localise each slot so the wall-clock time survives daylight-saving changes.
            slots.append(
                timezone.make_aware(
                    datetime.datetime.combine(timezone.localtime(slot).date(), self.starts_at)
                )
            )
            slot += step
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
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")


class Meeting(models.Model):
    """One occurrence of a series, or a one-off meeting."""

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="meetings", null=True, blank=True
    )
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
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


class Opener(models.Model):
    """The ledger: the story a meeting opened with. A story opens a series at most once."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="opener")
    # Copied from the meeting so the database itself can forbid a repeat within a series.
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, related_name="openers", null=True, blank=True
    )
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="openers")
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


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions"
    )
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    # When it was marked done (the digest reports actions finished in its week).
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    author_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["done", "due_on"]

    def __str__(self) -> str:
        return self.text
