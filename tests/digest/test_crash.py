"""`send_digest` as it really runs, in processes of its own against the test database and a real
SMTP server on loopback: two at once send no duplicate, and one killed with SIGKILL part-way
and run again misses nobody and duplicates at most the one message it had in flight, which goes
out again as the very same message."""

import datetime
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from insightboard.digest.models import Delivery, DeliveryStatus, Digest, DigestStatus
from insightboard.digest.services import progress
from tests.digest.smtp_server import (
    DEADLINE,
    WEEK_LABEL,
    Faults,
    SmtpServer,
    compiled_digest,
    serving,
)

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE = Path(django_settings.BASE_DIR) / "manage.py"


def database_url() -> str:
    """This test's database, as another process reaches it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += f":{quote(db['PASSWORD'])}"
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def send_digest(smtp: SmtpServer) -> subprocess.Popen[str]:
    """`manage.py send_digest --week 2026-W47`, started in a process of its own."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://{smtp.address}",
        "DJANGO_DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(MANAGE), "send_digest", "--week", WEEK_LABEL],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """The processes a test starts; none is left running after it."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_two_send_digest_at_once_send_each_recipient_one_message(settings, started):
    digest = compiled_digest(readers_count=120)
    # The server answers no message until both processes are connected, so they overlap.
    with serving(settings, Faults(wait_for_connections=2)) as smtp:
        started.extend([send_digest(smtp), send_digest(smtp)])
        for process in started:
            finish(process)

    addresses = list(Delivery.objects.values_list("address", flat=True))
    assert len(addresses) == 120
    assert smtp.copies() == dict.fromkeys(addresses, 1)
    assert len({message.peer for message in smtp.received}) >= 2
    assert progress(digest)["sent"] == 120
    assert Digest.objects.get(pk=digest.pk).status == DigestStatus.SENT


def test_a_run_killed_part_way_and_run_again_misses_nobody_and_repeats_one_message(
    settings, started
):
    digest = compiled_digest(readers_count=60)
    # The 20th message is kept, and its answer held while the sender is killed: the one
    # message a killed process can have in flight.
    with serving(settings, Faults(hold_answer_to=20)) as smtp:
        started.append(send_digest(smtp))
        smtp.wait_for_hold()
        os.kill(started[0].pid, signal.SIGKILL)
        started[0].wait(timeout=DEADLINE)
        smtp.release()
        [in_flight] = Delivery.objects.filter(status=DeliveryStatus.CLAIMED)
        assert progress(digest)["sent"] == 19

        # Run again at once: everyone else is sent; the fresh claim is left to its holder.
        started.append(send_digest(smtp))
        out = finish(started[1])
        assert "sent 59" in out
        assert "waiting 1" in out
        assert len(smtp.received) == 60
        assert Digest.objects.get(pk=digest.pk).status == DigestStatus.SENDING

        # Once the claim is older than the claim timeout, a run takes it over.
        timeout = datetime.timedelta(seconds=settings.INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT)
        Delivery.objects.filter(pk=in_flight.pk).update(
            claimed_at=in_flight.claimed_at - timeout - datetime.timedelta(seconds=1)
        )
        started.append(send_digest(smtp))
        finish(started[2])

    addresses = set(Delivery.objects.values_list("address", flat=True))
    copies = smtp.copies()
    assert set(copies) == addresses
    assert {address: count for address, count in copies.items() if count > 1} == {
        in_flight.address: 2
    }
    first, again = smtp.to(in_flight.address)
    assert first.message_id == again.message_id == in_flight.message_id
    assert again.raw == first.raw
    assert progress(digest)["sent"] == 60
    assert Digest.objects.get(pk=digest.pk).status == DigestStatus.SENT
