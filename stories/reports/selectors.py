"""Reading executive reports: who may file them, the Leaders' corner, who is behind."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from insightboard.people.roles import LEADER_PERMISSION
from stories.models import Kind, LeaderReminder, Story, StoryQuerySet, Visibility


def may_file_reports(person: User) -> bool:
    # Superusers hold every permission, so admins pass too.
    return person.is_active and person.has_perm(LEADER_PERMISSION)


def executive_reports() -> StoryQuerySet:
    """Reports that count towards a leader's cadence: filed and shared with the company."""
    return Story.objects.filter(
        kind=Kind.EXECUTIVE, report__isnull=False, visibility=Visibility.COMPANY
    )


def holds_leader_role() -> Q:
    """People given the permission through a role or directly (superusers aside)."""
    app_label, codename = LEADER_PERMISSION.split(".")
    permission = {
        "permissions__content_type__app_label": app_label,
        "permissions__codename": codename,
    }
    groups = User.groups.through.objects.filter(
        user=OuterRef("pk"), **{f"group__{key}": value for key, value in permission.items()}
    )
    direct = User.user_permissions.through.objects.filter(
        user=OuterRef("pk"),
        permission__content_type__app_label=app_label,
        permission__codename=codename,
    )
    return Q(Exists(groups)) | Q(Exists(direct))


def with_last_report(people: QuerySet[User]) -> QuerySet[User]:
    last = (
        executive_reports()
        .filter(author=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return people.annotate(last_report_at=Subquery(last))


@dataclass(frozen=True)
class LeaderCadence:
    """Where a leader stands against "one report every N days"."""

    leader: User
    last_report_on: datetime.date | None
    every_days: int
    today: datetime.date

    @property
    def due_on(self) -> datetime.date | None:
        if self.last_report_on is None:
            return None
        return self.last_report_on + datetime.timedelta(days=self.every_days)

    @property
    def is_behind(self) -> bool:
        return self.due_on is None or self.today > self.due_on

    @property
    def behind_days(self) -> int:
        """Days past the due date (0 while on track, and for a first report never filed)."""
        if self.due_on is None or not self.is_behind:
            return 0
        return (self.today - self.due_on).days

    @property
    def days_left(self) -> int:
        if self.due_on is None or self.is_behind:
            return 0
        return (self.due_on - self.today).days

    @property
    def due_since(self) -> datetime.date:
        """Names the overdue period: a reminder is sent at most once for each.

        A leader who never filed has been due since they joined; keeping it simple beats
        tracking when the role was given.
        """
        if self.due_on is not None:
            return self.due_on
        return timezone.localdate(self.leader.date_joined)


def cadence_of(leader: User, *, today: datetime.date) -> LeaderCadence:
    last_report_at: datetime.datetime | None = getattr(leader, "last_report_at", None)
    return LeaderCadence(
        leader=leader,
        last_report_on=timezone.localdate(last_report_at) if last_report_at else None,
        every_days=settings.INSIGHTBOARD_LEADER_REPORT_DAYS,
        today=today,
    )


def leaders_cadence(*, today: datetime.date) -> list[LeaderCadence]:
    """Every active leader, and any admin who has filed a report, with their cadence; one query."""
    people = (
        User.objects.filter(is_active=True)
        .filter(holds_leader_role() | Q(Exists(executive_reports().filter(author=OuterRef("pk")))))
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )
    return [cadence_of(leader, today=today) for leader in with_last_report(people)]


def leaders_to_remind(*, today: datetime.date) -> list[tuple[int, datetime.date]]:
    """(leader id, due since) for each role holder behind and not yet reminded this period.

    Admins who filed a report now and then are listed in the corner but not chased by email.
    """
    people = with_last_report(
        User.objects.filter(holds_leader_role(), is_active=True).exclude(email="")
    ).order_by("pk")
    cadences = [cadence_of(person, today=today) for person in people]
    behind = [cadence for cadence in cadences if cadence.is_behind]
    reminded = set(
        LeaderReminder.objects.filter(
            leader__in=[cadence.leader.pk for cadence in behind]
        ).values_list("leader_id", "due_since")
    )
    return [
        (cadence.leader.pk, cadence.due_since)
        for cadence in behind
        if (cadence.leader.pk, cadence.due_since) not in reminded
    ]


def leader_reports(person: User | AnonymousUser) -> StoryQuerySet:
    """The executive reports the person may see, newest first, for the Leaders' corner."""
    return (
        Story.objects.visible_to(person)
        .filter(kind=Kind.EXECUTIVE, report__isnull=False)
        .select_related("author__profile", "report__action_owner__profile")
        .order_by("-created_at", "-id")
    )
