import datetime
import re
from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from insightboard.people.roles import is_admin

TITLE_MAX_LENGTH = 500
BODY_MAX_LENGTH = 20_000
TAG_MAX_LENGTH = 50
# Search ranks the newest this many matches (20 pages), which keeps common words fast.
RANKED_MATCHES = 500


class Kind(models.TextChoices):
    INSIGHT = "insight", "Customer insight"
    EMPATHY = "empathy", "Empathy exercise"
    EXECUTIVE = "executive", "Executive report"


class Sentiment(models.TextChoices):
    SUCCESS = "success", "Success"
    FRUSTRATION = "frustration", "Frustration"
    IDEA = "idea", "Idea"


class Channel(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    CHAT = "chat", "Chat"
    SOCIAL = "social", "Social media"
    REVIEW = "review", "Review"
    SURVEY = "survey", "Survey"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"


class Visibility(models.TextChoices):
    COMPANY = "company", "Everyone in the company"
    PRIVATE = "private", "Only me (and admins)"


def normalise_tag(name: str) -> str:
    """One spelling per tag: lower case, words joined by hyphens ("Check Out " -> "check-out")."""
    words = re.split(r"[\s_]+", name.strip().lower().lstrip("#"))
    return "-".join(word for word in words if word)


class Tag(models.Model):
    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StoryQuerySet(models.QuerySet["Story"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        if is_admin(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(visibility=Visibility.COMPANY) | Q(author=user))

    def company_wide(self) -> Self:
        return self.filter(visibility=Visibility.COMPANY)

    def matching(self, text: str) -> Self:
        """Stories matching a search, best first: a title match ranks above a body match."""
        if connection.vendor == "postgresql":
            query = SearchQuery(text, config="english", search_type="websearch")
            # Ranking every match of a common word is a scan; rank only the newest matches.
            newest = (
                self.filter(search_vector=query)
                .order_by("-created_at", "-id")
                .values("pk")[:RANKED_MATCHES]
            )
            return (
                self.filter(pk__in=newest)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-created_at", "-id")
            )
        in_title = Q(title__icontains=text)
        return (
            self.filter(in_title | Q(body__icontains=text))
            .annotate(rank=Case(When(in_title, then=Value(1)), default=Value(0)))
            .order_by("-rank", "-created_at", "-id")
        )

    def with_hear_too_count(self) -> Self:
        # A correlated subquery per row on the page, not a GROUP BY over the whole table.
        counts = (
            Reaction.objects.filter(story=OuterRef("pk"))
            .order_by()
            .values("story")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(hear_too=Coalesce(Subquery(counts), 0))

    def for_listing(self) -> Self:
        return self.select_related("author__profile").prefetch_related("tags").with_hear_too_count()


class Story(models.Model):
    """Anything the company heard from a customer: insight, empathy exercise, leader's report."""

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.INSIGHT)
    sentiment = models.CharField(max_length=12, choices=Sentiment)
    title = models.CharField("what the customer said", max_length=TITLE_MAX_LENGTH)
    body = models.TextField(
        "more detail",
        blank=True,
        max_length=BODY_MAX_LENGTH,
        help_text="Optional. Markdown works: **bold**, lists, links.",
    )
    customer_name = models.CharField(max_length=200, blank=True)
    customer_organisation = models.CharField(max_length=200, blank=True)
    customer_segment = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=20, choices=Channel, default=Channel.OTHER)
    happened_on = models.DateField("when it happened", default=datetime.date.today)
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stories"
    )
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.COMPANY)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Filled by a PostgreSQL trigger (title weighted above body); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="story_newest"),
            models.Index(fields=["visibility", "-created_at"], name="story_visible_newest"),
            models.Index(fields=["happened_on"], name="story_happened_on"),
            # The home page's "this week" counts read this index alone.
            models.Index(fields=["happened_on", "sentiment"], name="story_week_counts"),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", args=[self.pk])

    def can_edit(self, user: User | AnonymousUser) -> bool:
        return user.is_authenticated and (self.author_id == user.pk or is_admin(user))


class Reaction(models.Model):
    """ "We hear this too": one person saying they have heard the same from customers."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "person"], name="one_reaction_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} hears {self.story_id} too"
