"""The delivery ledger: each message claimed before it is sent and marked only by the holder of
the claim, checked again at send time, the same bytes whenever it is built; a test send and a dry
run record nothing; sending costs the same few queries a message however many there are."""

import binascii
import datetime
import itertools
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from insightboard.digest import runs
from insightboard.digest.ledger import claim, mark, sendable
from insightboard.digest.messages import (
    DigestMessage,
    address_of,
    quoted_printable,
    shared_parts,
    unsubscribe_token,
    unsubscribe_url,
)
from insightboard.digest.models import (
    Delivery,
    DeliveryStatus,
    Digest,
    DigestStatus,
    DistributionAddress,
)
from insightboard.digest.sending import Throttle, send_batch
from insightboard.digest.services import address_unsubscribe, progress
from insightboard.emails import absolute_url
from stories.models import Story, Visibility
from tests.digest.smtp_server import (
    DUE,
    TITLE,
    WEEK,
    WEEK_LABEL,
    Faults,
    SmtpServer,
    compiled_digest,
    serving,
    started_digest,
)
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    with serving(settings) as server:
        yield server


def statuses(digest: Digest) -> dict[str, tuple[str, str]]:
    return {
        delivery.address: (delivery.status, delivery.answer) for delivery in digest.deliveries.all()
    }


def test_it_builds_the_same_bytes_for_a_delivery_whenever_it_is_built():
    digest = started_digest(readers_count=2)
    delivery = digest.deliveries.order_by("pk").first()

    with time_machine.travel(DUE, tick=False):
        first = DigestMessage.of(delivery, shared_parts(digest)).as_bytes()
    with time_machine.travel(DUE + datetime.timedelta(days=3, seconds=17), tick=False):
        again = DigestMessage.of(delivery, shared_parts(digest)).as_bytes()

    assert again == first
    assert f"Message-ID: {delivery.message_id}\r\n".encode() in first
    assert f"To: {delivery.address}\r\n".encode() in first


# Pieces of what a digest's text and HTML hold, the awkward ones too.
PIECES = ["a", " ", "\t", "=", ".", "é", "—", "\n", "\r\n", "\r", "<td>", "x" * 90]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_it_encodes_each_part_as_encoding_the_whole_text_at_once_would(text):
    # Encoded line by line from a cache, for speed; the bytes must not change.
    whole = binascii.b2a_qp(text.replace("\r\n", "\n").encode(), istext=True)
    assert quoted_printable(text) == whole.replace(b"\n", b"\r\n")


def test_it_links_each_address_to_its_own_unsubscribe_page_on_the_site_of_the_moment(settings):
    for site in ("https://insights.example.com", "http://127.0.0.1:8001"):
        settings.SITE_URL = site
        for address in ("ana@example.com", "bob@example.com"):
            expected = absolute_url("digest:unsubscribe", unsubscribe_token(address))
            assert unsubscribe_url(address) == expected
            assert expected.startswith(f"{site}/")
            assert address_of(expected.rstrip("/").rsplit("/", 1)[1]) == address


def test_it_skips_whoever_unsubscribed_or_left_after_the_ledger_was_made(smtp):
    digest = started_digest(readers_count=5)
    unsubscribed, deactivated = digest.deliveries.order_by("pk")[1:3]
    address_unsubscribe(address=unsubscribed.address)
    deactivated.person.is_active = False
    deactivated.person.save()

    runs.send_all(digest)

    assert statuses(digest)[unsubscribed.address] == ("skipped", "Unsubscribed from the digest.")
    assert statuses(digest)[deactivated.address] == ("skipped", "The person was deactivated.")
    assert smtp.to(unsubscribed.address) == smtp.to(deactivated.address) == []
    assert len(smtp.received) == 3
    assert progress(digest) == {
        "pending": 0,
        "claimed": 0,
        "sent": 3,
        "failed": 0,
        "skipped": 2,
        "total": 5,
    }


def test_it_skips_a_list_that_was_unsubscribed_after_the_ledger_was_made(smtp):
    DistributionAddress.objects.create(address="all-staff@example.com")
    DistributionAddress.objects.create(address="sales@example.com")
    digest = started_digest(readers_count=1)
    address_unsubscribe(address="sales@example.com")

    runs.send_all(digest)

    assert statuses(digest)["sales@example.com"] == ("skipped", "The list was unsubscribed.")
    assert len(smtp.to("all-staff@example.com")) == 1
    assert smtp.to("sales@example.com") == []


