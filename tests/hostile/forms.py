"""Every form that keeps text people write, with what else it needs to be accepted, and the corpus
packed into its text fields: each vector goes through each field at least once, in as few posts
as the fields' lengths allow."""

import datetime
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.metrics.forms import MetricForm
from insightboard.people.forms import ApiTokenForm, InviteForm, ProfileForm, SignupForm
from meetings.forms import ActionItemForm, OneOffMeetingForm, SeriesForm, TakeawayForm
from meetings.models import Meeting
from stories.empathy.forms import EmpathyForm
from stories.forms import QuickStoryForm, StoryForm
from stories.models import TAG_MAX_LENGTH
from stories.reports.forms import ExecutiveReportForm
from tests.hostile.corpus import NUL, STORABLE, VECTORS
from tests.meetings.factories import MeetingFactory, OpenerFactory

# Text fields that hold a list of tags, which are letters, digits and dashes: a vector in one is
# refused (see `refused_post`), so the posts that keep the corpus give them a plain tag.
TAG_FIELDS = {"tags", "focus_tags"}
PLAIN_TAG = "hostile-input"
# Text fields whose text is never kept or shown (passwords), by name.
NOT_KEPT = {"password", "password1", "password2", "old_password", "new_password1", "new_password2"}
# Project forms with free text that are not posted here, each with where their text goes through.
ELSEWHERE = {
    "EmpathyAnswersForm": "the fields of EmpathyForm, which extends it",
    "ReportFieldsForm": "the fields of ExecutiveReportForm, which extends it",
    "NewPersonForm": "the fields of InviteForm, which extends it",
    "ImportRowForm": "a CSV file through the import (test_imports.py)",
    "StoryFilterForm": "the story list's address, shown back in its filters (test_reflected.py)",
    "OpenerSearchForm": "the meeting page's address, shown back in the search (test_reflected.py)",
    "WeekForm": "the digest page's address, shown back (test_reflected.py)",
    "MetricValueForm": "a number: any text is refused and shown back (test_reflected.py)",
    "EmailAuthenticationForm": "a password, never shown",
    "UserChangeForm": "Django's admin (names are made by the people app's forms)",
}


@dataclass
class Entry:
    persona: str
    url: Callable[[], str]
    fixed: Callable[[int], dict[str, Any]] = lambda n: {}
    prefix: str = ""
    htmx: bool = False


def free_text(form: type[forms.BaseForm]) -> dict[str, int]:
    """The form's fields that take any text, with the longest each takes."""
    typed = (forms.EmailField, forms.URLField, forms.SlugField, forms.RegexField)
    return {
        name: getattr(field, "max_length", None) or 5000
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, typed)
        and name not in NOT_KEPT
    }


def packed(limit: int) -> list[str]:
    """The corpus in as few pieces of at most `limit` characters as it fits in, a space apart;
    a vector longer than the field is left out (the form would only refuse it)."""
    pieces: list[str] = []
    for vector in (v for v in STORABLE if len(v) <= limit):
        if pieces and len(pieces[-1]) + 1 + len(vector) <= limit:
            pieces[-1] += " " + vector
        else:
            pieces.append(vector)
    return pieces


def posts(form: type[forms.BaseForm]) -> Iterator[dict[str, str]]:
    """The text of each post, by field, until every field has had every vector that fits."""
    fields = free_text(form)
    chunks = {
        name: [PLAIN_TAG] if name in TAG_FIELDS else packed(limit) for name, limit in fields.items()
    }
    count = max(len(pieces) for pieces in chunks.values())
    cycles = {name: itertools.cycle(pieces) for name, pieces in chunks.items()}
    for _ in range(count):
        yield {name: next(cycle) for name, cycle in cycles.items()}


