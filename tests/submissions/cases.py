"""Every form that creates something, as a case: who sends it, the page it is on, where it posts,
what it sends, and how many of the thing there are (which a second send must not change)."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insightboard.digest.models import DistributionAddress
from insightboard.metrics.models import Metric, MetricValue
from insightboard.people.models import ApiToken
from meetings.models import ActionItem, Meeting, MeetingSeries
from stories.models import Kind, Story, StoryImport, StoryMerge
from tests.meetings.factories import MeetingFactory, OpenerFactory
from tests.metrics.factories import MetricFactory
from tests.stories.factories import StoryFactory
from tests.stories.imports.files import csv_text

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)
TOKEN = re.compile(r'name="submission" value="([^"]+)"')


@dataclass
class Case:
    client: Client
    page: str
    action: str
    fields: Callable[[], dict[str, Any]]
    count: Callable[[], int]
    htmx: bool = False

    def token(self) -> str:
        """The one-time token of the form on the page that posts to `action`."""
        html = self.client.get(self.page).content.decode()
        for form in html.split("<form")[1:]:
            head, _, body = form.partition(">")
            posts_here = f'action="{self.action}"' in head or (
                "action=" not in head and self.page.split("?")[0] == self.action
            )
            if posts_here and 'method="post"' in head:
                found = TOKEN.search(body.split("</form>")[0])
                assert found, f"the form posting to {self.action} on {self.page} has no token"
                return found[1]
        raise AssertionError(f"no form posting to {self.action} on {self.page}")

    def send(self, token: str) -> Any:
        headers = {"HX-Request": "true"} if self.htmx else {}
        return self.client.post(
            self.action, {**self.fields(), "submission": token}, headers=headers
        )


def story_fields() -> dict[str, str]:
    return {
        "title": "The invoice page is confusing",
        "sentiment": "frustration",
        "tags": "billing",
        "channel": "call",
        "happened_on": "2026-11-16",
        "visibility": "company",
    }


def story(request: pytest.FixtureRequest) -> Case:
    url = reverse("stories:create")
    return Case(
        request.getfixturevalue("alice_client"), url, url, story_fields, Story.objects.count
    )


def quick_capture(request: pytest.FixtureRequest) -> Case:
    quick = {f"quick-{name}": value for name, value in story_fields().items()}
    return Case(
        request.getfixturevalue("alice_client"),
        reverse("stories:list"),
        reverse("stories:create"),
        lambda: quick,
        Story.objects.count,
        htmx=True,
    )


EMPATHY = {
    "company": "Monzo",
    "experience": "positive",
    "what_made_it": "They fixed my card in two minutes, in the app.",
    "why_it_stood_out": "My old bank took a week and three calls.",
    "would_stay": "yes",
    "meaning_for_us": "Our card replacement takes five days; customers notice.",
    "title": "",
}


def empathy_stories() -> int:
    return Story.objects.filter(kind=Kind.EMPATHY).count()


def empathy_exercise(request: pytest.FixtureRequest) -> Case:
    url = reverse("stories:empathy_create")
    client = request.getfixturevalue("alice_client")
    return Case(client, url, url, lambda: EMPATHY, empathy_stories)


def empathy_turn(request: pytest.FixtureRequest) -> Case:
    # A host writes it down for whoever's turn it is.
    meeting = MeetingFactory(series__hosts=[request.getfixturevalue("hugo")])
    url = reverse("meetings:empathy", args=[meeting.pk])
    client = request.getfixturevalue("hugo_client")
    return Case(client, url, url, lambda: EMPATHY, empathy_stories)


def executive_report(request: pytest.FixtureRequest) -> Case:
    url = reverse("stories:report_create")
    owner = request.getfixturevalue("bob")
    report = {
        "spoke_with": "Three florists in Leeds",
        "conversations": "3",
        "place": "visit",
        "happened_on": "2026-11-16",
        "title": "We order at 5 am and nobody answers",
        "sentiment": "frustration",
        "body": "All three said the same, unprompted.",
        "insight": "Florists order before our support opens.",
        "suggested_action": "Open the order line at 5 am",
        "action_owner": str(owner.pk),
    }
    client = request.getfixturevalue("lena_client")
    return Case(client, url, url, lambda: report, Story.objects.count)


def series(request: pytest.FixtureRequest) -> Case:
    url = reverse("meetings:series_create")
    fields = {
        "name": "Support weekly",
        "team": "Support",
        "cadence": "1",
        "weekday": "3",
        "starts_at": "09:30",
        "ends_at": "10:00",
        "first_day": f"{NEXT_WEEK:%Y-%m-%d}",
        "hosts": [str(request.getfixturevalue("hugo").pk)],
    }
    client = request.getfixturevalue("hugo_client")
    return Case(client, url, url, lambda: fields, MeetingSeries.objects.count)


def one_off(request: pytest.FixtureRequest) -> Case:
    url = reverse("meetings:one_off_create")
    fields = {
        "title": "Refunds deep dive",
        "starts_at": f"{NEXT_WEEK:%Y-%m-%d}T14:00",
        "ends_at": f"{NEXT_WEEK:%Y-%m-%d}T15:00",
    }
    client = request.getfixturevalue("hugo_client")
    return Case(client, url, url, lambda: fields, Meeting.objects.count)


def action(request: pytest.FixtureRequest) -> Case:
    hugo = request.getfixturevalue("hugo")
    meeting = MeetingFactory(series__hosts=[hugo])
    OpenerFactory(meeting=meeting)
    fields = {"text": "Name an owner for refunds", "owner": str(hugo.pk), "due_on": ""}
    return Case(
        request.getfixturevalue("hugo_client"),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:action_add", args=[meeting.pk]),
        lambda: fields,
        ActionItem.objects.count,
    )


def metric(request: pytest.FixtureRequest) -> Case:
    url = reverse("metrics:create")
    fields = {"name": "Net Promoter Score", "unit": "points", "good_direction": "up"}
    client = request.getfixturevalue("ada_client")
    return Case(client, url, url, lambda: fields, Metric.objects.count)


def metric_value(request: pytest.FixtureRequest) -> Case:
    url = reverse("metrics:record", args=[MetricFactory().pk])
    fields = {"week": "2026-11-16", "value": "42"}
    client = request.getfixturevalue("ada_client")
    # Recorded twice the value is the same row; the second send must not even say "recorded".
    return Case(client, url, url, lambda: fields, MetricValue.objects.count)


def api_key(request: pytest.FixtureRequest) -> Case:
    return Case(
        request.getfixturevalue("alice_client"),
        reverse("profile"),
        reverse("api_token_create"),
        lambda: {"name": "Spreadsheet"},
        ApiToken.objects.count,
    )


def invitation(request: pytest.FixtureRequest) -> Case:
    url = reverse("invite")
    fields = {"display_name": "Nadia Newcomer", "email": "nadia@example.com", "team": "Sales"}
    client = request.getfixturevalue("ada_client")
    invited = User.objects.filter(email="nadia@example.com").count
    return Case(client, url, url, lambda: fields, invited)


ROWS = [["Checkout froze at the last step", "frustration"], ["Refund in minutes", "success"]]


def import_upload(request: pytest.FixtureRequest) -> Case:
    url = reverse("stories:import")
    content = csv_text(ROWS, header=["title", "sentiment"]).encode()
    client = request.getfixturevalue("alice_client")
    return Case(
        client,
        url,
        url,
        lambda: {"file": SimpleUploadedFile("insights.csv", content, "text/csv")},
        StoryImport.objects.count,
    )


def import_confirm(request: pytest.FixtureRequest) -> Case:
    client = request.getfixturevalue("alice_client")
    content = csv_text(ROWS, header=["title", "sentiment"]).encode()
    file = SimpleUploadedFile("insights.csv", content, "text/csv")
    preview = client.post(reverse("stories:import"), {"file": file})["Location"]
    import_id = StoryImport.objects.get().pk
    confirm = reverse("stories:import_confirm", args=[import_id])
    # What a confirm makes is the import's run, queued once; its stories come from a worker.
    queued = StoryImport.objects.filter(confirmed_at__isnull=False).count
    return Case(client, preview, confirm, dict, queued)


def merge(request: pytest.FixtureRequest) -> Case:
    source, target = StoryFactory(), StoryFactory()
    choice = {"source": str(source.pk), "target": str(target.pk)}
    page = f"{reverse('stories:merge')}?source={source.pk}&target={target.pk}"
    client = request.getfixturevalue("ada_client")
    return Case(client, page, reverse("stories:merge"), lambda: choice, StoryMerge.objects.count)


def digest_list(request: pytest.FixtureRequest) -> Case:
    client = request.getfixturevalue("ada_client")
    return Case(
        client,
        reverse("digest:manage"),
        reverse("digest:list_add"),
        lambda: {"address": "all@example.com"},
        DistributionAddress.objects.count,
    )


def digest_test_copy(request: pytest.FixtureRequest) -> Case:
    StoryFactory(title="Checkout froze at the last step")
    client = request.getfixturevalue("ada_client")
    return Case(
        client,
        reverse("digest:manage"),
        reverse("digest:send_test"),
        dict,
        lambda: len(mail.outbox),
    )


CREATE_FORMS: dict[str, Callable[[pytest.FixtureRequest], Case]] = {
    "story": story,
    "quick capture": quick_capture,
    "empathy exercise": empathy_exercise,
    "empathy turn in a meeting": empathy_turn,
    "executive report": executive_report,
    "series": series,
    "one-off meeting": one_off,
    "action": action,
    "metric": metric,
    "metric value": metric_value,
    "API key": api_key,
    "invitation": invitation,
    "CSV upload": import_upload,
    "CSV import": import_confirm,
    "merge": merge,
    "digest mailing list": digest_list,
    "digest test copy": digest_test_copy,
}
