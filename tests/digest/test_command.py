"""`send_digest`: the week asked for (or the last complete one), sent to everyone once; a dry
run and a test copy record nothing."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.people.models import DigestPreference
from tests.isolates import without_isolates
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
MONDAY_AFTER = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


@pytest.fixture
def company(alice, bob, hugo):
    PersonFactory(username="gone@example.com", is_active=False)
    PersonFactory(username="quiet@example.com", profile__digest=DigestPreference.NONE)
    with time_machine.travel(MIDWEEK, tick=False):
        StoryFactory(title="The bill doubled", author=alice)
    return [alice, bob, hugo]


def send_digest(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(MONDAY_AFTER, tick=False):
        call_command("send_digest", *args, stdout=out)
    return out.getvalue()


def test_it_sends_last_weeks_digest_to_everyone_once(company):
    out = send_digest()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.com",
        "bob@example.com",
        "hugo@example.com",
    ]
    assert "2026-W47" in out
    assert "sent 3" in out
    digest = Digest.objects.get()
    assert (digest.week, digest.status) == (datetime.date(2026, 11, 16), DigestStatus.SENT)

    send_digest()

    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_it_sends_the_week_asked_for_whenever_it_is_asked(company):
    with time_machine.travel(datetime.datetime(2026, 11, 4, tzinfo=datetime.UTC), tick=False):
        StoryFactory(title="An older week's story", author=company[0])

    send_digest("--week", "2026-W45")

    assert Digest.objects.get().week == datetime.date(2026, 11, 2)
    assert len(mail.outbox) == 3
    assert "2–8 Nov 2026" in mail.outbox[0].subject


def test_it_prints_a_dry_run_and_records_nothing(company):
    out = without_isolates(send_digest("--dry-run"))

    assert "Subject: Customer digest, 16–22 Nov 2026" in out
    assert '"The bill doubled"' in out
    assert "Dry run: 3 recipients; nothing was recorded or sent." in out
    assert mail.outbox == []
    assert not Digest.objects.exists()


def test_it_sends_one_test_copy_and_records_nothing(company):
    out = send_digest("--to", "me@example.com")

    assert [message.to for message in mail.outbox] == [["me@example.com"]]
    assert mail.outbox[0].subject.startswith("[Test] Customer digest")
    assert "Sent a test copy of 2026-W47 to me@example.com" in out
    assert not Digest.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("week", ["2026-W54", "last week", "2026-47"])
def test_it_refuses_a_week_that_is_not_one(company, week):
    with pytest.raises(CommandError, match="week"):
        send_digest("--week", week)


def test_it_refuses_a_test_address_that_is_not_one(company):
    with pytest.raises(CommandError, match="not an email address"):
        send_digest("--to", "me at example")
