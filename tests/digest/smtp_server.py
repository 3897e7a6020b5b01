"""A real SMTP server on loopback for the delivery tests, that can misbehave on purpose; and the
week's digest those tests send.

aiosmtpd serves SMTP from a thread of its own. The server records every message it keeps (its
envelope recipients, Message-ID and raw bytes, the connection it came over) and injects the
faults real relays have: a 4xx for a recipient's first tries, a 5xx for a recipient, a dropped
connection every K messages (at MAIL FROM, at RCPT TO, during DATA before it keeps the message,
or just after it accepted one), slowness, a hold on one message's answer while a test kills
its sender, and being down (connection refused) until it is started again.
"""

import asyncio
import datetime
import itertools
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from typing import Any

import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session, syntax

from insightboard.digest import runs
from insightboard.digest.models import Digest, DigestStatus
from insightboard.digest.services import digest_compile
from tests.people.factories import PersonFactory
from tests.stories.factories import StoryFactory

# aiosmtpd logs every command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The longest a test waits for something to happen in another thread or process.
DEADLINE = 60.0

# Where each dropped connection is cut, in turn: before the server holds anything of the
# message (MAIL FROM, RCPT TO, DATA before it keeps it) and just after it accepted one.
DROP_STAGES = ("mail", "rcpt", "data", "after")


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    message_id: str
    raw: bytes
    peer: tuple[str, int]  # the client's end of the connection it came over
    at: float  # the server's clock when it kept the message


@dataclass
class Faults:
    # Address -> how many of its first RCPT TO are answered 451 before it is accepted.
    temporary: dict[str, int] = field(default_factory=dict)
    # Addresses answered 550 at RCPT TO, always.
    permanent: set[str] = field(default_factory=set)
    # Address -> the answer to the DATA command of a message to it (instead of 354).
    refuse_data: dict[str, str] = field(default_factory=dict)
    # Cut the connection on every K-th message offered (0: never), at DROP_STAGES in turn.
    drop_every: int = 0
    drop_stages: tuple[str, ...] = DROP_STAGES
    # Seconds to wait before answering each DATA.
    slow: float = 0.0
    # Keep the N-th message, then hold its answer until `release()` (0: never).
    hold_answer_to: int = 0
    # Answer no DATA until this many connections have been opened (two senders at once).
    wait_for_connections: int = 0
    # Say PIPELINING in answer to EHLO (RFC 2920), as Postfix and most relays do.
    pipelining: bool = True


class Recorder:
    """aiosmtpd's handler: what was kept, what was refused, and the faults to inject."""

    def __init__(self, faults: Faults, clock: Callable[[], float]) -> None:
        self.faults = faults
        self.clock = clock
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.refused: list[tuple[str, str]] = []
        self.rcpt_tries: Counter[str] = Counter()
        self.offers = 0
        self.drops: list[str] = []
        self.stages = itertools.cycle(faults.drop_stages)
        self.peers: set[tuple[str, int]] = set()
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, answers: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self.faults.pipelining:
            answers.insert(-1, "250-PIPELINING")
        return answers

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.peers.add(session.peer)
            self.offers += 1
            offer = self.offers
            drop = ""
            if self.faults.drop_every and offer % self.faults.drop_every == 0:
                drop = next(self.stages)
                self.drops.append(drop)
        session.drop = drop  # type: ignore[attr-defined]
        session.offer = offer  # type: ignore[attr-defined]
        if drop == "mail":
            return cut(server)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if session.drop == "rcpt":  # type: ignore[attr-defined]
            return cut(server)
        with self.lock:
            self.rcpt_tries[address] += 1
            tries = self.rcpt_tries[address]
        if address in self.faults.permanent:
            self.refused.append((address, "550"))
            return "550 5.1.1 No such mailbox here"
        if tries <= self.faults.temporary.get(address, 0):
            self.refused.append((address, "451"))
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.faults.wait_for_connections:
            deadline = time.monotonic() + DEADLINE
            while len(self.peers) < self.faults.wait_for_connections:
                if time.monotonic() > deadline:
                    return "451 4.3.0 Nobody else came"
                await asyncio.sleep(0.01)
        if self.faults.slow:
            await asyncio.sleep(self.faults.slow)
        if session.drop == "data":  # type: ignore[attr-defined]
            return cut(server)  # gone before keeping it: nothing was accepted
        raw = envelope.content
        assert isinstance(raw, bytes)
        message_id = BytesHeaderParser().parsebytes(raw)["Message-ID"] or ""
        with self.lock:
            self.received.append(
                Received(tuple(envelope.rcpt_tos), message_id, raw, session.peer, self.clock())
            )
            kept = len(self.received)
        if kept == self.faults.hold_answer_to:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.01)
        if session.drop == "after":  # type: ignore[attr-defined]
            # The answer is written before the loop runs this, and close() flushes it.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 2.0.0 Kept"


