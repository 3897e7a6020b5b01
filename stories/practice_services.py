"""Practices 2 and 3: empathy exercises, executive reports, and keeping leaders on cadence."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from insightboard.emails import send_email
from insightboard.people.models import display_name
from insightboard.people.roles import LEADER_PERMISSION
from stories.models import (
    Channel,
    EmpathyAnswers,
    ExecutiveReport,
    Experience,
    Kind,
    LeaderReminder,
    ReportPlace,
    Sentiment,
    Story,
    StoryQuerySet,
    Visibility,
    WouldStay,
)
from stories.services import story_create

# How a customer experience reads on the board: good news is a success, bad a frustration, and a
# bit of both is something to think about.
SENTIMENT_OF_EXPERIENCE = {
    Experience.POSITIVE: Sentiment.SUCCESS,
    Experience.NEGATIVE: Sentiment.FRUSTRATION,
    Experience.MIXED: Sentiment.IDEA,
}

# The report's place, in the story list's channel filter.
CHANNEL_OF_PLACE = {
    ReportPlace.VISIT: Channel.IN_PERSON,
    ReportPlace.CALL: Channel.CALL,
    ReportPlace.EVENT: Channel.IN_PERSON,
    ReportPlace.SUPPORT_SHADOWING: Channel.OTHER,
    ReportPlace.OTHER: Channel.OTHER,
}

HEADLINE_MAX_LENGTH = 200


def empathy_headline(company: str) -> str:
    return f"My experience with {company}"[:HEADLINE_MAX_LENGTH]


@transaction.atomic
def empathy_exercise_create(
    *,
    author: User,
    company: str,
    experience: Experience | str,
    what_made_it: str,
    why_it_stood_out: str,
    would_stay: WouldStay | str,
    meaning_for_us: str,
    title: str = "",
    happened_on: datetime.date | None = None,
) -> Story:
    """Someone's own experience as a customer: an empathy story with the exercise's answers."""
    story = story_create(
        author=author,
        kind=Kind.EMPATHY,
        title=title.strip() or empathy_headline(company),
        sentiment=SENTIMENT_OF_EXPERIENCE[Experience(experience)],
        happened_on=happened_on,
    )
    answers = EmpathyAnswers(
        story=story,
        company=company,
        experience=experience,
        what_made_it=what_made_it,
        why_it_stood_out=why_it_stood_out,
        would_stay=would_stay,
        meaning_for_us=meaning_for_us,
    )
    answers.full_clean()
    answers.save()
    return story


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


# --- Reports and leaders ----------------------------------------------------------------------


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


# --- Friendly reminders -------------------------------------------------------------------------


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
                "report_url": f"{settings.SITE_URL}{reverse('stories:report_create')}",
                "corner_url": f"{settings.SITE_URL}{reverse('stories:leaders')}",
            },
        )
    return True