def refused_post(form: type[forms.BaseForm]) -> dict[str, str]:
    """A post every form refuses: NUL in every text field, a vector as every tag. The form is
    shown again with what was typed, which must still be only text."""
    nul = next(vector for vector in VECTORS if NUL in vector)
    return {
        name: ", ".join(v for v in STORABLE if len(v) <= TAG_MAX_LENGTH)[:limit]
        if name in TAG_FIELDS
        else nul
        for name, limit in free_text(form).items()
    }


def hosted_meeting(hugo: User) -> Meeting:
    meeting = MeetingFactory(series__hosts=[hugo])
    OpenerFactory(meeting=meeting, kept_by=hugo)
    return meeting


def entries(people: dict[str, User]) -> dict[type[forms.BaseForm], Entry]:
    meeting = hosted_meeting(people["hugo"])
    soon = timezone.localdate() + datetime.timedelta(days=7)
    story = {"sentiment": "success", "channel": "call", "visibility": "company"}
    day = {"happened_on": "2026-11-16"}
    return {
        StoryForm: Entry("alice", lambda: reverse("stories:create"), lambda n: story | day),
        QuickStoryForm: Entry(
            "bob",
            lambda: reverse("stories:create"),
            lambda n: {f"quick-{k}": v for k, v in story.items()},
            prefix="quick-",
            htmx=True,
        ),
        EmpathyForm: Entry(
            "alice",
            lambda: reverse("stories:empathy_create"),
            lambda n: {"experience": "positive", "would_stay": "yes"},
        ),
        ExecutiveReportForm: Entry(
            "lena",
            lambda: reverse("stories:report_create"),
            lambda n: (
                {
                    "conversations": "3",
                    "place": "visit",
                    "sentiment": "success",
                    "action_owner": str(people["alice"].pk),
                }
                | day
            ),
        ),
        SeriesForm: Entry(
            "hugo",
            lambda: reverse("meetings:series_create"),
            lambda n: {
                "cadence": "1",
                "weekday": "3",
                "starts_at": "09:30",
                "ends_at": "10:00",
                "first_day": f"{soon:%Y-%m-%d}",
                "hosts": [str(people["hugo"].pk)],
                "attendees": [str(people["alice"].pk)],
            },
        ),
        OneOffMeetingForm: Entry(
            "hugo",
            lambda: reverse("meetings:one_off_create"),
            lambda n: {"starts_at": f"{soon:%Y-%m-%d}T14:00", "ends_at": f"{soon:%Y-%m-%d}T15:00"},
        ),
        ActionItemForm: Entry(
            "hugo",
            lambda: reverse("meetings:action_add", args=[meeting.pk]),
            lambda n: {"owner": str(people["bob"].pk), "due_on": ""},
        ),
        TakeawayForm: Entry("hugo", lambda: reverse("meetings:takeaway", args=[meeting.pk])),
        MetricForm: Entry(
            "ada", lambda: reverse("metrics:create"), lambda n: {"good_direction": "up"}
        ),
        ApiTokenForm: Entry("alice", lambda: reverse("api_token_create")),
        InviteForm: Entry(
            "ada", lambda: reverse("invite"), lambda n: {"email": f"invited{n}@example.com"}
        ),
        ProfileForm: Entry("bob", lambda: reverse("profile"), lambda n: {"digest": "weekly"}),
        # Sign-up open to example.com (see `hostile_world`).
        SignupForm: Entry(
            "anonymous",
            lambda: reverse("signup"),
            lambda n: {
                "email": f"newcomer{n}@example.com",
                "password1": "a long and hostile passphrase",
                "password2": "a long and hostile passphrase",
            },
        ),
    }


def refused(response: Any) -> bool:
    """A form shown again with its problems, instead of a redirect or a saved fragment."""
    return response.status_code >= 400 or (
        response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    )


def send(client: Client, entry: Entry, n: int, text: dict[str, str]) -> Any:
    data = entry.fixed(n) | {f"{entry.prefix}{name}": value for name, value in text.items()}
    headers = {"HX-Request": "true"} if entry.htmx else {}
    return client.post(entry.url(), data, headers=headers)
