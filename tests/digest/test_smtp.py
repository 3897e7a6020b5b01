"""Sending the digest to a real SMTP server on loopback that misbehaves: every recipient gets
exactly one message whatever the server does, and the ledger says what happened to each."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine

from insightboard.digest import runs
from insightboard.digest.messages import DigestMessage
from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.digest.relay import relay_from_settings
from insightboard.digest.services import progress
from tests.digest.smtp_server import DUE, Faults, SmtpServer, serving, started_digest

pytestmark = pytest.mark.django_db

NOTHING = dict.fromkeys(DeliveryStatus.values, 0)


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    with serving(settings) as server:
        yield server


class Waits:
    """send_all's waits for a temporary failure's next try, taken by moving the clock on."""

    def __init__(self, traveller: Any) -> None:
        self.traveller = traveller
        self.seconds: list[float] = []
        self.then: list = []

    def sleep(self, seconds: float) -> None:
        self.seconds.append(seconds)
        self.traveller.shift(seconds)
        if self.then:
            self.then.pop(0)()

    def backed_off(self, *backoff: int) -> bool:
        """Each wait was for the next try, `backoff` seconds after the failure before it (less
        the time spent sending in between, well under the first backoff)."""
        if len(self.seconds) != len(backoff):
            return False
        floors = [0, *backoff[:-1]]
        return all(
            floor < seconds <= most
            for floor, seconds, most in zip(floors, self.seconds, backoff, strict=True)
        )

    @property
    def sleeper(self) -> runs.Sleeper:
        return runs.Sleeper(sleep=self.sleep)


@pytest.fixture
def waits() -> Iterator[Waits]:
    with time_machine.travel(DUE, tick=True) as traveller:
        yield Waits(traveller)


def send(digest: Digest, waits: Waits) -> None:
    runs.send_all(digest, sleeper=waits.sleeper)
    digest.refresh_from_db()


def ledger(digest: Digest) -> dict[str, Delivery]:
    return {delivery.address: delivery for delivery in digest.deliveries.all()}


def assert_each_sent_once(digest: Digest, smtp: SmtpServer) -> None:
    deliveries = ledger(digest)
    assert smtp.copies() == dict.fromkeys(deliveries, 1)
    for message in smtp.received:
        [address] = message.recipients
        assert message.message_id == deliveries[address].message_id


@pytest.mark.parametrize("pipelining", [True, False])
def test_it_sends_every_recipient_exactly_one_message_over_one_connection(
    settings, waits, pipelining
):
    digest = started_digest(readers_count=25)

    with serving(settings, Faults(pipelining=pipelining)) as smtp:
        send(digest, waits)

    assert_each_sent_once(digest, smtp)
    assert len(smtp.received) == 25
    assert {message.peer for message in smtp.received} == {smtp.received[0].peer}
    assert digest.status == DigestStatus.SENT
    for delivery in digest.deliveries.all():
        assert (delivery.status, delivery.smtp_code, delivery.attempts) == ("sent", 250, 1)
        assert "Kept" in delivery.answer
    assert waits.seconds == []


def test_it_sends_a_greylisted_recipient_one_message_once_it_is_accepted(settings, waits):
    digest = started_digest(readers_count=5)
    greylisted = digest.deliveries.order_by("pk")[2].address

    with serving(settings, Faults(temporary={greylisted: 2})) as smtp:
        send(digest, waits)

    assert_each_sent_once(digest, smtp)
    delivery = ledger(digest)[greylisted]
    assert (delivery.status, delivery.attempts, delivery.smtp_code) == ("sent", 3, 250)
    # Tried again 30 s after the first refusal, then 60 s after the second.
    assert waits.backed_off(30, 60)
    assert digest.status == DigestStatus.SENT


def test_it_fails_a_refused_recipient_with_the_answer_and_sends_the_rest(settings, waits):
    digest = started_digest(readers_count=6)
    refused = digest.deliveries.order_by("pk")[1].address

    with serving(settings, Faults(permanent={refused})) as smtp:
        send(digest, waits)

    deliveries = ledger(digest)
    failed = deliveries.pop(refused)
    assert (failed.status, failed.smtp_code, failed.attempts) == ("failed", 550, 1)
    assert "No such mailbox here" in failed.answer
    assert smtp.copies() == dict.fromkeys(deliveries, 1)
    assert {delivery.status for delivery in deliveries.values()} == {"sent"}
    assert digest.status == DigestStatus.SENT
    assert waits.seconds == []


def test_it_fails_a_message_refused_at_data_and_goes_on_over_the_same_connection(settings, waits):
    digest = started_digest(readers_count=4)
    refused = digest.deliveries.order_by("pk")[0].address

    with serving(settings, Faults(refuse_data={refused: "554 5.7.1 Policy says no"})) as smtp:
        send(digest, waits)

    failed = ledger(digest)[refused]
    assert (failed.status, failed.smtp_code, failed.attempts) == ("failed", 554, 1)
    assert "Policy says no" in failed.answer
    assert sorted(smtp.copies().values()) == [1, 1, 1]
    assert len({message.peer for message in smtp.received}) == 1
    assert waits.seconds == []


def test_it_sends_to_an_international_domain_and_fails_what_it_cannot_address(smtp, waits):
    digest = started_digest(readers_count=3)
    first, second = digest.deliveries.order_by("pk")[:2]
    Delivery.objects.filter(pk=first.pk).update(address="ana@exämple.com")
    Delivery.objects.filter(pk=second.pk).update(address="zoë@example.com")
    for delivery, address in ((first, "ana@exämple.com"), (second, "zoë@example.com")):
        delivery.person.email = address
        delivery.person.save()

    send(digest, waits)

    deliveries = ledger(digest)
    assert deliveries["ana@exämple.com"].status == "sent"
    assert len(smtp.to("ana@xn--exmple-cua.com")) == 1
    refused = deliveries["zoë@example.com"]
    assert (refused.status, refused.smtp_code, refused.attempts) == ("failed", 553, 1)
    assert "SMTPUTF8" in refused.answer
    assert len(smtp.received) == 2
    assert digest.status == DigestStatus.SENT


@pytest.mark.parametrize("pipelining", [True, False])
def test_it_hands_over_the_very_bytes_it_built_lines_starting_with_a_dot_too(settings, pipelining):
    message = DigestMessage(
        sender="InsightBoard <digest@example.com>",
        recipient="reader@example.com",
        subject="Dots",
        text=".\n.hidden\n..two\nend.\n.",
        html="<p>\n.x</p>",
        headers={"Message-ID": "<dots@example.com>"},
        boundary="=_dots",
    )

    with serving(settings, Faults(pipelining=pipelining)) as smtp:
        relay = relay_from_settings()
        answer = relay.send(message)
        relay.close()

    assert answer.code == 250
    [received] = smtp.received
    assert received.raw == message.as_bytes()
    assert received.recipients == ("reader@example.com",)


def test_it_loses_and_duplicates_nothing_when_the_server_keeps_dropping_the_connection(
    settings, waits
):
    digest = started_digest(readers_count=300)

    with serving(settings, Faults(drop_every=50)) as smtp:
        send(digest, waits)

    # Six drops, at each stage in turn: MAIL FROM, RCPT TO, during DATA and after DATA.
    assert smtp.recorder.drops == ["mail", "rcpt", "data", "after", "mail", "rcpt"]
    assert_each_sent_once(digest, smtp)
    assert len(smtp.received) == 300
    assert progress(digest) == {**NOTHING, "sent": 300, "total": 300}
    # Only the message cut during DATA waited (the server might have been keeping it); a
    # connection lost before DATA is opened again and the message offered at once.
    assert waits.backed_off(30)
    assert digest.status == DigestStatus.SENT


@contextmanager
def server_down(settings) -> Iterator[SmtpServer]:
    """A server that is not started yet: connecting to it is refused."""
    smtp = SmtpServer()
    settings.MAILERS = smtp.mailers()
    runs.process_relay_close()
    try:
        yield smtp
    finally:
        runs.process_relay_close()
        smtp.stop()


def test_it_waits_for_a_server_that_is_down_and_delivers_once_it_is_back(settings, waits):
    digest = started_digest(readers_count=10)

    with server_down(settings) as smtp:
        # Down for 20 minutes: longer than a recipient's six tries would last.
        waits.then = [*[lambda: None] * 19, smtp.start]
        send(digest, waits)

    assert_each_sent_once(digest, smtp)
    assert len(waits.seconds) == 20
    assert all(0 < seconds <= 60 for seconds in waits.seconds)
    for delivery in digest.deliveries.all():
        # Not reaching the server used up nobody's tries.
        assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert digest.status == DigestStatus.SENT


def test_it_gives_up_on_a_server_that_stays_down_for_the_hours_allowed(settings, waits):
    settings.INSIGHTBOARD_DIGEST_MAX_LATE_HOURS = 1
    digest = started_digest(readers_count=5)

    with server_down(settings) as smtp:
        send(digest, waits)

    assert smtp.received == []
    assert 59 <= len(waits.seconds) <= 61
    assert progress(digest) == {**NOTHING, "failed": 5, "total": 5}
    for delivery in digest.deliveries.all():
        assert delivery.answer.startswith(
            "Gave up: the mail server could not be reached in the 1 h allowed"
        )
    assert digest.status == DigestStatus.SENT


def test_it_accounts_for_every_recipient_whatever_happens(settings, waits):
    digest = started_digest(readers_count=40)
    addresses = list(digest.deliveries.order_by("pk").values_list("address", flat=True))
    faults = Faults(
        temporary={addresses[0]: 1, addresses[1]: 3},
        permanent={addresses[2], addresses[3]},
        drop_every=7,
    )
    quitter = Delivery.objects.get(address=addresses[4]).person
    quitter.is_active = False
    quitter.save()

    with serving(settings, faults) as smtp:
        send(digest, waits)

    statuses = [delivery.status for delivery in digest.deliveries.all()]
    assert len(statuses) == 40
    assert statuses.count("sent") + statuses.count("failed") + statuses.count("skipped") == 40
    assert (statuses.count("failed"), statuses.count("skipped")) == (2, 1)
    sent = ledger(digest)
    assert smtp.copies() == {
        address: 1 for address, delivery in sent.items() if delivery.status == "sent"
    }
    assert digest.status == DigestStatus.SENT


def test_it_resends_to_one_person_the_very_same_message(smtp, waits):
    digest = started_digest(readers_count=3)
    send(digest, waits)
    delivery = digest.deliveries.order_by("pk").first()
    [first] = smtp.to(delivery.address)

    waits.traveller.shift(3 * 24 * 3600)  # days later
    runs.delivery_resend(delivery=delivery)
    send(Digest.objects.get(pk=digest.pk), waits)

    again = smtp.to(delivery.address)
    assert len(again) == 2
    assert again[1].raw == first.raw
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
