"""A full, hostile week for the digest email: 5 successes and 5 frustrations with long titles,
5 themes each, 8 metrics, a leader's report, an empathy story, 5 kudos and 5 closed loops, with
HTML, scripts, line breaks and header-like text in every field that reaches the email."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.contrib.auth.models import User

from insightboard.digest.messages import DigestMessage, shared_parts
from insightboard.digest.models import Delivery, Digest
from insightboard.digest.services import digest_compile, digest_start_sending
from insightboard.metrics.models import GoodDirection, Metric, MetricValue
from meetings.models import ActionItem
from stories.models import Sentiment
from tests.meetings.factories import MeetingFactory
from tests.people.factories import PersonFactory
from tests.stories.factories import (
    EmpathyAnswersFactory,
    ExecutiveReportFactory,
    ReactionFactory,
    StoryFactory,
)

WEEK = datetime.date(2026, 11, 16)  # 2026-W47
LABEL = "2026-W47"
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2026, 11, 23, 8, tzinfo=datetime.UTC)
SITE = "https://insightboard.example.com"

SCRIPT = '<script>alert("owned")</script>'
MARKUP = "<b onmouseover=\"alert('x')\">bold</b> & <img src=x onerror=alert(2)>"
HEADERS = "\r\nBcc: x@evil.example\r\nSubject: owned\r\n\r\n"
# What the text part's MIME boundary looks like: quoted-printable must keep it from matching.
BOUNDARY = f"--=_insightboard_digest_{LABEL}_1"


def hostile(label: str, limit: int) -> str:
    """`label` with a script, markup and header injection, cut to the field's length."""
    text = f"{label} {SCRIPT}{HEADERS}{MARKUP}"
    assert len(label) < limit
    return text[:limit]


def short(label: str) -> str:
    """For 50-character fields: still a script tag and a header line."""
    return f"{label}<script>x</script>\r\nBcc: x@evil.example"[:50]


def long_title(label: str) -> str:
    filler = " and then the checkout page froze again while I was paying for my order" * 6
    return f"{label} {SCRIPT}{HEADERS}{MARKUP} {BOUNDARY}{filler}"[:500]


@dataclass
class EmailWeek:
    digest: Digest
    reader: User
    authors: list[User]
    metrics: list[Metric]


def full_hostile_week() -> EmailWeek:
    """Everything a digest can show, at its largest, every field hostile; compiled."""
    with time_machine.travel(MIDWEEK, tick=False):
        reader = PersonFactory(
            username="reader@example.com", profile__display_name=hostile("Reader", 100)
        )
        authors = [
            PersonFactory(
                profile__display_name=hostile(f"Author {n}", 100),
                profile__team=hostile(f"Team {n}", 100),
            )
            for n in range(12)
        ]
        for n, author in enumerate(authors):
            sentiment = Sentiment.SUCCESS if n % 2 else Sentiment.FRUSTRATION
            story = StoryFactory(
                author=author,
                sentiment=sentiment,
                title=long_title(f"Story {n}"),
                body=hostile("Body", 400) * 3,
                customer_name=hostile("Customer", 200),
                customer_organisation=hostile("Org", 200),
                shout_out_to=hostile(f"Kudos {n}", 120) if sentiment == Sentiment.SUCCESS else "",
                tags=[short(f"{sentiment[:4]}{n}-{t}") for t in range(5)],
            )
            for other in authors[: n % 4]:
                if other != author:
                    ReactionFactory(story=story, person=other)
        report = ExecutiveReportFactory(
            story__author=authors[0],
            story__title=long_title("Report"),
            spoke_with=hostile("Spoke with", 300),
            insight=hostile("Insight", 5000) * 1,
            suggested_action=hostile("Action", 300),
        )
        EmpathyAnswersFactory(
            story__author=authors[1],
            story__title=long_title("Empathy"),
            company=hostile("Company", 200),
            what_made_it=hostile("What made it", 5000),
            meaning_for_us=hostile("Meaning", 5000),
        )
        meeting = MeetingFactory(starts_at=MIDWEEK, ends_at=MIDWEEK + datetime.timedelta(hours=1))
        for n in range(5):
            ActionItem.objects.create(
                meeting=meeting,
                story=StoryFactory(author=authors[n], title=long_title(f"Loop {n}")),
                text=hostile(f"Done {n}", 300),
                owner=authors[n + 1],
                done=True,
                done_at=MIDWEEK,
            )
        assert report.story_id
    metrics = metrics_for_a_full_week()
    with time_machine.travel(AFTER, tick=False):
        digest = digest_compile(week=WEEK)
    return EmailWeek(digest=digest, reader=reader, authors=authors, metrics=metrics)


def metrics_for_a_full_week() -> list[Metric]:
    """Eight metrics: rising, falling, flat, from zero, negative, one with no week before
    (no comparison yet), one recorded only last week, one with gaps."""
    weeks = [WEEK - datetime.timedelta(weeks=ago) for ago in range(7, -1, -1)]
    series: list[tuple[str, str, str, list[float | None]]] = [
        ("Rising", "%", GoodDirection.UP, [40, 41, 43, 44, 47, 49, 52, 56.1]),
        ("Falling", "minutes", GoodDirection.DOWN, [50, 48, 47, 45, 44, 41, 37.3, 36.7]),
        ("Flat", "", GoodDirection.UP, [7, 7, 7, 7, 7, 7, 7, 7]),
        ("From zero", "", GoodDirection.UP, [0, 0, 0, 0, 0, 0, 0, 5]),
        ("Below zero", "£", GoodDirection.UP, [-3, -2, -4, -1, -2, -3, -2, -5]),
        ("New this week", "", GoodDirection.UP, [None, None, None, None, None, None, None, 12]),
        ("Gaps", "", GoodDirection.DOWN, [3, None, 5, None, 2, None, 8, 6]),
        ("Last week only", "", GoodDirection.UP, [None, None, None, None, None, None, 4, None]),
    ]
    metrics = []
    for name, unit, good, values in series:
        metric = Metric.objects.create(
            name=hostile(name, 100), unit=f"{unit}<i>\r\n"[:30] if unit else "", good_direction=good
        )
        MetricValue.objects.bulk_create(
            MetricValue(metric=metric, week=week, value=Decimal(str(value)))
            for week, value in zip(weeks, values, strict=True)
            if value is not None
        )
        metrics.append(metric)
    return metrics


def message_for(digest: Digest, person: User, *, test: bool = False) -> DigestMessage:
    """The message this person gets, from the delivery ledger as the sender builds it."""
    digest_start_sending(digest=digest)
    delivery = Delivery.objects.get(digest=digest, person=person)
    return DigestMessage.of(delivery, shared_parts(digest, test=test))