def test_it_skips_a_person_or_a_list_removed_after_the_ledger_was_made(smtp):
    DistributionAddress.objects.create(address="All-Staff@Example.com")
    DistributionAddress.objects.create(address="old-team@example.com")
    digest = started_digest(readers_count=3)
    removed = digest.deliveries.filter(person__isnull=False).order_by("pk").last()
    removed.person.delete()
    DistributionAddress.objects.filter(address="old-team@example.com").delete()

    runs.send_all(digest)

    gone = "The person or list was removed."
    assert statuses(digest)[removed.address] == ("skipped", gone)
    assert statuses(digest)["old-team@example.com"] == ("skipped", gone)
    assert len(smtp.to("all-staff@example.com")) == 1
    assert len(smtp.received) == 3


def test_it_sends_only_to_the_allow_list(smtp, settings):
    settings.INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS = ["@staging.example.com", "qa@example.com"]
    PersonFactory(username="ann@staging.example.com")
    PersonFactory(username="qa@example.com")
    digest = started_digest(readers_count=4)

    runs.send_all(digest)

    assert sorted(smtp.copies().items()) == [("ann@staging.example.com", 1), ("qa@example.com", 1)]
    assert digest.deliveries.count() == 2


def test_it_skips_an_address_the_allow_list_no_longer_lets_through(smtp, settings):
    digest = started_digest(readers_count=3)
    kept = digest.deliveries.order_by("pk").first().address
    settings.INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS = [kept]

    runs.send_all(digest)

    assert list(smtp.copies().items()) == [(kept, 1)]
    reasons = {answer for status, answer in statuses(digest).values() if status == "skipped"}
    assert reasons == {"Not in INSIGHTBOARD_DIGEST_ALLOWED_RECIPIENTS."}


def test_it_takes_over_a_claim_only_once_it_is_older_than_the_claim_timeout(settings):
    settings.INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT = 120
    digest = started_digest(readers_count=1)
    delivery = digest.deliveries.get()

    lost = claim(delivery.pk, now=DUE)
    assert lost is not None
    assert claim(delivery.pk, now=DUE + 120 * SECOND) is None
    taken = claim(delivery.pk, now=DUE + 121 * SECOND)
    assert taken not in (None, lost)

    # The process that lost its claim cannot record anything any more; the new holder can.
    assert not mark(delivery.pk, lost, status=DeliveryStatus.SENT, answer="250 late")
    assert mark(delivery.pk, taken, status=DeliveryStatus.SENT, answer="250 ok", code=250)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.answer, delivery.attempts) == ("sent", "250 ok", 2)
    assert delivery.claim_token is None
    assert claim(delivery.pk, now=DUE + 10_000 * SECOND) is None


def test_it_leaves_a_fresh_claim_to_its_holder_and_sends_a_stale_one(smtp):
    digest = started_digest(readers_count=4)
    stale, fresh = digest.deliveries.order_by("pk")[:2]
    with time_machine.travel(DUE, tick=True) as traveller:
        claim(stale.pk, now=DUE - 601 * SECOND)  # a process that died ten minutes ago
        claim(fresh.pk, now=DUE - 30 * SECOND)  # one still sending

        runs.send_all(digest)

        assert smtp.to(fresh.address) == []
        assert progress(digest)["claimed"] == 1
        assert Digest.objects.get(pk=digest.pk).status == DigestStatus.SENDING

        traveller.shift(600)
        runs.send_all(digest)

    assert smtp.copies() == dict.fromkeys(statuses(digest), 1)
    assert Digest.objects.get(pk=digest.pk).status == DigestStatus.SENT


def test_a_test_send_records_nothing_and_does_not_block_the_real_one(smtp, ada):
    digest = compiled_digest(readers_count=3)

    answer = runs.send_test(digest, to="ada@example.com", person=ada)

    assert answer.code == 250
    [test_copy] = smtp.received
    assert test_copy.recipients == ("ada@example.com",)
    assert b"test" in test_copy.raw.split(b"\r\nSubject: ", 1)[1].split(b"\r\n", 1)[0].lower()
    assert Delivery.objects.count() == 0
    assert Digest.objects.get(pk=digest.pk).status == DigestStatus.COMPILED

    runs.send_all(runs.digest_send_now(week=WEEK))

    assert len(smtp.to("ada@example.com")) == 2
    assert Delivery.objects.filter(status="sent").count() == 4


