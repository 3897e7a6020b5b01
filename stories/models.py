import datetime
import re
import unicodedata
from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from insightboard.people.roles import is_admin
from insightboard.plausible_dates import validate_happened_on

TITLE_MAX_LENGTH = 500
BODY_MAX_LENGTH = 20_000
TAG_MAX_LENGTH = 50


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


# A tag is words of letters and digits joined by single dashes: "check-out", "2fa", "café".
TAG_SHAPE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
TAG_RULE = "Tags can have only letters, digits and dashes"


def normalise_tag(name: str) -> str:
    """One spelling per tag: lower case, words joined by single dashes ("Check Out " ->
    "check-out", "#data_export" -> "data-export"). Every way in (forms, API, CSV import) comes
    here, then to `tag_problem`."""
    text = unicodedata.normalize("NFC", name).strip().lower().lstrip("#")
    return "-".join(word for word in re.split(r"[\s_-]+", text) if word)


def tag_problem(name: str) -> str | None:
    """What keeps a normalised tag from being one ("“c++” has “+”"), or None if nothing does."""
    if TAG_SHAPE.fullmatch(name):
        return None
    others = dict.fromkeys(re.findall(r"[^\w-]", name))
    shown = name if len(name) <= 40 else f"{name[:40]}…"
    return f"“{shown}” has " + ", ".join(f"“{character}”" for character in others)


class Tag(models.Model):
    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StoryQuerySet(models.QuerySet["Story"]):
    def current(self) -> Self:
        """Stories not merged into another: a merged one lives on in the story it joined."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user: User | AnonymousUser, *, include_merged: bool = False) -> Self:
        # Merged stories leave lists, search and counts; only their page still finds them.
        # Story.is_visible_to is the same rule for one story in hand: change both together.
        stories = self if include_merged else self.current()
        if is_admin(user):
            return stories
        if not user.is_authenticated:
            return stories.none()
        return stories.filter(Q(visibility=Visibility.COMPANY) | Q(author=user))

    def company_wide(self) -> Self:
        return self.current().filter(visibility=Visibility.COMPANY)

    def with_hear_too_count(self) -> Self:
        # A correlated subquery per row on the page, not a GROUP BY over the whole table.
        counts = (
            # Nobody hears their own story too: an author's own reaction is left out.
            Reaction.objects.filter(story=OuterRef("pk"))
            .exclude(person=OuterRef("author"))
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
    happened_on = models.DateField(
        "when it happened", default=datetime.date.today, validators=[validate_happened_on]
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stories"
    )
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.COMPANY)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Filled by a PostgreSQL trigger (title weighted above body); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    shout_out_to = models.CharField(
        "shout-out to",
        max_length=120,
        blank=True,
        help_text="A colleague or team this success is thanks to: it joins Customer kudos.",
    )
    # Set while this story is merged into another; undoing the merge clears it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_stories",
    )
    # Where an imported story came from (a source id, or a fingerprint of its content), so that
    # importing the same file twice adds nothing the second time.
    import_key = models.CharField(max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001 - NULLs never collide

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
            # Leaders' corner: each leader's latest company-wide report, without walking every
            # story they logged (4 s at 1,000,000 stories without it, 15 ms with it).
            models.Index(
                "author",
                F("created_at").desc(),
                F("id").desc(),
                name="story_reports_by_author",
                condition=Q(kind=Kind.EXECUTIVE, visibility=Visibility.COMPANY),
            ),
            # Kudos: company-wide successes that thank someone are few, so walking the newest
            # stories to find a page of them read most of the table (0.2 s at 1,000,000 stories).
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                name="story_kudos_newest",
                condition=Q(
                    merged_into__isnull=True,
                    visibility=Visibility.COMPANY,
                    sentiment=Sentiment.SUCCESS,
                )
                & ~Q(shout_out_to=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "import_key"], name="import_once_per_person"),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", args=[self.pk])

    def can_edit(self, user: User | AnonymousUser) -> bool:
        return user.is_authenticated and (self.author_id == user.pk or is_admin(user))

    def is_visible_to(self, user: User | AnonymousUser) -> bool:
        """`StoryQuerySet.visible_to` for a story already in hand (a meeting's opener, an empathy
        turn): checked whenever it is shown, since it may have been made private since it was
        picked. Company-wide first, so the common case reads nothing."""
        if not user.is_authenticated:
            return False
        return self.visibility == Visibility.COMPANY or self.author_id == user.pk or is_admin(user)


class ReactionQuerySet(models.QuerySet["Reaction"]):
    def counted(self) -> Self:
        """The reactions that count: an author's on their own story never does (one stored
        before that was refused, or carried onto their story by a merge)."""
        return self.exclude(person=F("story__author"))


class Reaction(models.Model):
    """ "We hear this too": one person saying they have heard the same from customers.

    Never the story's author: services refuse it, and counts use `counted()`.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReactionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "person"], name="one_reaction_per_person")
        ]
        indexes = [
            # The weekly digest reads a week's reactions.
            models.Index(fields=["created_at"], name="reaction_created"),
        ]

    def __str__(self) -> str:
        return f"{self.person} hears {self.story_id} too"