class FaultySMTP(SMTP):
    """aiosmtpd's SMTP, which can refuse the DATA command itself (a hook cannot)."""

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        refuse = self.event_handler.faults.refuse_data
        for address in self.envelope.rcpt_tos if self.envelope else []:
            if address in refuse:
                await self.push(refuse[address])
                return
        await super().smtp_DATA(arg)


class FaultyController(Controller):
    def factory(self) -> SMTP:
        return FaultySMTP(self.handler, **self.SMTP_kwargs)


def cut(server: SMTP) -> str:
    """Close the connection without answering the command."""
    assert server.transport is not None
    server.transport.abort()
    return "421 4.4.2 Gone"  # never reaches the client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """The server: started on a port of its own, stopped and started again on the same port."""

    def __init__(self, faults: Faults | None = None, clock: Callable[[], float] = time.monotonic):
        self.recorder = Recorder(faults or Faults(), clock)
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def faults(self) -> Faults:
        return self.recorder.faults

    def start(self) -> None:
        # aiosmtpd's first connection, made to check the server is up, sends no message.
        controller = FaultyController(self.recorder, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.controller = controller

    def stop(self) -> None:
        """Down: connecting is refused until start() is called again."""
        self.recorder.released.set()
        if self.controller is not None:
            self.controller.stop()
        self.controller = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def mailers(self, *, timeout: float = 5) -> dict[str, Any]:
        options = {"host": "127.0.0.1", "port": self.port, "timeout": timeout}
        return {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": options}}

    @property
    def received(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.received)

    def copies(self) -> Counter[str]:
        """Envelope recipient -> how many messages it was sent."""
        return Counter(address for message in self.received for address in message.recipients)

    def to(self, address: str) -> list[Received]:
        return [message for message in self.received if address in message.recipients]

    def wait_for_hold(self) -> None:
        """Until the message whose answer is held has been kept."""
        assert self.recorder.holding.wait(DEADLINE), "the held message never came"

    def release(self) -> None:
        self.recorder.released.set()


@contextmanager
def serving(settings: Any, faults: Faults | None = None, **options: Any) -> Iterator[SmtpServer]:
    """A server for one test, which this process's digest relay sends to."""
    server = SmtpServer(faults, **options)
    server.start()
    settings.MAILERS = server.mailers()
    runs.process_relay_close()  # a relay left by an earlier test points at its server
    try:
        yield server
    finally:
        runs.process_relay_close()
        server.stop()


def wait_until(condition: Callable[[], bool], *, what: str) -> None:
    """Poll until something another thread or process does has happened, or fail."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"Gave up waiting for {what}."
        time.sleep(0.02)


# --- The week they send ----------------------------------------------------------------------

WEEK = datetime.date(2026, 11, 16)  # 2026-W47
WEEK_LABEL = "2026-W47"
MIDWEEK = datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)
# Monday after, 08:05 in the company's time zone (UTC in tests): the digest is due.
DUE = datetime.datetime(2026, 11, 23, 8, 5, tzinfo=datetime.UTC)
TITLE = "Checkout times out on the last step"


def readers(count: int) -> list[Any]:
    return list(PersonFactory.create_batch(count))


def compiled_digest(*, readers_count: int = 0) -> Digest:
    """The week's digest compiled from one story, with this many people reading it; the story's
    author is one of the readers (or the only one, for 0)."""
    people = readers(max(readers_count, 1))
    with time_machine.travel(MIDWEEK, tick=False):
        StoryFactory(author=people[0], title=TITLE)
    digest = digest_compile(week=WEEK)
    assert digest.status == DigestStatus.COMPILED, digest.reason
    return digest


def started_digest(*, readers_count: int) -> Digest:
    """Compiled, with its delivery ledger made: ready to send."""
    compiled_digest(readers_count=readers_count)
    digest = runs.digest_send_now(week=WEEK)
    assert digest.status == DigestStatus.SENDING
    return digest