def test_the_command_sends_a_test_copy_and_records_nothing(smtp):
    compiled_digest(readers_count=2)
    output = StringIO()

    call_command("send_digest", "--week", WEEK_LABEL, "--to", "qa@example.com", stdout=output)

    assert f"Sent a test copy of {WEEK_LABEL} to qa@example.com: 250" in output.getvalue()
    assert list(smtp.copies().items()) == [("qa@example.com", 1)]
    assert Delivery.objects.count() == 0


def test_a_dry_run_records_and_sends_nothing(smtp):
    compiled_digest(readers_count=3)
    Digest.objects.all().delete()
    output = StringIO()

    call_command("send_digest", "--week", WEEK_LABEL, "--dry-run", stdout=output)

    assert "Dry run: 3 recipients; nothing was recorded or sent." in output.getvalue()
    assert Digest.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert smtp.received == []


def test_it_leaves_out_of_later_batches_a_story_made_private_meanwhile(smtp, monkeypatch):
    monkeypatch.setattr(runs, "BATCH", 2)
    digest = started_digest(readers_count=4)
    story = Story.objects.get(title=TITLE)

    def make_it_private(outcomes):
        Story.objects.filter(pk=story.pk).update(visibility=Visibility.PRIVATE)

    runs.send_all(digest, on_batch=make_it_private)

    shown = [TITLE.encode() in message.raw for message in smtp.received]
    assert shown == [True, True, False, False]


# --- Queries ----------------------------------------------------------------------------------

# Which stories are still company-wide (asked again by the rendering, when it renders), the
# batch's deliveries, its lists and the earlier refusals: once a batch.
QUERIES_A_BATCH = 5


def queries_to_send(messages: int) -> int:
    """A claim and a mark a message; on PostgreSQL, each mark goes in one statement with the
    next claim, and the batch's last mark is written on its own."""
    if connection.vendor == "postgresql":
        return QUERIES_A_BATCH + messages + 1
    return QUERIES_A_BATCH + 2 * messages


@pytest.mark.parametrize("each", [1, 12])
def test_it_sends_at_a_constant_number_of_queries_a_message(
    settings, each, django_assert_num_queries
):
    # People and lists cost the same; so do a refusal and a skip.
    for number in range(each):
        DistributionAddress.objects.create(address=f"list-{number}@example.com")
    digest = started_digest(readers_count=each)
    moved = digest.deliveries.filter(person__isnull=False).order_by("pk").first()
    Delivery.objects.filter(pk=moved.pk).update(address="moved@example.com")
    ids = sendable(digest, now=DUE, limit=1000)

    with (
        serving(settings, Faults(permanent={"list-0@example.com"})),
        django_assert_num_queries(queries_to_send(2 * each)),
    ):
        outcomes = send_batch(
            digest, ids, relay=runs.process_relay(), throttle=Throttle(per_minute=0)
        )

    assert sorted(outcome.status for outcome in outcomes) == sorted(
        ["failed", "skipped", *["sent"] * (2 * each - 2)]
    )


# --- The rate limit ---------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_throttle_spaces_messages_by_the_rate_limit():
    clock = FakeClock()
    throttle = Throttle(per_minute=120, sleep=clock.sleep, clock=clock.time)

    moments = []
    for work in (0.0, 0.1, 0.7, 0.0):
        clock.now += work
        throttle.wait()
        moments.append(clock.now)

    assert [round(b - a, 3) for a, b in itertools.pairwise(moments)] == [0.5, 0.7, 0.5]
    assert Throttle(per_minute=0, sleep=clock.sleep, clock=clock.time).wait() is None


def test_it_keeps_to_the_rate_limit_setting_across_batches(settings, monkeypatch):
    settings.INSIGHTBOARD_DIGEST_RATE_PER_MINUTE = 30
    monkeypatch.setattr(runs, "BATCH", 3)  # eight messages in three batches
    clock = FakeClock()
    digest = started_digest(readers_count=8)
    assert runs.process_throttle().per_minute == 30
    throttle = Throttle(per_minute=30, sleep=clock.sleep, clock=clock.time)

    with serving(settings, clock=clock.time) as smtp:
        runs.send_all(digest, throttle=throttle)

    moments = [message.at for message in smtp.received]
    assert len(moments) == 8
    assert min(b - a for a, b in itertools.pairwise(moments)) >= 2.0
