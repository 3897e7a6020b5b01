"""Handing digest messages to the mail server: one reused SMTP connection per process.

The connection is checked (NOOP) before it is reused after a pause, and opened again when the
server dropped it; a message is only sent again when the server had not accepted it yet.
Temporary refusals (4xx), timeouts and refused connections raise TemporaryFailure, to be tried
again later; permanent ones (5xx) raise PermanentFailure, for that recipient alone.
Without an SMTP server (the console while developing, the test outbox) messages go through
Django's configured mail backend instead.
"""

import smtplib
import ssl
import time
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import mailers

from insightboard.digest.messages import DigestMessage

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# A connection idle longer than this is asked whether it is still there before it is used.
IDLE_CHECK_SECONDS = 5.0
# The step where a server refuses the recipient itself (a bounce), not the sender or message.
RECIPIENT_STEP = "RCPT TO"


@dataclass(frozen=True)
class Answer:
    code: int
    text: str


class TemporaryFailure(Exception):
    """Try again later. `unreachable`: the mail server could not be reached at all, which says
    nothing about the recipient."""

    def __init__(self, text: str, code: int | None = None, *, unreachable: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.code = code
        self.unreachable = unreachable


class PermanentFailure(Exception):
    def __init__(self, text: str, code: int) -> None:
        super().__init__(text)
        self.text = text
        self.code = code


class Relay(Protocol):
    def send(self, message: DigestMessage) -> Answer: ...

    def close(self) -> None: ...


def refusal(code: int, reply: bytes | str, step: str) -> TemporaryFailure | PermanentFailure:
    said = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    text = f"{code} {said} (at {step})"
    return PermanentFailure(text, code) if code >= 500 else TemporaryFailure(text, code)


def envelope_address(address: str) -> str:
    """An address as SMTP carries it without SMTPUTF8: an international domain in its ASCII
    (IDNA) form; a mailbox name that is not ASCII cannot be carried at all."""
    mailbox, _, domain = address.rpartition("@")
    if not mailbox.isascii():
        raise PermanentFailure(
            f"553 {address} has a mailbox name that is not ASCII, which needs SMTPUTF8 "
            "(not sent: refused before reaching the mail server)",
            553,
        )
    try:
        ascii_domain = domain if domain.isascii() else domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise PermanentFailure(
            f"553 {address} has a domain that cannot be written in ASCII (not sent)", 553
        ) from None
    return f"{mailbox}@{ascii_domain}"


def dot_stuffed(body: bytes) -> bytes:
    """The message as DATA sends it: each line that starts with a dot gets another (RFC 5321,
    4.5.2), then the closing dot. Plain bytes.replace, which costs far less than smtplib's
    regular expression on a 40 KB message."""
    stuffed = body.replace(b"\n.", b"\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


class SmtpRelay:
    """One SMTP connection, kept open between messages."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.host: str = options.get("host", "localhost")
        self.port: int = int(options.get("port", 25))
        self.username: str = options.get("username", "") or ""
        self.password: str = options.get("password", "") or ""
        self.use_tls: bool = bool(options.get("use_tls"))
        self.use_ssl: bool = bool(options.get("use_ssl"))
        self.timeout: float = float(options.get("timeout") or 10)
        self.connection: smtplib.SMTP | None = None
        self.last_used = 0.0

    def open(self) -> smtplib.SMTP:
        try:
            if self.use_ssl:
                context = ssl.create_default_context()
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            if self.use_tls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(
                f"Could not reach the mail server: {error}", unreachable=True
            ) from None
        self.connection = connection
        return connection

    def ready(self) -> smtplib.SMTP:
        """The open connection, checked if it sat idle; a new one if it is gone."""
        connection = self.connection
        if connection is not None and time.monotonic() - self.last_used > IDLE_CHECK_SECONDS:
            try:
                if connection.noop()[0] != 250:
                    connection = None
            except (OSError, smtplib.SMTPException):
                connection = None
        if connection is None:
            self.close()
            connection = self.open()
        return connection

    def send(self, message: DigestMessage) -> Answer:
        # Until the server has said 354 to DATA it holds nothing of the message: a connection
        # lost before is opened again and the message offered again, once. Lost after, the
        # message may have been accepted: that is tried again later, never at once.
        sender = envelope_address(message.envelope_sender)
        recipient = envelope_address(message.recipient)
        for last_try in (False, True):
            connection = self.ready()
            try:
                if connection.has_extn("pipelining"):
                    self.offer_pipelined(connection, sender, recipient)
                else:
                    self.offer(connection, sender, recipient)
            except smtplib.SMTPServerDisconnected:
                self.close()
                if last_try:
                    raise TemporaryFailure("The mail server closed the connection.") from None
                continue
            except (OSError, smtplib.SMTPException) as error:
                self.close()
                raise TemporaryFailure(f"The mail server did not answer: {error}") from None
            return self.data(connection, message)
        raise TemporaryFailure("The mail server closed the connection.")

    def offer(self, connection: smtplib.SMTP, sender: str, recipient: str) -> None:
        """MAIL FROM, RCPT TO and DATA, each waiting for its answer."""
        code, reply = connection.mail(sender)
        if code != 250:
            self.reset(connection)
            raise refusal(code, reply, "MAIL FROM")
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            self.reset(connection)
            raise refusal(code, reply, RECIPIENT_STEP)
        code, reply = connection.docmd("DATA")
        if code != 354:
            self.reset(connection)
            raise refusal(code, reply, "DATA")

    def offer_pipelined(self, connection: smtplib.SMTP, sender: str, recipient: str) -> None:
        """The same three commands in one write, then their three answers (RFC 2920): two
        round trips a message instead of four, where the server says it can."""
        connection.send(f"MAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n")
        mail, rcpt, data = (connection.getreply() for _ in range(3))
        if data[0] == 354 and (mail[0] != 250 or rcpt[0] not in (250, 251)):
            # A server that said 354 although the envelope was refused gets an empty message,
            # which it must not deliver (RFC 2920, 3.1), before the reset.
            connection.send(".\r\n")
            connection.getreply()
        for (code, reply), step, good in (
            (mail, "MAIL FROM", (250,)),
            (rcpt, RECIPIENT_STEP, (250, 251)),
            (data, "DATA", (354,)),
        ):
            if code not in good:
                self.reset(connection)
                raise refusal(code, reply, step)

    def data(self, connection: smtplib.SMTP, message: DigestMessage) -> Answer:
        """The message itself, after the server's 354."""
        try:
            connection.send(dot_stuffed(message.as_bytes()))
            code, reply = connection.getreply()
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise TemporaryFailure(f"The connection broke while sending: {error}") from None
        self.last_used = time.monotonic()
        if code != 250:
            raise refusal(code, reply, "DATA")
        return Answer(code, reply.decode(errors="replace"))

    def reset(self, connection: smtplib.SMTP) -> None:
        try:
            connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
        self.connection = None


class BackendRelay:
    """Django's configured mail backend: the console while developing, the outbox in tests."""

    def __init__(self) -> None:
        self.connection = mailers.default

    def send(self, message: DigestMessage) -> Answer:
        self.connection.send_messages([message.as_django()])
        return Answer(250, "handed to Django's mail backend")

    def close(self) -> None:
        self.connection.close()


def relay_from_settings() -> Relay:
    mailer: dict[str, Any] = settings.MAILERS.get("default", {})
    if mailer.get("BACKEND") == SMTP_BACKEND:
        return SmtpRelay(mailer.get("OPTIONS", {}))
    return BackendRelay()
