"""The digest's archive and a week's frozen digest, for everyone signed in, each in a constant
number of queries."""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from insightboard.digest.models import (
    Digest,
    DigestStatus,
)
from insightboard.digest.services import digest_record
from insightboard.metrics.models import Metric
from stories.models import Visibility
from tests.digest.pages import (
    LABEL,
    NOW,
    WEEK,
    queries,
    sent_week,
)
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tuesday_after_the_week() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# --- The archive ----------------------------------------------------------------------------------


def test_it_lists_every_week_with_what_happened_to_it(alice_client):
    sent_week()
    digest_record(
        week=WEEK - datetime.timedelta(weeks=1),
        status=DigestStatus.SKIPPED,
        reason="Nothing new in the week of 9\u201315 Nov 2026.",
    )
    digest_record(
        week=WEEK - datetime.timedelta(weeks=2),
        status=DigestStatus.FAILED,
        reason="It could not be compiled, so nothing was sent: OperationalError: boom",
    )

    page = alice_client.get(reverse("digest:archive")).text

    assert "16\u201322 Nov 2026" in page
    assert "Sent" in page
    assert "As many successes as frustrations this week" in page  # the week's verdict
    assert "Skipped" in page
    assert "Nothing new in the week of 9\u201315 Nov 2026." in page
    assert "Failed" in page
    assert "OperationalError: boom" in page
    assert page.index("16\u201322 Nov") < page.index("9\u201315 Nov") < page.index("2\u20138 Nov")
    assert "Preview and send" not in page  # alice is not an admin


def test_it_says_what_to_do_before_there_is_any_digest(alice_client, ada_client):
    page = alice_client.get(reverse("digest:archive")).text

    assert "No digest yet" in page
    assert "Log the first insight" in page
    assert "Preview and send" in ada_client.get(reverse("digest:archive")).text


def test_it_shows_the_archive_in_a_constant_number_of_queries(alice_client):
    digest_record(week=WEEK, status=DigestStatus.SKIPPED, reason="Nothing new.")
    one = queries(alice_client, reverse("digest:archive"))
    for weeks in range(1, 30):
        digest_record(
            week=WEEK - datetime.timedelta(weeks=weeks), status=DigestStatus.SKIPPED, reason="-"
        )

    assert queries(alice_client, reverse("digest:archive")) == one


# --- A week's digest as a page --------------------------------------------------------------------


def test_it_shows_a_week_as_it_was_frozen(alice_client):
    sent_week()
    Metric.objects.update(name="Renamed since")

    page = alice_client.get(reverse("digest:week", args=[LABEL])).text

    assert "Customer digest, 16\u201322 Nov 2026" in page
    assert "Checkout froze at the last step" in page
    assert "Refund sorted in minutes" in page
    assert "Why it\u2019s here:" in page
    assert "Net Promoter Score" in page
    assert "Renamed since" not in page
    assert "No comparison yet" in page


def test_it_leaves_out_a_story_made_private_since(alice_client):
    sent_week()
    StoryFactory._meta.model.objects.filter(title__startswith="Checkout").update(
        visibility=Visibility.PRIVATE
    )

    page = alice_client.get(reverse("digest:week", args=[LABEL])).text

    assert "Checkout froze" not in page
    assert "No frustrations stood out this week." in page


def test_it_says_why_a_week_was_skipped_or_failed(alice_client):
    digest_record(week=WEEK, status=DigestStatus.FAILED, reason="It could not be compiled: boom")

    page = alice_client.get(reverse("digest:week", args=[LABEL])).text

    assert "failed, so nothing was sent: It could not be compiled: boom" in page


@pytest.mark.parametrize("label", ["2026-W46", "2026-W54", "2026-W00"])
def test_it_knows_no_week_without_a_digest(alice_client, label):
    sent_week()

    assert alice_client.get(f"/digest/{label}/").status_code == 404


def test_it_shows_a_week_in_a_constant_number_of_queries(alice_client):
    sent_week()
    one = queries(alice_client, reverse("digest:week", args=[LABEL]))
    Digest.objects.all().delete()
    Metric.objects.all().delete()
    sent_week(readers=30)

    assert queries(alice_client, reverse("digest:week", args=[LABEL])) == one