class Experience(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    MIXED = "mixed", "A bit of both"


class WouldStay(models.TextChoices):
    YES = "yes", "Yes, I would keep buying from them"
    NO = "no", "No, I would go elsewhere"
    UNSURE = "unsure", "Not sure"


class EmpathyAnswers(models.Model):
    """Practice 2: someone's own recent experience as a customer, in the exercise's questions."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="empathy")
    company = models.CharField("which company or service", max_length=200)
    experience = models.CharField("was it positive or negative", max_length=10, choices=Experience)
    what_made_it = models.TextField("what made it so", max_length=5000)
    why_it_stood_out = models.TextField("why it stood out", max_length=5000)
    would_stay = models.CharField(
        "would it make you keep doing business with them", max_length=10, choices=WouldStay
    )
    meaning_for_us = models.TextField("what it means for our company", max_length=5000)

    class Meta:
        verbose_name_plural = "empathy answers"

    def __str__(self) -> str:
        return f"Empathy: {self.company}"


class ReportPlace(models.TextChoices):
    VISIT = "visit", "Customer visit"
    CALL = "call", "Call"
    EVENT = "event", "Event"
    SUPPORT_SHADOWING = "support_shadowing", "Support shadowing"
    OTHER = "other", "Other"


class ExecutiveReport(models.Model):
    """Practice 3: what a leader heard in their own customer conversations, made usable."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="report")
    spoke_with = models.CharField(
        "who you spoke with", max_length=300, help_text="Customers, organisations or segments."
    )
    conversations = models.PositiveSmallIntegerField("how many conversations", default=1)
    place = models.CharField("where", max_length=20, choices=ReportPlace)
    insight = models.TextField("the usable insight", max_length=5000)
    suggested_action = models.CharField("suggested action", max_length=300)
    action_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_actions",
    )
    # Claimed when the owner is told the action is theirs; cleared when it goes to someone else.
    owner_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Report: {self.spoke_with}"


class LeaderReminder(models.Model):
    """One friendly nudge per leader per overdue period: the row is the claim."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_reminders"
    )
    due_since = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["leader", "due_since"], name="one_reminder_per_due")
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.leader} due since {self.due_since}"


class StoryMerge(models.Model):
    """An admin said two stories are the same; kept so that the merge can be undone."""

    source = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="merges_out")
    target = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="merges_in")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    # What the merge added to the target, so undo takes back exactly that.
    moved_reaction_ids = models.JSONField(default=list)
    added_tag_ids = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.source_id} merged into {self.target_id}"


class StoryImport(models.Model):
    """An uploaded CSV: kept for its preview, then imported in the background once confirmed.

    Uploaded (confirmed_at empty), importing (confirmed, imported_at empty), imported
    (imported_at set) or failed (failure says why). How far a worker got is a database fact:
    done_through_row is the last row of the file whose chunk has committed, moved in the same
    transaction as that chunk's stories, so a rerun carries on after it and writes no row twice.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_imports"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Rows with something in them, counted at upload: the progress bar's whole.
    rows_total = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    done_through_row = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    # The rows skipped and why, and the row-and-column report (stories/imports/outcomes.py).
    outcome = models.JSONField(default=dict, blank=True)
    failure = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.filename

    @property
    def importing(self) -> bool:
        return bool(self.confirmed_at and not self.imported_at and not self.failure)

    @property
    def percent_done(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


class Spotlight(models.Model):
    """A story put forward for a week, and why: the weekly digest's top frustration becomes the
    next week's "insight of the week" that hosts are offered first when they pull an opener."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="spotlights")
    week = models.DateField(unique=True, help_text="The Monday of the week it is offered.")
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"Insight of the week of {self.week}: {self.story_id}"
